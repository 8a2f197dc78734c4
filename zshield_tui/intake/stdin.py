"""`-`: standard input followed like a file, without a checkpoint (a pipe has no place
to resume from). Read without blocking, so files followed beside it keep their turn."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator

from zshield_tui.store.checkpoints import Checkpoint

from .records import DOCUMENT, LINES, Bad, Item, layout_of, split_documents, split_lines

STDIN_NAME = "<stdin>"
CHUNK = 1 << 20


class StdinTail:
    """Standard input, read as records arrive; `ended` once its writer closed it."""

    path = STDIN_NAME
    file_id = None

    def __init__(self, fmt: str | None, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self.format = fmt
        self.ended = False
        self.line = 0
        self.offset = 0
        self.committed = 0
        self.layout: str | None = None
        self._pending = b""

    def read(self) -> tuple[Iterator[Item], bool]:
        """Records that became whole; True when more input is ready at once. `offset`
        counts the bytes made into records so far."""
        ready, _, _ = select.select([self.fd], [], [], 0)
        if not ready:
            return iter(()), False
        data = os.read(self.fd, CHUNK)
        if not data:
            self.ended = True
            return self._last(), False
        data = self._pending + data
        if self.layout is None:
            self.layout = layout_of(data)
            if self.layout is None:
                self._pending = data
                return iter(()), True
        split = split_lines if self.layout == LINES else split_documents
        items, used, lines = split(data, self.line)
        self.line += lines
        self.offset += used
        self._pending = data[used:]
        return items, len(data) >= CHUNK

    def checkpoint(self) -> Checkpoint | None:
        return None

    def _last(self) -> Iterator[Item]:
        """What was left without a newline when input ended: parsed if it is whole."""
        rest, self._pending = self._pending, b""
        if not rest.strip():
            return iter(())
        self.offset += len(rest)
        split = split_documents if self.layout == DOCUMENT else split_lines
        items, used, _ = split(rest + b"\n", self.line)
        if used == 0:
            return iter([(self.line + 1, Bad("incomplete record at the end of input"))])
        return items
