"""Writing and reading whole alerts.

Bulk ingest goes through the DB-API directly (executemany in large transactions on
SQLite, COPY into a staging table on PostgreSQL: alerts_pg.py): it is the hot path, and
the ORM would cost several times the time per row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from pydantic_core import to_json

from zshield_tui.domain import IOC, Alert, AlertState, Asset, Evidence, Severity

from . import alerts_pg
from .pg import POSTGRESQL, dialect
from .schema import FTS_INDEX_NEW

BATCH = 20_000  # rows per transaction: fewer commits rewrite fewer index pages

_UPSERT = """
INSERT INTO alert (id, title, description, severity, source, category, mitre_technique,
                   assigned_analyst, state, created_at, parent_id, tags, assets, iocs,
                   playbook, raw, format, ingested_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, description = excluded.description,
    severity = excluded.severity, source = excluded.source, category = excluded.category,
    mitre_technique = excluded.mitre_technique,
    -- the analyst's own work (state, assignment) survives a re-ingest of the same record
    assigned_analyst = coalesce(alert.assigned_analyst, excluded.assigned_analyst),
    created_at = excluded.created_at, parent_id = excluded.parent_id, tags = excluded.tags,
    assets = excluded.assets, iocs = excluded.iocs, playbook = excluded.playbook,
    raw = excluded.raw, format = excluded.format, updated_at = excluded.updated_at
-- Not created_at: a record without a time of its own gets the ingest time, which differs
-- on every run of the same file.
WHERE (alert.title, alert.description, alert.severity, alert.source, alert.category,
       alert.mitre_technique, alert.parent_id, alert.tags, alert.assets, alert.iocs,
       alert.playbook, alert.raw)
   IS NOT (excluded.title, excluded.description, excluded.severity, excluded.source,
           excluded.category, excluded.mitre_technique, excluded.parent_id, excluded.tags,
           excluded.assets, excluded.iocs, excluded.playbook, excluded.raw)
"""

_PG_UPSERT = alerts_pg.upsert_sql(_UPSERT[_UPSERT.index("ON CONFLICT"):])

_COLUMNS = ("id, title, description, severity, source, category, mitre_technique, "
            "assigned_analyst, state, created_at, parent_id, tags, assets, iocs, playbook, raw")


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def iso(moment: datetime) -> str:
    """The one stored time format: UTC, microseconds, `Z`; sorts as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def upsert_alerts(conn: sqlite3.Connection, alerts: Iterable[Alert], *, fmt: str,
                  origin: str | None = None) -> UpsertCounts:
    """Stores alerts, updating those whose id is already present; never duplicates.

    `origin` is the folder of the alert file they were read from (None: no file, such as
    stdin): their evidence files may come from there (evidence confinement, DESIGN §4).
    The caller knows it; a record never names its own.
    Commits every BATCH rows, so an interrupted ingest keeps what it stored and a re-run
    picks up the rest without duplicates; inside the caller's open transaction, commits
    nothing: the caller's COMMIT does.
    """
    counts = UpsertCounts()
    pg = dialect(conn) == POSTGRESQL
    now = iso(datetime.now(UTC))
    iterator = iter(alerts)
    while True:
        # Each alert becomes its row at once and is let go: a batch of 20,000 Alert
        # models kept alive made the garbage collector's passes cost more than the
        # validation, the serialisation and the SQL together.
        # One row per id within a batch (the last record wins): rows inserted by this
        # batch are not in the FTS index yet, so an in-batch update must not ask FTS to
        # delete them.
        rows: dict[str, tuple] = {}
        named: dict[str, list[tuple[str, str]]] = {}   # id -> its evidence (name, path)
        read = 0
        for alert in islice(iterator, BATCH):
            read += 1
            row = _row(alert, fmt, now)
            evidence = [(e.name, e.path) for e in alert.evidence]
            if pg:
                row, evidence = alerts_pg.without_nul(row), alerts_pg.without_nul(evidence)
            rows[row[0]] = row
            if evidence:
                named[row[0]] = evidence
            else:
                named.pop(row[0], None)
        if not read:
            return counts
        counts.unchanged += read - len(rows)
        before_seq = 0 if pg else _max_seq(conn)
        with _transaction(conn):
            if pg:
                inserted, changed = alerts_pg.upsert_rows(conn, rows.values(), _PG_UPSERT)
            else:
                # rowcount sums the rows each execution inserted or updated, triggers
                # excluded; the upsert's WHERE leaves identical records out.
                changed = conn.executemany(_UPSERT, rows.values()).rowcount
                conn.execute(FTS_INDEX_NEW.format(after=int(before_seq)))
            evidence = _evidence_to_write(conn, named, [i for i in rows if i not in named])
            changed += _replace_evidence(conn, evidence, now, origin)
        if not pg:
            # New rows take seq values above the old maximum, one each (on PostgreSQL a
            # conflicting row uses up a seq value too: the INSERT counted them itself).
            inserted = _max_seq(conn) - before_seq
        counts.inserted += inserted
        counts.updated += changed - inserted
        counts.unchanged += len(rows) - changed


def get_alert(conn: sqlite3.Connection, alert_id: str) -> Alert | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM alert WHERE id = ?", (alert_id,)).fetchone()
    if row is None:
        return None
    evidence = conn.execute(
        "SELECT name, path FROM evidence WHERE alert_id = ? ORDER BY id", (alert_id,)
    ).fetchall()
    return Alert(
        id=row[0], title=row[1], description=row[2], severity=Severity.from_rank(row[3]),
        source=row[4], category=row[5], mitre_technique=row[6], assigned_analyst=row[7],
        state=AlertState(row[8]), created_at=parse_iso(row[9]), parent_id=row[10],
        tags=json.loads(row[11]), assets=[Asset(**a) for a in json.loads(row[12])],
        iocs=[IOC(**i) for i in json.loads(row[13])], playbook=json.loads(row[14]),
        raw=json.loads(row[15]), evidence=[Evidence(name=n, path=p) for n, p in evidence],
    )


def child_ids(conn: sqlite3.Connection, parent_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM alert WHERE parent_id = ? ORDER BY created_at, seq", (parent_id,)
    )
    return [r[0] for r in rows]


def parent_of(conn: sqlite3.Connection, alert_id: str) -> str | None:
    """The alert's parent alert id, if it has one."""
    row = conn.execute("SELECT parent_id FROM alert WHERE id = ?", (alert_id,)).fetchone()
    return row[0] if row and row[0] else None


def _row(alert: Alert, fmt: str, now: str) -> tuple:
    return (
        alert.id, alert.title, alert.description, alert.severity.rank, alert.source,
        alert.category, alert.mitre_technique, alert.assigned_analyst, alert.state.value,
        iso(alert.created_at), alert.parent_id, _json(alert.tags),
        _json(alert.assets, exclude_none=True), _json(alert.iocs), _json(alert.playbook),
        _json(alert.raw), fmt, now, now,
    )


def _json(value: object, *, exclude_none: bool = False) -> str:
    # pydantic-core's serialiser (Rust) is several times faster than json.dumps here and
    # serialises the nested models without a model_dump first.
    return to_json(value, exclude_none=exclude_none, fallback=str).decode()


def _evidence_to_write(conn: sqlite3.Connection, named: dict[str, list[tuple[str, str]]],
                       bare: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The evidence lists that may differ from the stored ones, by alert id: those of
    alerts that name files, and the empty list of those that name none while the store
    still lists some (a source record that dropped them). One query per 500 alerts, not
    one per alert."""
    wanted = dict(named)
    for start in range(0, len(bare), 500):
        ids = bare[start:start + 500]
        marks = ", ".join("?" for _ in ids)
        wanted.update((r[0], []) for r in conn.execute(
            f"SELECT DISTINCT alert_id FROM evidence WHERE alert_id IN ({marks})", ids))
    return wanted


def _replace_evidence(conn: sqlite3.Connection, evidence: dict[str, list[tuple[str, str]]],
                      now: str, origin: str | None) -> int:
    """Stores each alert's evidence list; an alert whose list changed while its row did
    not (a native record's evidence is not in `raw`) counts as updated, with `updated_at`
    moved, so what follows an ingest (new evidence onto linked tickets) sees it. Returns
    how many such alerts. The origin is the last ingest's, changed or not: it says which
    folder vouches for the files now."""
    touched = 0
    for alert_id, wanted in evidence.items():
        stored = conn.execute("SELECT name, path, origin FROM evidence WHERE alert_id = ? "
                              "ORDER BY id", (alert_id,)).fetchall()
        if [(name, path) for name, path, _ in stored] == wanted:
            if any(row[2] != origin for row in stored):
                conn.execute("UPDATE evidence SET origin = ? WHERE alert_id = ?",
                             (origin, alert_id))
            continue
        (updated_at,) = conn.execute("SELECT updated_at FROM alert WHERE id = ?",
                                     (alert_id,)).fetchone()
        if updated_at != now:    # else inserted or updated by this very upsert: counted
            conn.execute("UPDATE alert SET updated_at = ? WHERE id = ?", (now, alert_id))
            touched += 1
        conn.execute("DELETE FROM evidence WHERE alert_id = ?", (alert_id,))
        conn.executemany("INSERT INTO evidence (alert_id, name, path, origin) "
                         "VALUES (?, ?, ?, ?)", [(alert_id, n, p, origin) for n, p in wanted])
    return touched


def evidence_origin(conn: sqlite3.Connection, alert_id: str, path: str) -> str | None:
    """The folder of the alert file that named `path` as the alert's evidence; None when
    no file did (stdin, an older database) or the alert no longer names it."""
    row = conn.execute("SELECT origin FROM evidence WHERE alert_id = ? AND path = ? "
                       "ORDER BY id LIMIT 1", (alert_id, path)).fetchone()
    return row[0] if row else None


def _max_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()[0]


class _transaction:
    """BEGIN IMMEDIATE / COMMIT, rolling back on any error (autocommit connection).

    Inside a caller's open transaction it is a savepoint instead, and the caller's COMMIT
    makes it durable: `ingest --follow` commits a file's checkpoint with the alerts it
    covers, or neither."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.nested = False

    def __enter__(self) -> None:
        self.nested = self.conn.in_transaction
        self.conn.execute("SAVEPOINT upsert" if self.nested else "BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_: object) -> None:
        if not self.nested:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
            return
        if exc_type:
            self.conn.execute("ROLLBACK TO upsert")
        self.conn.execute("RELEASE upsert")

