"""Where `zshield ingest --follow` stopped in each file (schema version 7).

A checkpoint is only worth anything when it is committed in the same transaction as the
alerts read up to it: `transaction()` opens one, `upsert_alerts` joins it (as a
savepoint), and `save_checkpoints` writes the offsets before the one COMMIT.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from .alerts import iso

FileId = tuple[int, int]  # (st_dev, st_ino)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A followed file read and committed up to `offset` bytes (the start of a line)."""

    device: int
    inode: int
    path: str         # the name the file was last read under
    offset: int
    line: int         # lines before `offset`, so messages keep their line numbers
    first_line: str   # hash of the file's first line: tells a rewritten file apart
    format: str | None = None   # the detected format; None before the first record

    @property
    def file_id(self) -> FileId:
        return self.device, self.inode


def begin(conn: sqlite3.Connection) -> None:
    """Opens the write transaction that a batch of alerts and its checkpoints share."""
    conn.execute("BEGIN IMMEDIATE")


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection; ROLLBACK on any error."""
    begin(conn)
    try:
        yield
    except BaseException:
        rollback(conn)
        raise
    commit(conn)


def load_checkpoints(conn: sqlite3.Connection) -> dict[FileId, Checkpoint]:
    """Every stored checkpoint, by file identity."""
    rows = conn.execute('SELECT device, inode, path, "offset", line, first_line, format '
                        "FROM follow_checkpoint")
    return {(r[0], r[1]): Checkpoint(*r) for r in rows}


def save_checkpoints(conn: sqlite3.Connection, points: Iterable[Checkpoint]) -> None:
    """Stores or moves each file's checkpoint; meant for inside `transaction()`."""
    now = iso(datetime.now(UTC))
    conn.executemany(
        'INSERT INTO follow_checkpoint (device, inode, path, "offset", line, first_line, '
        "format, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (device, inode) DO UPDATE SET "
        'path = excluded.path, "offset" = excluded."offset", line = excluded.line, '
        "first_line = excluded.first_line, format = excluded.format, "
        "updated_at = excluded.updated_at",
        [(p.device, p.inode, p.path, p.offset, p.line, p.first_line, p.format, now)
         for p in points])


def delete_checkpoints(conn: sqlite3.Connection, file_ids: Iterable[FileId]) -> None:
    """Forgets files read to the end and no longer followed (rotated away, deleted)."""
    conn.executemany("DELETE FROM follow_checkpoint WHERE device = ? AND inode = ?",
                     list(file_ids))
