"""Cutting the bytes read from a growing file into whole records, never half of one.

Two layouts, told apart from the file's first non-blank line as `zshield ingest` does:

* JSON lines (what logs are): a record is a line; the bytes after the last newline are a
  line still being written and wait for their newline.
* JSON documents (`jq .` output, a pretty-printed array): a record is a complete
  top-level value; one still being written waits until it closes. An array's elements
  come out one by one, once the whole array has arrived.

Each function returns the records it found and how many bytes of its input they used;
the caller keeps the rest for the next read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# As `zshield ingest` (ingest/source.py): no record may take more than this.
MAX_RECORD_BYTES = 16 * 1024 * 1024
# A top-level document (a whole array) may take more: it is held whole until it closes.
MAX_DOCUMENT_BYTES = 4 * MAX_RECORD_BYTES

LINES, DOCUMENT = "lines", "document"
ZEEK_TSV = "zeek-tsv"   # Zeek's default TSV logs: not followed yet (their JSON logs are)


@dataclass(frozen=True, slots=True)
class Bad:
    """A record that did not parse; `reason` says why."""

    reason: str


Item = tuple[int, Any]  # (line the record starts on, its value or Bad)


def layout_of(head: bytes) -> str | None:
    """LINES, DOCUMENT or ZEEK_TSV from the first non-blank line; None until that line is
    whole."""
    start = 0
    while True:
        end = head.find(b"\n", start)
        if end < 0:
            # A long first line without its newline yet: a document's first line is short.
            return LINES if len(head) - start > 4096 else None
        raw = head[start:end]
        start = end + 1
        if raw.strip():
            text = raw.decode("utf-8-sig", "replace").strip()
            if text.startswith("#separator"):
                return ZEEK_TSV
            opens_document = text.startswith("[") or (
                text.startswith("{") and not text.endswith("}"))
            return DOCUMENT if opens_document else LINES


def split_lines(data: bytes, line: int) -> tuple[Iterator[Item], int, int]:
    """The complete lines of `data`, parsed as they are iterated; the bytes they span and
    how many lines they are. `line` counts the lines before `data`. A line holding an
    array gives each element, like `zshield ingest`."""
    end = data.rfind(b"\n") + 1
    if not end:
        return iter(()), 0, 0
    return _parse_lines(data, end, line), end, data.count(b"\n", 0, end)


def _parse_lines(data: bytes, end: int, line: int) -> Iterator[Item]:
    # Lazily: each record is converted and let go before the next is parsed; a chunk's
    # worth of parsed dicts alive at once made every garbage collection pass dearer.
    loads = json.loads
    number = line
    for raw in data[:end].split(b"\n")[:-1]:
        number += 1
        if not raw or raw.isspace():
            continue
        try:
            value = loads(raw)
        except json.JSONDecodeError as exc:
            yield number, Bad(f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:  # bad UTF-8, absurd nesting
            yield number, Bad(f"invalid JSON: {exc}")
            continue
        if type(value) is list:
            for element in value:
                yield number, element
        else:
            yield number, value


_SPACE = re.compile(r"[ \t\r\n\ufeff]*")
_DECODER = json.JSONDecoder()
_RESYNC = re.compile(r"\n[{\[]")


def split_documents(data: bytes, line: int) -> tuple[Iterator[Item], int, int]:
    """The complete top-level JSON values of `data`, the bytes they span (with the space
    after them) and the lines they span. A syntax error is reported once and reading
    resumes at the next line that opens a value."""
    # surrogateescape maps every byte to one character and back, so offsets stay exact
    # even through bad UTF-8.
    text = data.decode("utf-8", "surrogateescape")
    items: list[Item] = []
    pos = 0
    number = line + 1        # the line at `pos`
    while True:
        start = _SPACE.match(text, pos).end()
        if start == len(text):
            pos = start
            break
        number += text.count("\n", pos, start)
        pos = start
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            if _unfinished(exc, text):
                break
            items.append((number, Bad(f"invalid JSON: {exc.msg} (line "
                                      f"{number + text.count(chr(10), start, exc.pos)})")))
            found = _RESYNC.search(text, exc.pos)
            if found is None:
                pos = len(text)
                break
            number += text.count("\n", start, found.start() + 1)
            pos = found.start() + 1
            continue
        except RecursionError:
            items.append((number, Bad("invalid JSON: nested too deeply")))
            pos = len(text)
            break
        if end == len(text) and not isinstance(value, dict | list):
            break  # a number cut by the end of what was read would parse short
        if type(value) is list:
            items.extend((number, element) for element in value)
        else:
            items.append((number, value))
        number += text.count("\n", start, end)
        pos = end
    if pos == 0 and len(data) > MAX_DOCUMENT_BYTES:
        items.append((number, Bad(f"document over the {MAX_DOCUMENT_BYTES}-byte limit; "
                                  "skipped")))
        pos = len(text)
    consumed = len(text[:pos].encode("utf-8", "surrogateescape"))
    return iter(items), consumed, text.count("\n", 0, pos)


def _unfinished(exc: json.JSONDecodeError, text: str) -> bool:
    # A value still being written fails at the end of what was read (or a few characters
    # before it, for a cut `true`), or as a string that has not ended yet.
    return exc.pos >= len(text) - 16 or exc.msg.startswith("Unterminated string")
