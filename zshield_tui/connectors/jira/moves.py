"""Moving Jira issues by transition name, one request per issue where possible.

Transitions are looked up once per project and status (workflows differ by project) and
reused for the next issue found in that status; a stale guess is refused by Jira and the
issue then takes the full path: its status now, its transitions from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.base import Transition
from zshield_tui.connectors.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from zshield_tui.connectors.jira.client import JiraConnector


class TransitionCache:
    """Transitions by (project, status), each by its name and by the status it leads to.
    One per connector: a connector lives for one drain, so the cache never outlives a
    workflow change by much."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], dict[str, Transition]] = {}

    async def move(self, jira: JiraConnector, key: str, name: str,
                   fields: Mapping[str, Any] | None, status: str) -> str:
        """Runs the transition `name` (or the one leading to status `name`) on `key`, last
        seen in `status`; returns the status it leads to. NotFoundError when the issue has
        no such transition from where it is now."""
        body = dict(fields) if fields else None
        project = key.split("-")[0]
        known = self._known.get((project, status), {}).get(name.casefold())
        if known is not None:
            try:
                await jira.post_transition(key, known.id, body)
                return known.to_status
            except (ValidationError, NotFoundError):
                pass
        # Keyed by the status Jira reports now: the caller's may be behind a remote move.
        current = (await jira.get(key)).status
        available = await jira.transitions(key)
        by_name: dict[str, Transition] = {}
        for t in available:
            by_name.setdefault(t.to_status.casefold(), t)
            by_name[t.name.casefold()] = t
        self._known[(project, current)] = by_name
        match = by_name.get(name.casefold())
        if match is None:
            names = ", ".join(f"{t.name} (-> {t.to_status})" for t in available) or "none"
            raise NotFoundError(f"{key} has no transition {name!r} from {current}; "
                                f"available: {names}", target=jira.name)
        await jira.post_transition(key, match.id, body)
        return match.to_status
