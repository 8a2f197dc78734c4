"""Priority one step up, on the names Jira uses and ServiceNow's 1-5 scale."""

from __future__ import annotations

_PRIORITY_UP = {"lowest": "Low", "low": "Medium", "medium": "High", "high": "Highest",
                "highest": "Highest", "5": "4", "4": "3", "3": "2", "2": "1", "1": "1"}


def raised_priority(current: str) -> str:
    """One step up on Jira's names or ServiceNow's 1-5 scale; the top stays the top."""
    return _PRIORITY_UP.get(current.strip().lower(), current)
