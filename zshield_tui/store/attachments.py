"""What went up to each ticket: one row per file name, which makes an attach once-only.

A row is written right after its upload, in its own small transaction, so a crash later
in the same op leaves the files already sent known, and a rerun sends only the rest.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .syncrepo import now_iso

ATTACHMENT_COLUMNS = ("target", "name", "remote_id", "size", "attached_at")


def attached_names(conn: sqlite3.Connection, alert_id: str, target: str) -> set[str]:
    """The file names already on the alert's ticket on a target."""
    rows = conn.execute("SELECT name FROM attachment WHERE alert_id = ? AND target = ?",
                        (alert_id, target))
    return {r[0] for r in rows}


def record_attachment(conn: sqlite3.Connection, alert_id: str, target: str, name: str, *,
                      remote_id: str, size: int) -> None:
    """Remembers a file on the ticket; the first record of a name stands."""
    conn.execute("INSERT INTO attachment (alert_id, target, name, remote_id, size, "
                 "attached_at) VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (alert_id, target, name) DO NOTHING",
                 (alert_id, target, name, remote_id, size, now_iso()))


def attachments_of(conn: sqlite3.Connection, alert_id: str) -> list[dict[str, Any]]:
    """Every file on the alert's tickets, per target in upload order."""
    rows = conn.execute(f"SELECT {', '.join(ATTACHMENT_COLUMNS)} FROM attachment "
                        "WHERE alert_id = ? ORDER BY target, id", (alert_id,)).fetchall()
    return [dict(zip(ATTACHMENT_COLUMNS, r, strict=True)) for r in rows]


def linked_changed_since(conn: sqlite3.Connection, since: str) -> list[tuple[str, str]]:
    """(alert id, target) of every ticket whose alert was written at or after `since`:
    the tickets a re-ingest may have brought new evidence for."""
    return conn.execute("SELECT t.alert_id, t.target FROM ticket t JOIN alert a "
                        "ON a.id = t.alert_id WHERE a.updated_at >= ? ORDER BY t.id",
                        (since,)).fetchall()
