"""The tickets linked to alerts, as rows the sync layer and the views read.

A `LinkedTicket` is what the store knows of one remote ticket: how to find it again
(key, remote id, url), what it last looked like (status, SLA, configuration item) and
where the two sides last agreed (synced_state). Writes go through syncrepo, inside the
transaction that records the remote's answer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

TICKET_COLUMNS = ("id", "alert_id", "target", "key", "remote_id", "url", "status", "sla",
                  "configuration_item", "last_synced_at", "error", "synced_state",
                  "remote_created_at", "remote_parent")
_SELECT = f"SELECT {', '.join(TICKET_COLUMNS)} FROM ticket"


@dataclass(frozen=True)
class LinkedTicket:
    """One row of the ticket table."""

    id: int
    alert_id: str
    target: str
    key: str                          # SEC-412, INC0010042
    remote_id: str                    # Jira issue id, ServiceNow sys_id ("" when unknown)
    url: str
    status: str                       # as the remote last showed it
    sla: str | None                   # JSON of the newest SLA timer, where the system has them
    configuration_item: str | None
    last_synced_at: str | None
    error: str | None                 # the last problem, shown with the ticket
    synced_state: str | None          # the alert state both sides last agreed on
    remote_created_at: str | None     # escalation windows count from here
    remote_parent: str | None = None  # the parent's ticket key, once linked remotely


def _row(row: tuple) -> LinkedTicket:
    return LinkedTicket(*row)


def ticket_for(conn: sqlite3.Connection, alert_id: str, target: str) -> LinkedTicket | None:
    """The alert's ticket on a target."""
    row = conn.execute(f"{_SELECT} WHERE alert_id = ? AND target = ?",
                       (alert_id, target)).fetchone()
    return _row(row) if row else None


def tickets_of(conn: sqlite3.Connection, alert_id: str) -> list[LinkedTicket]:
    """Every ticket linked to the alert, oldest link first."""
    return [_row(r) for r in conn.execute(f"{_SELECT} WHERE alert_id = ? ORDER BY id",
                                          (alert_id,))]


def all_tickets(conn: sqlite3.Connection) -> list[LinkedTicket]:
    """Every linked ticket, newest link first (the tickets view)."""
    return [_row(r) for r in conn.execute(f"{_SELECT} ORDER BY id DESC")]


def tickets_by_key(conn: sqlite3.Connection, target: str) -> dict[str, LinkedTicket]:
    """A target's linked tickets by key (the poller's lookup)."""
    return {t.key: t for t in map(_row, conn.execute(f"{_SELECT} WHERE target = ?",
                                                     (target,)))}


def alert_of_ticket(conn: sqlite3.Connection, target: str, key: str) -> str | None:
    """The alert a target's ticket is linked to, if any."""
    row = conn.execute("SELECT alert_id FROM ticket WHERE target = ? AND key = ?",
                       (target, key)).fetchone()
    return row[0] if row else None
