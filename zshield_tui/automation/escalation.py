"""Escalation of tickets still in the remote "new" state after the window.

Pure decisions with an injected clock: given a ticket's status, when it was created and
when it was last escalated, `decide_escalation` says whether to act now and what to do.
At most once per window: a ticket new for 2.5 windows has been escalated twice, once at
each full window; a missed run catches up with one escalation, not several.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from zshield_tui.rules_config import Escalation, OnCall

from .oncall import on_call

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TicketState:
    """What escalation needs to know about one ticket."""

    alert_id: str
    target: str
    key: str
    status: str
    created_at: datetime
    last_escalated_at: datetime | None = None


@dataclass(frozen=True)
class EscalationDecision:
    """One escalation to carry out on `key`; `window` is which window (1, 2, ...) it is."""

    alert_id: str
    target: str
    key: str
    window: int
    raise_priority: bool
    assignee: str | None
    comment: str | None
    reason: str


def format_age(age: timedelta) -> str:
    """`1h 05m`, `45m`, `2d 3h`: how long a ticket waited, for the comment."""
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def decide_escalation(ticket: TicketState, config: Escalation, clock: Clock = utc_now,
                      oncall: dict[str, OnCall] | None = None) -> EscalationDecision | None:
    """The escalation due now for `ticket`, or None (not new, or this window done)."""
    if ticket.status.strip().lower() not in {s.lower() for s in config.new_states}:
        return None
    now = clock()
    age = now - ticket.created_at
    window = config.window
    due = int(age / window)   # full windows elapsed
    if due < 1:
        return None
    if ticket.last_escalated_at is not None:
        done = int((ticket.last_escalated_at - ticket.created_at) / window)
        if done >= due:
            return None
    action = config.action
    assignee = action.assign
    if assignee and assignee.startswith("oncall:"):
        rotation = (oncall or {}).get(assignee.removeprefix("oncall:"))
        assignee = on_call(rotation, now) if rotation else None
    comment = action.comment.replace("{{ age }}", format_age(age)) if action.comment else None
    return EscalationDecision(
        ticket.alert_id, ticket.target, ticket.key, due, action.raise_priority, assignee,
        comment, f"status {ticket.status!r} for {format_age(age)} "
                 f"(window {config.unacknowledged_after}, #{due})")


def last_escalated(conn) -> dict[tuple[str, str], datetime]:
    """(alert id, ticket key) -> the last escalation recorded in the audit trail: pass it
    as `TicketState.last_escalated_at`."""
    from zshield_tui.store.alerts import parse_iso
    from zshield_tui.store.automation_rows import last_escalations

    return {key: parse_iso(at) for key, at in last_escalations(conn).items()}


def decide_all(tickets: list[TicketState], config: Escalation | None, clock: Clock = utc_now,
               oncall: dict[str, OnCall] | None = None) -> list[EscalationDecision]:
    """The escalations due now across `tickets`; none without an `[escalation]` table."""
    if config is None:
        return []
    decisions = (decide_escalation(t, config, clock, oncall) for t in tickets)
    return [d for d in decisions if d is not None]


def escalations_due(conn, config: Any, tickets: list[TicketState],
                    clock: Clock = utc_now) -> list[EscalationDecision]:
    """What the sync engine calls each pass with its linked tickets: the escalations due
    now, given those already recorded in the audit trail. Queue each and record it with
    `audit.record_escalation` in the same transaction: that row is what makes it once per
    window."""
    last = last_escalated(conn)
    current = [t if t.last_escalated_at is not None
               else TicketState(t.alert_id, t.target, t.key, t.status, t.created_at,
                                last.get((t.alert_id, t.key)))
               for t in tickets]
    return decide_all(current, config.escalation, clock, config.oncall)
