"""Records in, alerts and checkpoints committed together.

A Batch is one transaction: the alerts of what was read from followed files since the
last commit (converted by the ingest readers, the format detected once per file from its
first record unless given), written with `upsert_alerts` as they come, then the files'
checkpoints, then COMMIT. A crash at any moment leaves either both or neither: nothing
is lost and nothing is read twice.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
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
    begin,
    commit,
    delete_checkpoints,
    rollback,
    save_checkpoints,
)

from .records import Item
from .stdin import STDIN_NAME
from .tail import describe


@dataclass
class FileBatch:
    """One file's share of a batch."""

    file: Any                 # TailedFile or StdinTail
    context: Context
    counts: Counter[str] = field(default_factory=Counter)   # upsert_alerts' counts
    stored: list[tuple[str, int]] = field(default_factory=list)   # (alert id, severity rank)
    errors: list[RecordError] = field(default_factory=list)
    skipped: int = 0

    @property
    def origin(self) -> str | None:
        """The folder evidence may come from: the file's own; none for stdin (DESIGN §4)."""
        path = self.file.path
        return None if path == STDIN_NAME else os.path.dirname(os.path.abspath(path))


class Batch:
    """What was read since the last commit, already written in an open transaction that
    `commit` ends: alerts go to the database as they are converted, never held as models
    (thousands of live Alert models made the garbage collector cost more than the
    parsing). `records` counts the records, `started` is when the first came."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float]) -> None:
        self.conn = conn
        self.records = 0
        self.started: float | None = None
        self.files: dict[int, FileBatch] = {}
        self._clock = clock

    def __bool__(self) -> bool:
        return bool(self.files)

    def add(self, file: Any, items: Iterable[Item]) -> FileBatch:
        """Converts a file's records and writes their alerts, uncommitted; the file's
        checkpoint is taken at commit time."""
        if self.started is None:
            self.started = self._clock()
            begin(self.conn)
        share = self.files.get(id(file))
        if share is None:
            share = self.files[id(file)] = FileBatch(file, _context(file.path))
        alerts = self._alerts(share, items)
        if file.format is None:   # detected from the first record: look at it first
            alerts = iter(list(alerts))
        counts = upsert_alerts(self.conn, alerts, fmt=file.format or "auto",
                               origin=share.origin)
        share.counts.update(vars(counts))
        return share

    def commit(self, finished: list[FileId]) -> list[Checkpoint]:
        """Moves every file's checkpoint, forgets `finished` files and commits them with
        the alerts written since the last commit; returns the checkpoints committed."""
        points = [p for s in self.files.values() if (p := s.file.checkpoint()) is not None]
        if self.started is None:
            begin(self.conn)
        try:
            save_checkpoints(self.conn, points)
            delete_checkpoints(self.conn, finished)
        except BaseException:
            rollback(self.conn)
            raise
        commit(self.conn)
        for share in self.files.values():
            share.file.committed = share.file.offset
        return points

    def _alerts(self, share: FileBatch, items: Iterable[Item]) -> Iterator[Alert]:
        file = share.file
        for line, value in items:
            self.records += 1
            if type(value) is not dict:
                share.errors.append(RecordError(file.path, line, describe(value)))
                continue
            if file.format is None:
                file.format = detect_format(value)
                if file.format is None:
                    share.errors.append(RecordError(
                        file.path, line, "cannot tell the format of this record; "
                        "pass --format"))
                    continue
            for result in convert_record(value, file.format, ctx=share.context, line=line):
                if result is None:
                    share.skipped += 1
                elif isinstance(result, RecordError):
                    share.errors.append(result)
                else:
                    share.stored.append((result.id, result.severity.rank))
                    yield result


def _context(path: str) -> Context:
    """What a reader needs to know about the file, as `ingest.read` would set it."""
    base = os.getcwd() if path == STDIN_NAME else os.path.dirname(os.path.abspath(path))
    return Context(path=path, base_dir=base, ingested_at=datetime.now(UTC),
                   zeek_severity=dict(DEFAULT_SEVERITY))
