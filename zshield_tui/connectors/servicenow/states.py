"""State models of `incident` and `sn_si_incident` (API-FACTS B5.2, B6.1), and what a
move into each state must carry (close code and notes, hold reason)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    value: str
    label: str
    category: str            # new | indeterminate | done (the sync layer's vocabulary)
    closing: bool = False    # needs close_code + close_notes in the same PATCH
    needs_hold_reason: bool = False


INCIDENT = (
    State("1", "New", "new"),
    State("2", "In Progress", "indeterminate"),
    State("3", "On Hold", "indeterminate", needs_hold_reason=True),
    State("6", "Resolved", "done", closing=True),
    State("7", "Closed", "done", closing=True),
    State("8", "Canceled", "done"),
)
# 20 Recover and 100 Review are unconfirmed in API-FACTS (B6.1): read sys_choice to check.
SECURITY_INCIDENT = (
    State("10", "Draft", "new"),
    State("16", "Analysis", "indeterminate"),
    State("18", "Contain", "indeterminate"),
    State("19", "Eradicate", "indeterminate"),
    State("20", "Recover", "indeterminate"),
    State("100", "Review", "indeterminate"),
    State("3", "Closed", "done", closing=True),
    State("7", "Cancelled", "done"),
)
HOLD_REASONS = {"1": "Awaiting Caller", "3": "Awaiting Problem", "4": "Awaiting Vendor",
                "5": "Awaiting Change"}

# Words the sync layer and configs use for the usual moves.
_ALIASES = {"resolve": "resolved", "close": "closed", "cancel": "canceled",
            "start": "in progress", "in_progress": "in progress", "hold": "on hold",
            "on_hold": "on hold", "cancelled": "canceled"}


def states_of(table: str) -> tuple[State, ...]:
    """The states of a table; unknown tables use the incident model (both extend task)."""
    return SECURITY_INCIDENT if table == "sn_si_incident" else INCIDENT


def by_value(table: str, value: str) -> State | None:
    return next((s for s in states_of(table) if s.value == str(value)), None)


def label_of(table: str, value: str) -> str:
    state = by_value(table, value)
    return state.label if state else str(value)


def find_state(table: str, name: str) -> State | None:
    """A state by label (any case), value, or a common alias such as `resolve`."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    for state in states_of(table):
        label = state.label.lower()
        if key in (label, state.value) or (key == "canceled" and label == "cancelled"):
            return state
    if table == "sn_si_incident" and key == "resolved":
        return by_value(table, "3")   # SIR has no Resolved: closing is its resolution
    return None
