"""PostgreSQL connections that speak the store's SQL (team mode, DESIGN §6).

The store's modules write one SQL text for both databases, in the subset they share:
`?` placeholders, `ON CONFLICT … DO NOTHING/UPDATE`, `RETURNING`, explicit BEGIN/COMMIT on
an autocommit connection. `PgConnection` wraps a psycopg 3 connection so that those
modules take it where they take an `sqlite3.Connection`: it turns `?` into psycopg's
`%s` (once per distinct text), and SQLite's `BEGIN IMMEDIATE` into `BEGIN`. Where the two
databases truly differ (the list's free-text search, bulk ingest through COPY, outbox
claims with SKIP LOCKED), the module asks `dialect(conn)` and says why.

psycopg 3 over the alternatives: it is the driver SQLAlchemy (and so SQLModel's engine)
uses for `postgresql+psycopg://`, so both of the store's paths share one driver; it has
COPY, pipelining and LISTEN/NOTIFY on the same connection object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import pq

SQLITE, POSTGRESQL = "sqlite", "postgresql"

# What a query stopped by PgConnection.interrupt() raises (sqlite3's: OperationalError).
QueryCanceled = psycopg.errors.QueryCanceled

# A `?` outside quotes and comments is a placeholder; every `%`, quoted or not, is doubled
# because psycopg reads the whole text for its own `%s`.
_PIECES = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?|%)""")


@lru_cache(maxsize=1024)
def to_pg(sql: str) -> str:
    """The store's SQL text in psycopg's placeholder style."""
    def swap(m: re.Match[str]) -> str:
        piece = m.group(0)
        return "%s" if piece == "?" else piece.replace("%", "%%")

    text = _PIECES.sub(swap, sql)
    head = text.lstrip()[:15].upper()
    if head.startswith("BEGIN IMMEDIATE") or head.startswith("BEGIN EXCLUSIVE"):
        return "BEGIN"
    return text


def dialect(conn: object) -> str:
    """"sqlite" or "postgresql": which database `conn` speaks to."""
    return getattr(conn, "dialect", SQLITE)


class PgCursor:
    """The part of sqlite3.Cursor the store reads: rows, rowcount, iteration."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cursor) if self._cursor.description else iter(())


class PgConnection:
    """A psycopg connection in autocommit mode, used like the store's sqlite3 connection.

    Autocommit matches SQLite's `isolation_level=None`: a statement outside BEGIN commits
    on its own, and the store opens its transactions itself.
    """

    dialect = POSTGRESQL

    def __init__(self, conn: psycopg.Connection[Any], label: str) -> None:
        self.raw = conn
        self.label = label

    @classmethod
    def open(cls, conninfo: str, label: str, *, connect_timeout: int = 5) -> PgConnection:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=connect_timeout,
                               application_name="zshield")
        return cls(conn, label)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        cursor = self.raw.cursor()
        cursor.execute(to_pg(sql), params or ())
        return PgCursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        cursor = self.raw.cursor()
        cursor.executemany(to_pg(sql), rows)
        return PgCursor(cursor)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def commit(self) -> None:
        if self.in_transaction:
            self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def interrupt(self) -> None:
        self.raw.cancel_safe()

    def close(self) -> None:
        self.raw.close()
