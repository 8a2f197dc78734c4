"""A posted body in, alerts and per-record errors out: the part of `POST /alerts` that
knows JSON and formats, and nothing of HTTP beyond the status a failure maps to.

A body is one JSON object, an array of them, or JSON lines (any whitespace between
values, so `jq .` output too). Records are numbered from 0 in the order they appear,
array elements flattened: that number is the `index` of an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zshield_tui.domain import Alert
from zshield_tui.ingest import FORMATS, RecordError, convert_record, detect_format

# A response lists at most this many record errors: a 16 MB body of `1,` would otherwise
# answer with millions of them.
MAX_ERRORS = 100

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


class BodyError(Exception):
    """The whole body is refused; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Converted:
    """What a body held: alerts with the format each was read as, and the rest."""

    alerts: list[tuple[str, Alert]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    skipped: int = 0   # records the format leaves out (Suricata flow events, ...)

    def error(self, index: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"index": index, "error": reason})


def check_format(fmt: str) -> str:
    """`fmt` when it is `auto` or a known format, else a 400 naming the known ones."""
    if fmt != "auto" and fmt not in FORMATS:
        raise BodyError(400, f"unknown format {fmt!r}; expected auto, {', '.join(FORMATS)}")
    return fmt


def parse_records(body: bytes) -> list[Any]:
    """The records of a body, in order. BodyError 415 for a body that is not JSON text at
    all, 400 for JSON that is malformed (with its line and column) or empty."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(415, f"body is not JSON: not UTF-8 text (byte {exc.start})") from None
    start = _skip_space(text, 0)
    if start == len(text):
        raise BodyError(400, "empty body: expected a JSON object, an array or JSON lines")
    if text[start] not in "{[":
        raise BodyError(415, "body is not JSON: expected a JSON object, an array or JSON "
                             f"lines, got {text[start:start + 20]!r}")
    records: list[Any] = []
    at = start
    while at < len(text):
        try:
            value, at = _DECODER.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise BodyError(400, f"malformed JSON at line {exc.lineno} column {exc.colno}: "
                                 f"{exc.msg}") from None
        except RecursionError:
            raise BodyError(400, "malformed JSON: nested too deeply") from None
        except ValueError as exc:   # an integer of more digits than Python converts
            raise BodyError(400, f"malformed JSON: {exc}") from None
        if type(value) is list:
            records.extend(value)
        else:
            records.append(value)
        at = _skip_space(text, at)
    return records


def convert_records(records: list[Any], fmt: str) -> Converted:
    """Each record as an alert (or several: a batch envelope), detected one by one unless
    `fmt` forces a format; a record that cannot be read is an error, not a refusal."""
    out = Converted()
    for index, record in enumerate(records):
        try:
            name = fmt if fmt != "auto" else detect_format(record)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # A shape no detector anticipated costs this record, never the request.
            out.error(index, f"cannot tell the format of this record: {type(exc).__name__}")
            continue
        if name is None:
            reason = (f"expected a JSON object, got {_kind(record)}" if type(record) is not dict
                      else "cannot tell the format of this record; pass ?format=")
            out.error(index, reason)
            continue
        for result in convert_record(record, name):
            if result is None:
                out.skipped += 1
            elif isinstance(result, RecordError):
                out.error(index, result.reason)
            else:
                out.alerts.append((name, result))
    return out


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
