"""Zeek's ASCII (TSV) logs: `#` directives, then one tab-separated row per record.

Each row becomes the object Zeek's own JSON writer would have written for it: keys from
`#fields` (flat dotted names, as `"id.orig_h"`), values typed by `#types`, unset fields
(`-`) left out, empty sets (`(empty)`) as [], plus `_path` from `#path` as in the
json-streaming logs. So one converter reads both, and never assumes column positions.

A file may hold several logs one after the other (each with its own header block, as
btest baselines and concatenated rotations do); every `#fields` line starts a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .items import BadJSON, Item

_ESCAPE = re.compile(rb"\\(\\|x[0-9a-fA-F]{2})")
_INTEGER = frozenset({"count", "int", "port"})
_REAL = frozenset({"double", "interval", "time"})


def looks_like_tsv(first: str) -> bool:
    """A Zeek log opens with its `#separator` directive (a btest baseline with a `#`
    comment line before it)."""
    return first.startswith("#separator") or first.startswith("##")


class _Header:
    """The directives of the log being read; Zeek's defaults until a line says otherwise."""

    def __init__(self) -> None:
        self.separator = "\t"
        self.set_separator = ","
        self.empty = "(empty)"
        self.unset = "-"
        self.path = ""
        self.fields: list[str] = []
        self.types: list[str] = []

    def directive(self, line: str) -> None:
        name, _, value = _split_directive(line, self.separator)
        if name == "separator":
            self.separator = unescape(value) or "\t"
        elif name == "set_separator":
            self.set_separator = unescape(value)
        elif name == "empty_field":
            self.empty = unescape(value)
        elif name == "unset_field":
            self.unset = unescape(value)
        elif name == "path":
            self.path = unescape(value)
        elif name == "fields":
            self.fields = value.split(self.separator)
            self.types = []
        elif name == "types":
            self.types = value.split(self.separator)
        # #open, #close and comments ("## ...") change nothing we read.


def _split_directive(line: str, separator: str) -> tuple[str, str, str]:
    body = line[1:]
    # `#separator \x09` is written with a space (the separator is not known yet), and
    # btest baselines write `#open`/`#close` with a space too.
    for mark in (separator, " "):
        name, found, value = body.partition(mark)
        if found:
            return name, found, value
    return body, "", ""


def read_tsv(lines: Iterable[bytes | str | None], limit: int) -> Iterator[Item]:
    """(line, None, record) for every row; a row that does not fit its header is a
    BadJSON item (the stand-in for an unreadable record), and reading goes on. None
    stands for a line over the `limit`, already skipped."""
    header = _Header()
    for number, raw in enumerate(lines, 1):
        if raw is None:
            yield number, None, BadJSON(f"record over the {limit}-byte limit; skipped")
            continue
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            header.directive(line)
            continue
        if not header.fields:
            yield number, None, BadJSON("Zeek log row before any #fields line")
            continue
        values = line.split(header.separator)
        if len(values) != len(header.fields):
            yield number, None, BadJSON(
                f"Zeek log row has {len(values)} values, #fields names {len(header.fields)}")
            continue
        yield number, None, _record(header, values)


def _record(header: _Header, values: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {"_path": header.path} if header.path else {}
    types = header.types
    for position, (name, value) in enumerate(zip(header.fields, values, strict=True)):
        if value == header.unset:
            continue
        kind = types[position] if position < len(types) else "string"
        if kind.startswith(("set[", "vector[", "table[")):
            element = kind[kind.index("[") + 1:-1]
            record[name] = [] if value == header.empty else [
                _typed(element, item) for item in value.split(header.set_separator)]
        else:
            record[name] = _typed(kind, value)
    return record


def _typed(kind: str, value: str) -> Any:
    """The value as Zeek's JSON writer types it; kept as text when it does not parse
    (btest baselines mask every time as XXXXXXXXXX.XXXXXX)."""
    try:
        if kind in _INTEGER:
            return int(value)
        if kind in _REAL:
            return float(value)
    except ValueError:
        return unescape(value)
    if kind == "bool":
        return {"T": True, "F": False}.get(value, value)
    return unescape(value)


def unescape(value: str) -> str:
    r"""Zeek's ASCII escapes: `\\` for a backslash, `\xHH` for a byte (a separator in a
    value, a control character, a byte of invalid UTF-8)."""
    if "\\" not in value:
        return value
    data = _ESCAPE.sub(_byte, value.encode("utf-8", "surrogateescape"))
    return data.decode("utf-8", "replace")


def _byte(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    return b"\\" if code == b"\\" else bytes([int(code[1:], 16)])
