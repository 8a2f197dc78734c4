"""Alerts into a test's store, on either database.

On SQLite this is the product's `upsert_alerts`. On PostgreSQL the product's upsert (with
its search index and COPY) is being written by another change (issue 14, the list and
ingest paths); until it lands, the store and sync suites seed PostgreSQL with the same
upsert statement in PostgreSQL's words and the product's evidence rules, so that they test
the sync paths and not the ingest ones. Once `upsert_alerts` speaks PostgreSQL this module
reduces to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from zshield_tui.domain import Alert
from zshield_tui.store import UpsertCounts, upsert_alerts
from zshield_tui.store.alerts import _evidence_to_write, _replace_evidence, _row, iso
from zshield_tui.store.pg import POSTGRESQL, dialect
from zshield_tui.store.syncrepo import transaction

_COMPARED = ("title", "description", "severity", "source", "category", "mitre_technique",
             "parent_id", "tags", "assets", "iocs", "playbook", "raw")
_PG_UPSERT = f"""
INSERT INTO alert (id, title, description, severity, source, category, mitre_technique,
                   assigned_analyst, state, created_at, parent_id, tags, assets, iocs,
                   playbook, raw, format, ingested_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, description = excluded.description,
    severity = excluded.severity, source = excluded.source, category = excluded.category,
    mitre_technique = excluded.mitre_technique,
    assigned_analyst = coalesce(alert.assigned_analyst, excluded.assigned_analyst),
    created_at = excluded.created_at, parent_id = excluded.parent_id, tags = excluded.tags,
    assets = excluded.assets, iocs = excluded.iocs, playbook = excluded.playbook,
    raw = excluded.raw, format = excluded.format, updated_at = excluded.updated_at
WHERE ({", ".join(f"alert.{c}" for c in _COMPARED)})
   IS DISTINCT FROM ({", ".join(f"excluded.{c}" for c in _COMPARED)})
"""


def seed_alerts(conn: Any, alerts: Iterable[Alert], *, fmt: str,
                origin: str | None = None) -> UpsertCounts:
    """Stores the alerts as `upsert_alerts` does (one transaction on PostgreSQL)."""
    if dialect(conn) != POSTGRESQL:
        return upsert_alerts(conn, alerts, fmt=fmt, origin=origin)
    now = iso(datetime.now(UTC))
    rows: dict[str, tuple] = {}
    named: dict[str, list[tuple[str, str]]] = {}
    for alert in alerts:
        rows[alert.id] = _row(alert, fmt, now)
        named.pop(alert.id, None)
        if alert.evidence:
            named[alert.id] = [(e.name, e.path) for e in alert.evidence]
    counts = UpsertCounts()
    with transaction(conn):
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()[0]
        changed = sum(conn.execute(_PG_UPSERT, row).rowcount for row in rows.values())
        evidence = _evidence_to_write(conn, named, [i for i in rows if i not in named])
        changed += _replace_evidence(conn, evidence, now, origin)
        inserted = conn.execute("SELECT count(*) FROM alert WHERE seq > ?",
                                (before,)).fetchone()[0]
    counts.inserted, counts.updated = inserted, changed - inserted
    counts.unchanged = len(rows) - changed
    return counts
