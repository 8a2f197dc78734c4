"""Reading records from a file or stdin, with the line each record starts on.

Three layouts are told apart from the first non-blank line:

* JSON lines: one value per line, read line by line (the fast path for big files); a
  line that is not JSON becomes a `BadJSON` item and reading goes on, unless it is an
  object behind a syslog header (Falco writing to syslog), which is read.
* a JSON document: one object, an array of objects, or several documents one after the
  other (`jq .` output). Read in chunks, never whole, so a huge array streams too. A
  syntax error ends the file, because nothing says where the next record would start.
* a Zeek TSV log (`#separator ...`): read line by line by zeek_tsv, each row made the
  object Zeek's JSON writer would have written.

A line holding an array yields each element with that line number and its index.

No record may take more than MAX_RECORD_BYTES: a longer line is skipped chunk by chunk
(never held whole), and a longer value in a document ends the file with one error, since
nothing says where the next record would start. Memory stays bounded by the limit
whatever the input (a 6 GB line, /dev/zero on stdin).
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain
from typing import IO, Any

from .items import BadJSON, Item
from .zeek_tsv import looks_like_tsv, read_tsv

__all__ = ["CHUNK", "MAX_RECORD_BYTES", "BadJSON", "Item", "file_kind", "read_items"]

CHUNK = 1 << 20
MAX_RECORD_BYTES = 16 * 1024 * 1024


def file_kind(mode: int) -> str | None:
    """None for a regular file; else what it is ("a FIFO", "a device", ...), for messages
    that refuse it: only regular files are read from a name (stdin is read as it is)."""
    if stat.S_ISREG(mode):
        return None
    return ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")


class _TooBig(Exception):
    """A document's value grew past the record limit."""


def read_items(stream: IO[bytes] | IO[str]) -> Iterator[Item]:
    """Every record of the stream, in order, as (line, index, value) items."""
    limit = MAX_RECORD_BYTES
    first = stream.readline(limit + 1)
    lines = chain((first,), iter(partial(stream.readline, limit + 1), first[:0]))
    head: list[bytes | str] = []
    for raw in lines:
        head.append(raw)
        if not raw.isspace():
            break
    if not head or not head[-1] or head[-1].isspace():
        return iter(())
    first = head[-1]
    if isinstance(first, bytes):
        first_text = first.decode("utf-8-sig", "replace").strip()
    else:
        first_text = first.lstrip("\ufeff").strip()
        head[-1] = first.lstrip("\ufeff")
    if looks_like_tsv(first_text):
        return read_tsv(_whole_lines(chain(head, lines), stream, limit), limit)
    if _looks_like_lines(first_text, _cut(first, limit)):
        return _json_lines(chain(head, lines), stream, limit)
    return _json_document(_Buffer(head, stream, limit), start_line=len(head))


def _cut(raw: bytes | str, limit: int) -> bool:
    """The line was longer than `limit` and only its start was read."""
    return len(raw) > limit and raw[-1:] not in ("\n", b"\n")


def _looks_like_lines(first: str, cut: bool) -> bool:
    # A document opens with "[" or with an object spread over lines ("{" alone, or
    # `{"type": "doc",`). A complete one-line object means JSON lines, and so does junk:
    # line-by-line reading reports it and carries on. An oversized first line is one
    # record too many for a document's first line, unless the array it opens is the file.
    if first.startswith("["):
        return False
    return cut or not first.startswith("{") or first.endswith("}")


def _json_lines(lines: Iterable[bytes | str], stream: IO[bytes] | IO[str],
                limit: int) -> Iterator[Item]:
    loads = json.loads
    for number, raw in enumerate(lines, 1):
        if len(raw) > limit and _cut(raw, limit):
            _skip_line(stream)
            yield number, None, BadJSON(f"record over the {limit}-byte limit; skipped")
            continue
        if raw.isspace():
            continue
        try:
            value = loads(raw)
        except json.JSONDecodeError as exc:
            value = _behind_prefix(raw)
            if value is None:
                yield number, None, BadJSON(f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
        except (ValueError, RecursionError) as exc:  # bad UTF-8, absurd nesting
            yield number, None, BadJSON(f"invalid JSON: {exc}")
            continue
        if type(value) is list:
            for index, element in enumerate(value):
                yield number, index, element
        else:
            yield number, None, value


def _whole_lines(lines: Iterable[bytes | str], stream: IO[bytes] | IO[str],
                 limit: int) -> Iterator[bytes | str | None]:
    """The lines, with None for a line over the limit (skipped, never held whole)."""
    for raw in lines:
        if len(raw) > limit and _cut(raw, limit):
            _skip_line(stream)
            yield None
        else:
            yield raw


# A syslog header before a JSON object: `<5>2024-08-07T13:49:16Z host Falco[1]: {...}`
# (RFC 3164 with or without the <PRI>, or an ISO time): text with no quote or brace that
# ends in a colon. The PRI says nothing the object does not (Falco's own `priority`).
_PREFIX = re.compile(r"[^{}\"]{1,512}?:[ \t]*(?=\{)")
_PREFIX_BYTES = re.compile(_PREFIX.pattern.encode())


def _behind_prefix(raw: bytes | str) -> dict | None:
    """The JSON object behind a syslog header on the line; None when there is none.
    Only tried on a line that is not JSON, so JSON lines never pay for it."""
    match = (_PREFIX_BYTES if isinstance(raw, bytes) else _PREFIX).match(raw)
    if match is None:
        return None
    try:
        value = json.loads(raw[match.end():])
    except (ValueError, RecursionError):
        return None
    return value if type(value) is dict else None


def _skip_line(stream: IO[bytes] | IO[str]) -> None:
    """Reads on to the end of the current line, a chunk at a time, keeping nothing."""
    while True:
        chunk = stream.readline(CHUNK)
        if not chunk or chunk[-1:] in ("\n", b"\n"):
            return


class _Buffer:
    """A sliding window of text over the stream that counts the newlines it passes."""

    _SPACE = re.compile(r"[ \t\n\r]*")

    def __init__(self, head: list[bytes | str], stream: IO[bytes] | IO[str],
                 limit: int) -> None:
        first = head[-1]
        self.text = first.decode("utf-8-sig", "replace") if isinstance(first, bytes) else first
        self.stream = stream
        self.pos = 0
        self.line = len(head)  # line number at self.pos
        self.eof = False
        self.limit = limit  # the most one value may span, in characters
        self.decoder = json.JSONDecoder()

    def fill(self) -> bool:
        """Append the next chunk; False at end of input."""
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        if isinstance(chunk, bytes):
            chunk = self._decode_bytes(chunk)
        self.text = self.text[self.pos:] + chunk
        self.pos = 0
        return True

    def _decode_bytes(self, chunk: bytes) -> str:
        # A chunk may end inside a multi-byte character: finish it before decoding.
        while True:
            try:
                return chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.start < len(chunk) - 3:
                    return chunk.decode("utf-8", "replace")
                more = self.stream.read(1)
                if not more:
                    return chunk.decode("utf-8", "replace")
                chunk += more

    def advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """The next non-whitespace character ("" at end of input), consuming the space."""
        while True:
            end = self._SPACE.match(self.text, self.pos).end()
            self.advance(end)
            if end < len(self.text):
                return self.text[end]
            if not self.fill():
                return ""

    def decode(self) -> Any:
        """The JSON value at the current position; raises JSONDecodeError when broken,
        _TooBig when it would span more than the limit."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._maybe_cut(exc) and self._fill_within_limit():
                    continue  # the value runs past the window
                raise
            if end == len(self.text) and self._fill_within_limit():
                continue  # a number cut by the window edge would parse short
            self.advance(end)
            return value

    def _fill_within_limit(self) -> bool:
        if len(self.text) - self.pos > self.limit:
            raise _TooBig
        return self.fill()

    def _maybe_cut(self, exc: json.JSONDecodeError) -> bool:
        # A value cut by the window edge fails at the edge (a few characters before it for
        # a cut `true` or number), or as a string that never ends. Anything earlier is a
        # real syntax error: reading on to the end of a big file would not mend it.
        return exc.pos >= len(self.text) - 16 or exc.msg.startswith("Unterminated string")

    def where(self, exc: json.JSONDecodeError) -> str:
        line = self.line + self.text.count("\n", self.pos, exc.pos)
        column = exc.pos - self.text.rfind("\n", 0, exc.pos)
        return f"invalid JSON: {exc.msg} (line {line}, column {column})"


def _json_document(buf: _Buffer, start_line: int) -> Iterator[Item]:
    line, index = start_line, None  # where the record being decoded starts
    try:
        while (char := buf.peek()) != "":
            if char != "[":
                line, index = buf.line, None
                yield line, None, buf.decode()
                continue
            buf.advance(buf.pos + 1)
            if buf.peek() == "]":
                buf.advance(buf.pos + 1)
                continue
            index = 0
            while True:
                line = buf.line
                yield line, index, buf.decode()
                index += 1
                char = buf.peek()
                if char == ",":
                    buf.advance(buf.pos + 1)
                    buf.peek()
                elif char == "]":
                    buf.advance(buf.pos + 1)
                    break
                else:
                    found = repr(char) if char else "end of input"
                    yield buf.line, None, BadJSON(
                        f"invalid JSON: expected ',' or ']', found {found}")
                    return
    except json.JSONDecodeError as exc:
        yield line, index, BadJSON(buf.where(exc))
    except _TooBig:
        yield line, index, BadJSON(f"record over the {buf.limit}-byte limit; the rest of "
                                   "the file is not read")
    except RecursionError:
        yield buf.line, None, BadJSON("invalid JSON: nested too deeply")
