"""Opening the SQLite database: location, file checks, pragmas and migration."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .schema import SchemaError, migrate


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the reason."""


def database_path(url_or_path: str) -> Path:
    """Turns the `--db` / `ZSHIELD_DB` / `database.url` value into a file path.

    Accepts a plain path or a SQLAlchemy SQLite URL (`sqlite:///relative.db`,
    `sqlite:////absolute.db`). Other databases are refused by name, not misread as paths.
    """
    if "://" not in url_or_path:
        return Path(url_or_path).expanduser()
    scheme, _, rest = url_or_path.partition("://")
    if scheme.split("+")[0] != "sqlite":
        raise StoreError(
            f"database {scheme}://…: only SQLite is supported in this version; "
            "use a file path or sqlite:///path"
        )
    if not rest.startswith("/") or rest == "/":
        raise StoreError(f"database {url_or_path}: expected sqlite:///path/to/file.db")
    return Path(rest[1:]).expanduser()


def connect(path: Path, *, create: bool = True, cache_mb: int = 64) -> sqlite3.Connection:
    """Opens (and with `create`, creates) the database and migrates it to this schema.

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
