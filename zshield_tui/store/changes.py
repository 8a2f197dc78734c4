"""Whether anyone changed the database since the last look: what keeps an open TUI live.

`ChangeWatch.version()` is a number that moves whenever any connection commits a change
the TUI shows (alerts, states, assignments, notes, tickets, audit rows). It is asked
twice a second on the UI thread, so it must never wait:

- SQLite: `PRAGMA data_version` on the list's own connection, a read of shared memory.
- PostgreSQL: the schema's triggers `pg_notify('zshield', …)` (schema_pg.py, v11); a
  connection of the watch's own LISTENs, and each look takes what has arrived without
  blocking (psycopg `notifies(timeout=0)`). A lost connection counts as a change (the
  view reads everything again) and is opened anew at the next look.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from .db import Database
from .pg import POSTGRESQL, dialect

CHANNEL = "zshield"


class ChangeWatch(ABC):
    """A number that moves whenever another connection commits (see `watch`)."""

    @abstractmethod
    def version(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional: only a watch with its own connection
        """Nothing to release by default: the SQLite watch reads its owner's connection."""


class SqliteWatch(ChangeWatch):
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]


class PgWatch(ChangeWatch):
    RETRY = 5.0   # s between attempts to listen again after the connection was lost

    def __init__(self, database: Database) -> None:
        self._database = database
        self._raw: Any = None
        self._version = 0
        self._retrying: threading.Thread | None = None
        self._raw = self._connect()

    def _connect(self) -> Any:
        import psycopg

        try:
            raw = psycopg.connect(self._database.conninfo, autocommit=True,
                                  connect_timeout=5, application_name="zshield watch")
            raw.execute(f"LISTEN {CHANNEL}")
            return raw
        except psycopg.Error:
            return None

    def _reconnect(self) -> None:
        """Off the UI thread: a server that is away can take connect_timeout to say so."""
        while (raw := self._connect()) is None:
            time.sleep(self.RETRY)
        self._raw = raw

    def version(self) -> int:
        import psycopg

        raw = self._raw
        if raw is None or raw.closed:
            # What happened while nobody listened is unknown: the view reads it all again
            # once listening resumes, and meanwhile at each look.
            self._version += 1
            if self._retrying is None or not self._retrying.is_alive():
                self._raw = None
                self._retrying = threading.Thread(target=self._reconnect, daemon=True,
                                                  name="zshield-watch")
                self._retrying.start()
            return self._version
        try:
            # Every notification that has arrived is taken, so the next look starts clean.
            if sum(1 for _ in raw.notifies(timeout=0)):
                self._version += 1
        except psycopg.Error:
            raw.close()
            self._version += 1
        return self._version

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None


def watch(database: Database, conn: Any) -> ChangeWatch:
    """The watch for `database`; `conn` is an open connection to it (SQLite's is read)."""
    if dialect(conn) == POSTGRESQL:
        return PgWatch(database)
    return SqliteWatch(conn)
