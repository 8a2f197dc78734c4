"""Records in, alerts and checkpoints committed together.

A Batch gathers what was read from followed files since the last commit: each file's
alerts (converted by the ingest readers, the format detected once per file from its
first record unless given) and record errors. `commit` stores the alerts with
`upsert_alerts` and the files' checkpoints in one transaction, so a crash at any moment
leaves either both or neither: nothing is lost and nothing is read twice.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zshield_tui.domain import Alert
from zshield_tui.ingest import RecordError, convert_record, detect_format
from zshield_tui.ingest.common import Context
from zshield_tui.ingest.zeek import DEFAULT_SEVERITY
from zshield_tui.store import upsert_alerts
from zshield_tui.store.checkpoints import (
    Checkpoint,
    FileId,
    delete_checkpoints,
    save_checkpoints,
    transaction,
)

from .records import Item
from .stdin import STDIN_NAME
from .tail import describe


@dataclass
class FileBatch:
    """One file's share of a batch."""

    file: Any                 # TailedFile or StdinTail
    context: Context
    alerts: list[Alert] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)   # after the commit

    @property
    def origin(self) -> str | None:
        """The folder evidence may come from: the file's own; none for stdin (DESIGN §4)."""
        path = self.file.path
        return None if path == STDIN_NAME else os.path.dirname(os.path.abspath(path))


class Batch:
    """What was read since the last commit. `records` counts them, `started` is when the
    first came (for the commit interval)."""

    def __init__(self, fmt: str | None, clock: Callable[[], float]) -> None:
        self.format = fmt
        self.records = 0
        self.started: float | None = None
        self.files: dict[int, FileBatch] = {}
        self._clock = clock

    def __bool__(self) -> bool:
        return bool(self.files)

    def add(self, file: Any, items: list[Item]) -> FileBatch:
        """Converts a file's records; the file's checkpoint is taken at commit time."""
        if self.started is None:
            self.started = self._clock()
        share = self.files.get(id(file))
        if share is None:
            share = self.files[id(file)] = FileBatch(file, _context(file.path))
        self.records += len(items)
        for line, value in items:
            self._convert(share, line, value)
        return share

    def commit(self, conn: sqlite3.Connection, finished: list[FileId]) -> list[Checkpoint]:
        """Stores every alert, moves every checkpoint and forgets `finished` files, in one
        transaction; returns the checkpoints committed. On an error nothing is stored and
        the batch is kept whole, to be committed again."""
        points = [p for s in self.files.values() if (p := s.file.checkpoint()) is not None]
        with transaction(conn):
            for share in self.files.values():
                if share.alerts:
                    share.counts = vars(upsert_alerts(conn, share.alerts,
                                                      fmt=share.file.format or "auto",
                                                      origin=share.origin))
            save_checkpoints(conn, points)
            delete_checkpoints(conn, finished)
        for share in self.files.values():
            share.file.committed = share.file.offset
        return points

    def _convert(self, share: FileBatch, line: int, value: Any) -> None:
        file = share.file
        if type(value) is not dict:
            share.errors.append(RecordError(file.path, line, describe(value)))
            return
        if file.format is None:
            file.format = detect_format(value)
            if file.format is None:
                share.errors.append(RecordError(
                    file.path, line, "cannot tell the format of this record; pass --format"))
                return
        for result in convert_record(value, file.format, ctx=share.context, line=line):
            if result is None:
                share.skipped += 1
            elif isinstance(result, RecordError):
                share.errors.append(result)
            else:
                share.alerts.append(result)


def _context(path: str) -> Context:
    """What a reader needs to know about the file, as `ingest.read` would set it."""
    base = os.getcwd() if path == STDIN_NAME else os.path.dirname(os.path.abspath(path))
    return Context(path=path, base_dir=base, ingested_at=datetime.now(UTC),
                   zeek_severity=dict(DEFAULT_SEVERITY))

