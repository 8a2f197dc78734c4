"""The Store: one open database, shared by the CLI and the TUI."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .db import connect

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class Store:
    """A zshield database: a sqlite3 connection for the hot paths (ingest, the list) and,
    on first use, an ORM engine for everything else. Both see the same file; WAL mode lets
    them (and other processes) read while one writes.
    """

    def __init__(self, path: Path, *, create: bool = True, cache_mb: int = 64) -> None:
        self.path = path
        self.conn: sqlite3.Connection = connect(path, create=create, cache_mb=cache_mb)

    @cached_property
    def engine(self) -> Engine:
        from sqlalchemy import event
        from sqlmodel import create_engine

        engine = create_engine(f"sqlite:///{self.path}")

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
