"""Whether a `zshield run` daemon is alive on this database: it writes a heartbeat every
few seconds, so an open TUI knows whether someone already reads the `[[sources]]`.

The heartbeat is a row of `sync_cursor` named `@daemon`, its watermark
`host:pid`, its time when it last beat. A daemon that died stops beating and is taken for
gone once its beat is older than STALE.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from .syncrepo import now_iso, transaction

NAME = "@daemon"
BEAT = 5.0      # s between heartbeats
STALE = 20.0    # s without one: the daemon is gone


def beat(conn: sqlite3.Connection, who: str) -> None:
    """This daemon is alive now."""
    with transaction(conn):
        conn.execute("INSERT INTO sync_cursor (target, watermark, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT (target) DO UPDATE SET watermark = excluded.watermark, "
                     "updated_at = excluded.updated_at", (NAME, who, now_iso()))


def stopped(conn: sqlite3.Connection, who: str) -> None:
    """This daemon stops: nobody reads the sources now."""
    with transaction(conn):
        conn.execute("DELETE FROM sync_cursor WHERE target = ? AND watermark = ?",
                     (NAME, who))


def alive(conn: sqlite3.Connection) -> str | None:
    """`host:pid` of the daemon that beat within STALE seconds, or None."""
    row = conn.execute("SELECT watermark, updated_at FROM sync_cursor WHERE target = ?",
                       (NAME,)).fetchone()
    if row is None or row[1] is None:
        return None
    when = datetime.fromisoformat(row[1])
    return row[0] if datetime.now(UTC) - when <= timedelta(seconds=STALE) else None
