"""`zshield db copy --to URL`: every row of one zshield database into another.

The way a team starts: an analyst's SQLite file moves into the PostgreSQL database that the
team will share. Both databases are first brought to this code's schema, so their tables and
columns are the same; rows then go over table by table, parents before children, each row
with its own keys (a ticket keeps its alert, a note link its note). Copying is idempotent:
a row whose key is already there is left as it is, so an interrupted copy is finished by
running it again. Every table is then verified by count: rows in the source = rows copied
now + rows already there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .pg import POSTGRESQL, dialect

# What the store derives or keeps for itself is not copied: the schema's own version, and
# SQLite's full-text index (the target keeps its own).
_SKIP_PREFIXES = ("sqlite_", "alert_fts", "zshield_schema")
BATCH = 5_000


@dataclass(frozen=True)
class TableCopy:
    """One table's rows: in the source, copied now, and already in the target."""

    table: str
    source: int
    copied: int
    present: int

    @property
    def verified(self) -> bool:
        return self.copied + self.present == self.source


def tables(conn: Any) -> list[str]:
    """The source's tables, each after every table it refers to."""
    names = [n for n in _table_names(conn) if not n.startswith(_SKIP_PREFIXES)]
    refers = {n: {r for r in _references(conn, n) if r != n and r in names} for n in names}
    ordered: list[str] = []
    while refers:
        ready = sorted(n for n, deps in refers.items() if deps <= set(ordered))
        if not ready:  # a cycle: the schema has none, but never loop forever
            ready = sorted(refers)
        ordered.extend(ready)
        for n in ready:
            del refers[n]
    return ordered


def copy_database(source: Any, target: Any, *,
                  progress: Callable[[str, int, int], None] | None = None) -> list[TableCopy]:
    """Copies every table of `source` into `target` (both at this schema version)."""
    results = []
    for table in tables(source):
        columns = [c for c in _columns(source, table) if c in set(_columns(target, table))]
        total = source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        copied = 0
        for rows in _batches(source, table, columns):
            copied += _insert(target, table, columns, rows)
            if progress is not None:
                progress(table, copied, total)
        _advance_identity(target, table)
        results.append(TableCopy(table, total, copied, total - copied))
    return results


def _batches(conn: Any, table: str, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.execute(f'SELECT {names} FROM "{table}"')
    while rows := cursor.fetchmany(BATCH):
        yield [tuple(r) for r in rows]


def _insert(conn: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> int:
    """Inserts the rows that are not there yet; the number inserted."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'
    conn.execute("BEGIN")
    try:
        # Both drivers sum the rows each execution inserted (psycopg pipelines them).
        inserted = conn.executemany(sql, rows).rowcount
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return inserted


def _advance_identity(conn: Any, table: str) -> None:
    """PostgreSQL's identity columns do not see explicit keys: after a copy the next new
    row would take key 1 and collide, so each sequence moves past the largest key."""
    if dialect(conn) != POSTGRESQL:
        return
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? AND is_identity = 'YES'", (table,)).fetchall()
    for (column,) in rows:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)')


def _table_names(conn: Any) -> list[str]:
    if dialect(conn) == POSTGRESQL:
        rows = conn.execute("SELECT table_name FROM information_schema.tables WHERE "
                            "table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [r[0] for r in rows.fetchall()]


def _columns(conn: Any, table: str) -> list[str]:
    if dialect(conn) == POSTGRESQL:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? AND is_generated = 'NEVER' "
            "ORDER BY ordinal_position", (table,))
        return [r[0] for r in rows.fetchall()]
    # table_xinfo marks generated columns (hidden 2 and 3); they are computed, not copied.
    return [r[1] for r in conn.execute(f'PRAGMA table_xinfo("{table}")').fetchall()
            if r[6] in (0, 1)]


def _references(conn: Any, table: str) -> set[str]:
    if dialect(conn) == POSTGRESQL:
        rows = conn.execute(
            "SELECT ccu.table_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu "
            "ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
            "AND tc.table_name = ?", (table,))
        return {r[0] for r in rows.fetchall()}
    return {r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()}
