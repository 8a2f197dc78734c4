"""Opening the database: where it is (a file or a PostgreSQL URL), checks, migration."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .pg import POSTGRESQL, SQLITE, PgConnection
from .schema import SchemaError, migrate, schema_version


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the reason."""


@dataclass(frozen=True)
class Database:
    """Where the alerts live: an SQLite file (one analyst) or a PostgreSQL database (a team).

    `label` is what messages show: the file, or the URL without its password. `conninfo`
    may carry the password taken from the environment and is never printed.
    """

    kind: str                     # sqlite | postgresql
    label: str
    path: Path | None = None      # SQLite
    conninfo: str = field(default="", repr=False)   # PostgreSQL

    @property
    def shared(self) -> bool:
        return self.kind == POSTGRESQL

    @property
    def sqlalchemy_url(self) -> str:
        if self.path is not None:
            return f"sqlite:///{self.path}"
        return "postgresql+psycopg://" + self.conninfo.partition("://")[2]

    def __str__(self) -> str:
        return self.label


def parse_database(value: str | Path | Database, *, password_env: str | None = None,
                 env: Mapping[str, str] | None = None) -> Database:
    """Turns the `--db` / `ZSHIELD_DB` / `database.url` value into a Database.

    Accepts a plain path, a SQLAlchemy SQLite URL (`sqlite:///relative.db`,
    `sqlite:////absolute.db`) or a PostgreSQL URL (`postgresql://user@host:5432/db`, libpq
    parameters such as `sslmode` in its query). A password is never taken from the URL,
    which ends up in config files and shell history: it comes from the variable that
    `password_env` names, or from libpq's own PGPASSWORD and 0600 ~/.pgpass.
    """
    if isinstance(value, Database):
        return value
    if isinstance(value, Path) or "://" not in value:
        path = Path(value).expanduser()
        return Database(SQLITE, str(path), path=path)
    scheme, _, rest = value.partition("://")
    base = scheme.split("+")[0]
    if base == SQLITE:
        if not rest.startswith("/") or rest == "/":
            raise StoreError(f"database {value}: expected sqlite:///path/to/file.db")
        path = Path(rest[1:]).expanduser()
        return Database(SQLITE, str(path), path=path)
    if base not in ("postgresql", "postgres"):
        raise StoreError(f"database {scheme}://…: use a file path, sqlite:///path or "
                         "postgresql://user@host:port/database")
    return _postgresql(rest, password_env, os.environ if env is None else env)


def _postgresql(rest: str, password_env: str | None, env: Mapping[str, str]) -> Database:
    parts = urlsplit("postgresql://" + rest)
    try:
        port = parts.port
    except ValueError:
        raise StoreError(f"database postgresql://{parts.hostname}…: the port is not a "
                         "number from 1 to 65535") from None
    if parts.password is not None:
        raise StoreError("database postgresql://…: the URL holds a password; put it in the "
                         "variable named by [database] password_env (or PGPASSWORD, ~/.pgpass)")
    user, host = parts.username or "", parts.hostname or ""
    server = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    plain = f"postgresql://{user + '@' if user else ''}{server}{tail}"
    if not password_env:
        return Database(POSTGRESQL, plain, conninfo=plain)
    secret = env.get(password_env)
    if not secret:
        raise StoreError(f"database {plain}: [database] password_env names {password_env}, "
                         "which is not set")
    auth = f"{quote(user, safe='')}:{quote(secret, safe='')}@"
    return Database(POSTGRESQL, plain, conninfo=f"postgresql://{auth}{server}{tail}")


def connect(where: Path | Database, *, create: bool = True, cache_mb: int = 64) -> Any:
    """Opens the database and migrates it to this schema: an sqlite3 connection, or a
    PgConnection that the store's modules use the same way (store/pg.py)."""
    database = parse_database(where)
    if database.path is None:
        return _connect_pg(database)
    return _connect_sqlite(database.path, create=create, cache_mb=cache_mb)


def peek_version(where: Path | Database) -> int:
    """The schema version the database is at now (0 when new), changing nothing."""
    database = parse_database(where)
    if database.path is not None:
        if not database.path.exists():
            return 0
        conn: Any = sqlite3.connect(f"{database.path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        import psycopg

        try:
            conn = PgConnection.open(database.conninfo, database.label)
        except psycopg.Error as exc:
            raise StoreError(f"{database}: cannot connect: {_first_line(exc)}") from None
    try:
        return schema_version(conn)
    finally:
        conn.close()


def _connect_pg(database: Database) -> PgConnection:
    import psycopg

    try:
        conn = PgConnection.open(database.conninfo, database.label)
    except psycopg.Error as exc:
        raise StoreError(f"{database}: cannot connect: {_first_line(exc)}") from None
    try:
        migrate(conn, label=database.label)
    except SchemaError as exc:
        conn.close()
        raise StoreError(str(exc)) from None
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(f"{database}: cannot migrate: {_first_line(exc)}") from None
    return conn


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _connect_sqlite(path: Path, *, create: bool, cache_mb: int) -> sqlite3.Connection:
    """Opens (and with `create`, creates) the SQLite file and migrates it to this schema.

    `cache_mb` is SQLite's page cache for this connection: large for ingest, where index
    pages of a million-row table thrash the 2 MB default; small for the TUI's readers,
    whose memory the analyst pays for all day.

    Raises StoreError naming the file for anything that is not a usable zshield database.
    """
    _check_file(path, create=create)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        # A read first: a file that is not SQLite is refused before anything is written.
        conn.execute("PRAGMA schema_version").fetchone()
        # WAL lets the TUI read while `zshield sync` or an ingest writes.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
        migrate(conn, label=str(path))
    except SchemaError as exc:
        raise StoreError(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise StoreError(f"{path}: not an SQLite database") from None
        raise StoreError(describe_database_error(path, exc)) from None
    return conn


def fault_kind(exc: sqlite3.Error) -> str:
    """readonly, full, locked, cantopen or other: what the analyst has to do differs."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text:
        return "readonly"
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text:
        return "full"
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return "locked"
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return "cantopen"
    return "other"


_ADVICE = {
    "readonly": "the database is read-only; check the permissions of the file and its folder",
    "full": "the disk is full; what was committed before is kept, free some space and run "
            "the command again",
    "locked": "the database is locked by another process (waited 5 s); what was committed "
              "before is kept, run the command again",
    "cantopen": "cannot open the database file; check that its folder exists and is "
                "writable (SQLite also writes -wal and -shm files beside it)",
}


def describe_database_error(path: Path | str, exc: sqlite3.Error) -> str:
    """One line naming the database and saying what to do about `exc`."""
    reason = _ADVICE.get(fault_kind(exc), f"cannot use this database: {exc}")
    return f"{path}: {reason}"


def _check_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such database")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder: {exc.strerror}") from None
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read: permission denied")
    # The header is not read here with open()/close(): closing any descriptor of the file
    # drops every POSIX lock this process holds on it, SQLite's included, and another
    # process could then take the WAL away from this process's open connections. SQLite
    # itself says "file is not a database" before it writes anything (see connect).
