"""A database with linked tickets and an outbox, made by the real push through the
simulators, then pinned in time so that a snapshot of it never changes.

The product stamps what sync does with the wall clock (ticket `last_synced_at`, audit rows,
outbox times: `store/syncrepo.py` `now_iso()`); nothing lets a caller pass a clock, so the
times it wrote are set to NOW afterwards, in the data the screens read. The sync watermark
goes past every remote change, so the app's own background pass re-stamps nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tests.tui.conftest import NOW
from zshield_tui.core import Core
from zshield_tui.store import AlertFilter, AlertQuery, Sort, Store
from zshield_tui.store import syncrepo as repo

PINNED = NOW.isoformat(timespec="milliseconds")
BEYOND = "2099-01-01T00:00:00+00:00"  # later than any remote change: the poll finds none


@dataclass(frozen=True)
class World:
    """The newest alerts by list position: [0] has tickets on both targets, [1] one on
    snow-sir, [2] a failed and [3] a pending op on jira-sec."""

    newest: list[str]


def build(db: Path, config: Path) -> World:
    with Store(db) as store:
        newest = [r.id for r in AlertQuery(store.conn, AlertFilter(), Sort.TIME).page(0, 6)]
    core = Core(config, db)
    # One alert per push: the alerts of one push go out concurrently, and the order they
    # arrive in decides their keys.
    for alert_id, target in ((newest[0], "jira-sec"), (newest[0], "snow-sir"),
                             (newest[1], "snow-sir")):
        core.push([alert_id], target, settle=5.0)
    core.sync_once(settle=0.0)  # the poll brings the SLA and the configuration item back
    with Store(db) as store:
        conn = store.conn
        failed = repo.enqueue(conn, "jira-sec", newest[2], "comment", {"body": "Contained."})
        repo.give_up(conn, failed, "HTTP 400: comment body: field is required")
        pending = repo.enqueue(conn, "jira-sec", newest[3], "create", {})
        repo.defer(conn, pending, "HTTP 503: service unavailable, retrying", 3600.0)
        _pin(conn)
        conn.commit()
    return World(newest)


def _pin(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE ticket SET last_synced_at = ?", (PINNED,))
    conn.execute("UPDATE audit SET at = ?", (PINNED,))
    conn.execute("UPDATE note SET created_at = ?", (PINNED,))
    conn.execute("UPDATE outbox SET created_at = ?, next_attempt_at = "
                 "CASE WHEN status = 'pending' THEN ? END", (PINNED, BEYOND))
    for target in ("jira-sec", "snow-sir"):
        repo.set_watermark(conn, target, BEYOND)
