"""The reads the automation layer needs: the alerts of a period as the few columns routing
looks at (the what-if replay over 100k+ rows), and what already exists for an alert on
each target (tickets and create operations in the outbox), so auto-create never repeats."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime

from .alerts import iso

RoutingRow = tuple[str, int, str, str, str, str, str]
"""(id, severity rank, category, source, tags JSON, assets JSON, created_at ISO)."""


def routing_rows(conn: sqlite3.Connection, since: datetime,
                 until: datetime) -> Iterator[RoutingRow]:
    """Alerts created in [since, until), oldest first; uses the created_at index."""
    yield from conn.execute(
        "SELECT id, severity, category, source, tags, assets, created_at FROM alert "
        "WHERE created_at >= ? AND created_at < ? ORDER BY created_at, seq",
        (iso(since), iso(until)))


def existing_for(conn: sqlite3.Connection, alert_id: str) -> list[tuple[str, str, str, str]]:
    """(target, kind, operation, status) for the alert's tickets and create operations."""
    tickets = conn.execute("SELECT target FROM ticket WHERE alert_id = ?", (alert_id,))
    found = [(target, "ticket", "create", "") for (target,) in tickets]
    ops = conn.execute("SELECT target, operation, status FROM outbox "
                       "WHERE alert_id = ? AND operation = 'create'", (alert_id,))
    found += [(target, "outbox", operation, status) for target, operation, status in ops]
    return found


def last_escalations(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(alert id, ticket key) -> when it was last escalated (ISO), from the audit trail;
    this is what keeps escalation to once per window across restarts."""
    rows = conn.execute("SELECT alert_id, new_value, max(at) FROM audit "
                        "WHERE action = 'escalate' GROUP BY alert_id, new_value")
    return {(alert_id, key): at for alert_id, key, at in rows}
