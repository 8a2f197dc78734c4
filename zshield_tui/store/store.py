"""The Store: one open database, shared by the CLI and the TUI."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db import Database, connect, parse_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class Store:
    """A zshield database: a connection for the hot paths (ingest, the list, the outbox) and,
    on first use, an ORM engine for everything else.

    On SQLite both see the same file, and WAL mode lets them (and other processes) read
    while one writes. On PostgreSQL `conn` is a PgConnection (store/pg.py), which the store's
    modules use like the sqlite3 connection, and the engine speaks psycopg too.
    """

    def __init__(self, where: Path | Database, *, create: bool = True,
                 cache_mb: int = 64) -> None:
        self.database = parse_database(where)
        self.conn: Any = connect(self.database, create=create, cache_mb=cache_mb)

    @property
    def path(self) -> Path | None:
        """The SQLite file; None on PostgreSQL."""
        return self.database.path

    @cached_property
    def engine(self) -> Engine:
        from sqlalchemy import event
        from sqlmodel import create_engine

        if self.database.path is None:
            return create_engine(self.database.sqlalchemy_url, pool_pre_ping=True,
                                 connect_args={"application_name": "zshield"})
        engine = create_engine(self.database.sqlalchemy_url)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
            dbapi_conn.execute("PRAGMA busy_timeout = 5000")

        return engine

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
