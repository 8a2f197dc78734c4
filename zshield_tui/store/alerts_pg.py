"""Bulk upsert of alert rows on PostgreSQL: COPY into a staging table, then one INSERT.

A statement per row costs a round trip per row, whatever the batching; COPY streams the
batch in one, and the INSERT … SELECT … ON CONFLICT that follows is the same idempotent
upsert as SQLite's (alerts.py `_UPSERT`: the analyst's state and assignment survive, an
identical record changes nothing). PostgreSQL keeps the `words` tsvector and its GIN
index current itself (schema_pg.py), so nothing follows the batch as FTS_INDEX_NEW does
on SQLite.

Writers of alerts take turns (a transaction-level advisory lock): PostgreSQL hands out
`seq` values as rows are inserted, not as they commit, and an open list takes in "the
alerts above the seq it has seen" (query.py `upto`). Two ingests interleaving would
commit a lower seq after a higher one, and the list would miss those alerts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_COLUMNS = ("id", "title", "description", "severity", "source", "category",
            "mitre_technique", "assigned_analyst", "state", "created_at", "parent_id",
            "tags", "assets", "iocs", "playbook", "raw", "format", "ingested_at",
            "updated_at")
_TYPES = {"severity": "integer"}
_STAGING = "zshield_alert_in"
# Any fixed number, other than schema.py's migration lock.
_WRITE_LOCK = 0x7A5368_A1E7

_CREATE_STAGING = (
    f"CREATE TEMP TABLE {_STAGING} ("
    + ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in _COLUMNS) + ")"
)
_COPY = f"COPY {_STAGING} ({', '.join(_COLUMNS)}) FROM STDIN"


def without_nul(values):
    """`values` (a row, or a list of rows) with each NUL character of a text made U+FFFD.
    PostgreSQL's text cannot hold NUL, and one hostile record must not fail its whole
    batch; SQLite keeps it, and the terminal shows neither (domain/terminal.py). The JSON
    columns need nothing: their NULs are written as the escape \\u0000 (schema_pg.py)."""
    if isinstance(values, list):
        return [without_nul(v) for v in values]
    if not any(type(v) is str and "\0" in v for v in values):
        return values
    return tuple(v.replace("\0", "\ufffd") if type(v) is str else v for v in values)


def upsert_sql(update_clause: str) -> str:
    """The batch's INSERT from staging, with SQLite's ON CONFLICT clause (row values
    compared with IS DISTINCT FROM, PostgreSQL's word for SQLite's IS NOT). `xmax = 0`
    tells a row this statement inserted from one it updated."""
    clause = update_clause.replace("IS NOT (", "IS DISTINCT FROM (")
    columns = ", ".join(_COLUMNS)
    return (f"WITH up AS (INSERT INTO alert ({columns}) SELECT {columns} FROM {_STAGING}"
            f" {clause} RETURNING xmax = 0 AS fresh)"
            " SELECT count(*) FILTER (WHERE fresh), count(*) FROM up")


def upsert_rows(conn: Any, rows: Iterable[tuple], upsert: str) -> tuple[int, int]:
    """Stores a batch of alert rows (alerts.py `_row`, one per id) inside the caller's
    transaction; returns (inserted, inserted or updated)."""
    raw = conn.raw
    if raw.execute("SELECT to_regclass(%s)", (f"pg_temp.{_STAGING}",)).fetchone()[0] is None:
        raw.execute(_CREATE_STAGING)
    else:
        raw.execute(f"TRUNCATE {_STAGING}")
    with raw.cursor() as cursor, cursor.copy(_COPY) as copy:
        for row in rows:
            copy.write_row(row)
    raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
    inserted, changed = raw.execute(upsert).fetchone()
    return inserted, changed
