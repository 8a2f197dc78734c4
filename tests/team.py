"""Team-mode test helpers: alerts stored the same way on either database.

On PostgreSQL the ingest path (`upsert_alerts`, with its search index) is built
separately; these tests need only the alert rows, so there they are inserted plainly,
one statement per batch, through the same row encoding the ingest uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from zshield_tui.domain import Alert
from zshield_tui.store import upsert_alerts
from zshield_tui.store.alerts import _UPSERT, _row, iso
from zshield_tui.store.pg import POSTGRESQL, dialect

_INSERT = _UPSERT.split("ON CONFLICT")[0] + "ON CONFLICT (id) DO NOTHING"


def store_alerts(conn: Any, alerts: Iterable[Alert]) -> None:
    if dialect(conn) != POSTGRESQL:
        upsert_alerts(conn, alerts, fmt="zshield")
        return
    now = iso(datetime.now(UTC))
    rows = [_row(a, "zshield", now) for a in alerts]
    if conn.in_transaction:
        conn.executemany(_INSERT, rows)
        return
    conn.execute("BEGIN")
    conn.executemany(_INSERT, rows)
    conn.execute("COMMIT")
