"""One open file being followed: where it was read to, and what it is.

The file is held open by descriptor, so a rename (log rotation) or a deletion does not
take it away before it is read to its end. `offset` is the start of the first byte not
yet made into a record: what a checkpoint stores, and what a restart resumes at.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mode
from collections.abc import Iterator
from itertools import chain
from typing import Any

from zshield_tui.store.checkpoints import Checkpoint, FileId

from .records import (
    DOCUMENT,
    LINES,
    MAX_RECORD_BYTES,
    ZEEK_TSV,
    Bad,
    Item,
    layout_of,
    split_documents,
    split_lines,
)

CHUNK = 4 << 20    # bytes read per file per call: big enough for few upserts, small enough
                   # that other files get their turn
HASH_SPAN = 4096   # the first line is hashed up to this many bytes


class TailedFile:
    """A followed file, open, read up to `offset` (+ `pending`, a record being written)."""

    def __init__(self, path: str, fd: int, stat: os.stat_result, fmt: str | None) -> None:
        self.path = path
        self.fd = fd
        self.file_id: FileId = (stat.st_dev, stat.st_ino)
        self.format = fmt            # the detected (or given) format; None until known
        self.offset = 0
        self.line = 0
        self.pending = b""
        self.layout: str | None = None
        self.first_line: str | None = None
        self._first_line_whole = False  # the hash covers the whole first line (or HASH_SPAN)
        self._skipping = False      # inside a line over the record limit
        self.committed = -1         # offset of the last committed checkpoint
        self.idle_since: float | None = None  # when a read last found nothing

    @classmethod
    def open(cls, path: str, fmt: str | None, known: Checkpoint | None) -> TailedFile | None:
        """Opens PATH; resumes at `known` when it is this very file (same first line, not
        shorter than the offset), else reads from the start. None when PATH is gone or
        not a regular file."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        stat = os.fstat(fd)
        if not stat_mode.S_ISREG(stat.st_mode):
            os.close(fd)
            return None
        tailed = cls(path, fd, stat, fmt)
        if known is not None and tailed.matches(known, stat.st_size):
            tailed.offset, tailed.line = known.offset, known.line
            tailed.format = fmt or known.format
            tailed.committed = known.offset
            tailed._rehash(known.offset)
            tailed.layout = layout_of(os.pread(fd, min(known.offset, 1 << 16), 0)) or LINES
        return tailed

    def matches(self, known: Checkpoint, size: int) -> bool:
        """The checkpoint belongs to this file as it is now."""
        if known.file_id != self.file_id or size < known.offset:
            return False
        return _first_line_hash(self.fd, known.offset)[0] == known.first_line

    def read(self) -> tuple[Iterator[Item], bool]:
        """The records that became whole since the last call; True when more bytes wait
        (a CHUNK was read and the file is longer still). Raises Truncated when the file
        became shorter than what was read (copy-truncate)."""
        size = os.fstat(self.fd).st_size
        at = self.offset + len(self.pending)
        if size < at or (size > at and self._rewritten()):
            raise Truncated
        if size == at:
            return iter(()), False
        data = os.pread(self.fd, min(size - at, CHUNK), at)
        if not data:
            return iter(()), False
        items = self._take(self.pending + data if self.pending else data)
        return items, at + len(data) < size

    def finish(self) -> Iterator[Item]:
        """A last record without its newline, once nothing more will be written (the
        file rotated away and stayed quiet): parsed if it is whole, else reported."""
        if not self.pending.strip():
            return iter(())
        data, self.pending = self.pending + b"\n", b""
        split = split_documents if self.layout == DOCUMENT else split_lines
        items, _, _ = split(data, self.line)
        self.offset += len(data) - 1
        self.line += 1
        return items

    def restart(self) -> None:
        """Reads the file again from its start (it was truncated or rewritten)."""
        self.offset = self.line = 0
        self.pending = b""
        self.layout = self.first_line = None
        self._first_line_whole = self._skipping = False
        self.committed = -1

    def checkpoint(self) -> Checkpoint | None:
        """Where this file stands now, if that moved since the last committed checkpoint
        (`committed`, which the caller sets once the checkpoint is committed)."""
        if self.offset == self.committed or self.offset == 0:
            return None
        if not self._first_line_whole:
            self._rehash(self.offset)
        return Checkpoint(*self.file_id, path=os.path.abspath(self.path), offset=self.offset,
                          line=self.line, first_line=self.first_line or "",
                          format=self.format)

    def close(self) -> None:
        os.close(self.fd)

    def _take(self, data: bytes) -> Iterator[Item]:
        if self._skipping:
            end = data.find(b"\n") + 1
            if not end:
                self._advance(len(data), 0)
                self.pending = b""
                return iter(())
            self._skipping = False
            self._advance(end, 1)
            data = data[end:]
        if self.layout is None:
            self.layout = layout_of(data) if self.offset == 0 else LINES
            if self.layout is None:
                self.pending = data
                return iter(())
        if self.layout == ZEEK_TSV:
            return self._unsupported(data)
        split = split_documents if self.layout == DOCUMENT else split_lines
        items, used, lines = split(data, self.line)
        self._advance(used, lines)
        rest = data[used:]
        if self.layout == LINES and len(rest) > MAX_RECORD_BYTES:
            too_big = (self.line + 1, Bad(f"record over the {MAX_RECORD_BYTES}-byte limit; "
                                          "skipped"))
            items = chain(items, (too_big,))
            self._advance(len(rest), 0)
            self._skipping, rest = True, b""
        self.pending = rest
        return items

    def _unsupported(self, data: bytes) -> Iterator[Item]:
        """Said once, at the first line; the rest is passed over as it comes."""
        first = self.offset == 0
        used = data.rfind(b"\n") + 1
        self._advance(used, data.count(b"\n", 0, used))
        self.pending = data[used:]
        if not first or not used:
            return iter(())
        return iter([(1, Bad("a Zeek TSV log; follow Zeek's JSON logs instead "
                                "(LogAscii::use_json=T) or load this one with zshield ingest"))])

    def _advance(self, used: int, lines: int) -> None:
        self.offset += used
        self.line += lines
        if not self._first_line_whole and used:
            self._rehash(self.offset)

    def _rehash(self, offset: int) -> None:
        self.first_line, self._first_line_whole = _first_line_hash(self.fd, offset)

    def _rewritten(self) -> bool:
        """The first line is no longer the one read: the file was truncated and written
        past the old offset between two polls."""
        if not self._first_line_whole:
            return False
        return _first_line_hash(self.fd, self.offset)[0] != self.first_line


class Truncated(Exception):
    """The file is shorter than what was read, or its first line changed."""


def _first_line_hash(fd: int, offset: int) -> tuple[str, bool]:
    """A hash of the file's first line, read no further than `offset` (what a checkpoint
    vouches for) nor HASH_SPAN; and whether that span is final (the line ended in it, or
    it is HASH_SPAN long), so that the hash will not change as the file grows."""
    head = os.pread(fd, min(offset, HASH_SPAN), 0)
    end = head.find(b"\n") + 1
    if end:
        head = head[:end]
    whole = bool(end) or len(head) == HASH_SPAN
    return hashlib.sha256(head).hexdigest()[:32], whole


def describe(value: Any) -> str:
    """Why a parsed value is not a record, as `zshield ingest` words it."""
    if isinstance(value, Bad):
        return value.reason
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return f"expected a JSON object, got {kinds.get(type(value), 'a number')}"
