"""`read()`: a file or stdin in, a lazy stream of alerts and record errors out."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import chain
from types import TracebackType
from typing import IO, Any, TextIO

from pydantic import ValidationError

from zshield_tui.domain import Alert, Severity

from . import zeek
from .common import Context
from .detect import FORMATS, MODULES, detect_format
from .errors import (
    IngestError,
    RecordError,
    RecordProblem,
    Skipped,
    describe_validation_error,
)
from .source import BadJSON, Item, file_kind, read_items

STDIN_NAME = "<stdin>"
# How far to read ahead for a first object to detect the format from, past bad lines.
_PEEK_LIMIT = 1000
# Shapes no converter anticipated: they must cost one record, never the whole file.
_DATA_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError,
                RecursionError)

Result = Alert | RecordError
# What a converter's plain None means, and what an empty object `{}` is (Prowler writes a
# file holding only that when it found nothing).
NOT_AN_ALERT = Skipped("not an alert")
EMPTY_OBJECT = Skipped("empty object")
# An envelope (an ASFF batch, an SQS message) that holds no record of the format.
_EMPTY_BATCH = Skipped("envelope without records")


class AlertStream:
    """The alerts of one file, converted while iterating. Iterate it once.

    `format` is the detected or given format ("auto" only for a file holding no record
    to detect it from: empty, `{}`, or nothing but invalid JSON). `skipped` counts
    records deliberately left out (such as Suricata's non-alert events) and grows while
    iterating; `skip_reasons` counts the same records by what they are ("Suricata flow
    event": 84). `line` and `index` say
    where the record behind the last item came from (index: its place in a JSON array,
    else None).

    `origin` is the absolute folder of the file, which evidence confinement lets the
    alerts' evidence come from (DESIGN §4); None for stdin, which has no folder of its
    own: its alerts' evidence must sit under a configured evidence root. It is set here,
    by the reader, and never taken from a record.
    """

    def __init__(self, path: str, fmt: str, items: Iterator[Item], ctx: Context,
                 close: Callable[[], None], origin: str | None = None) -> None:
        self.path = path
        self.format = fmt
        self.origin = origin
        self.skipped = 0
        self.skip_reasons: Counter[str] = Counter()
        self.line = 0
        self.index: int | None = None
        self._items = items
        self._ctx = ctx
        self._close = close
        self._started = False

    def __iter__(self) -> Iterator[Result]:
        if self._started:
            raise RuntimeError("an AlertStream can be iterated only once")
        self._started = True
        return self._run()

    def _run(self) -> Iterator[Result]:
        try:
            module = MODULES.get(self.format)
            # No format: the file held no record to detect one from, only what _unknown
            # reports (invalid JSON, empty objects).
            to_alert = module.to_alert if module else _unknown
            expand = getattr(module, "expand", None)
            ctx = self._ctx
            for line, index, value in self._items:
                self.line, self.index = line, index
                records = expand(value) if expand and type(value) is dict else (value,)
                if not records:
                    self._skip(_EMPTY_BATCH)
                for record in records:
                    result = _convert(to_alert, record, ctx, line, index)
                    if type(result) is Skipped:
                        self._skip(result)
                    else:
                        yield result
        finally:
            self.close()

    def _skip(self, skipped: Skipped) -> None:
        self.skipped += 1
        self.skip_reasons[skipped.reason] += 1

    def close(self) -> None:
        """Releases the file; done automatically when iteration ends."""
        self._close()

    def __enter__(self) -> AlertStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def read(path: str, fmt: str = "auto", *, stdin: TextIO | None = None,
         zeek_severity: Mapping[str, Severity | str] | None = None) -> AlertStream:
    """Opens PATH ("-" for stdin) and returns its alerts as a stream.

    Raises IngestError at once for a missing or unreadable file, an unknown `fmt`, or
    (with fmt="auto") a file whose first object matches no format. Problems with single
    records come out of the stream as RecordError items instead, also when the file holds
    no object at all (a syntax error at its start, say where).
    `zeek_severity` maps Zeek notes to severities, over `zeek.DEFAULT_SEVERITY`; an
    unknown severity name there is a ValueError (a configuration mistake, not a file's).
    """
    shown = STDIN_NAME if path == "-" else path
    if fmt != "auto" and fmt not in MODULES:
        raise IngestError(
            f"{shown}: unknown format {fmt!r}; expected auto, {', '.join(FORMATS)}")
    notes = _zeek_notes(zeek_severity)
    handle, base_dir, close = _open(path, stdin)
    origin = None if path == "-" else base_dir
    ctx = Context(path=shown, base_dir=base_dir, ingested_at=datetime.now(UTC),
                  zeek_severity=notes)
    try:
        items = read_items(handle)
        head, first = _peek(items)
    except OSError as exc:
        close()
        raise IngestError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if fmt == "auto" and head:
        detected = None if first is None else detect_format(first)
        # Invalid JSON and `{}` are what they are in any format: said as such, per record.
        if detected is None and not (first is None and _nothing_to_detect(head)):
            close()
            raise IngestError(f"cannot tell the format of {shown}; pass --format")
        fmt = detected or fmt
    return AlertStream(shown, fmt, chain(head, items), ctx, close, origin)


def convert_record(record: Any, fmt: str = "auto", *, ctx: Context | None = None,
                   line: int = 1) -> list[Result | None]:
    """Converts one parsed record outside any file: one entry per alert it holds.

    None marks a record the format skips (an empty object too). Never raises for bad
    data; an unknown `fmt` is an IngestError.
    """
    if fmt != "auto" and fmt not in MODULES:
        raise IngestError(f"unknown format {fmt!r}; expected auto, {', '.join(FORMATS)}")
    ctx = ctx or Context(path="<record>", base_dir=os.getcwd(),
                         ingested_at=datetime.now(UTC), zeek_severity=_zeek_notes(None))
    name = detect_format(record) if fmt == "auto" else fmt
    if name is None:
        return [None if record == {} else
                RecordError(ctx.path, line, "cannot tell the format of this record")]
    module = MODULES[name]
    expand = getattr(module, "expand", None)
    records = expand(record) if expand and type(record) is dict else [record]
    # An empty batch envelope is a skipped record, like any record the format skips.
    results = [_convert(module.to_alert, item, ctx, line) for item in records] or [None]
    return [None if type(result) is Skipped else result for result in results]


def _convert(to_alert: Callable[[dict, Context], Alert | Skipped | None], record: Any,
             ctx: Context, line: int, index: int | None = None) -> Result | Skipped:
    if type(record) is not dict:
        return RecordError(ctx.path, line, _not_an_object(record), index)
    if not record:
        return EMPTY_OBJECT
    try:
        result = to_alert(record, ctx)
    except ValidationError as exc:
        return RecordError(ctx.path, line, describe_validation_error(exc), index)
    except RecordProblem as exc:
        return RecordError(ctx.path, line, str(exc), index)
    except _DATA_ERRORS as exc:
        return RecordError(ctx.path, line, f"cannot read record: {type(exc).__name__}: {exc}",
                           index)
    return NOT_AN_ALERT if result is None else result


def _unknown(record: dict, ctx: Context) -> Alert:
    """The converter of a file with no format: reached only by a non-empty object after
    the peek limit, which nothing recognised either."""
    raise RecordProblem("cannot tell the format of this record")


def _not_an_object(value: Any) -> str:
    if isinstance(value, BadJSON):
        return value.reason
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return f"expected a JSON object, got {kinds.get(type(value), 'a number')}"


def _open(path: str, stdin: TextIO | None) -> tuple[IO[Any], str, Callable[[], None]]:
    if path == "-":
        # Bytes are faster to parse than text; a caller's own stream is used as given.
        stream: IO[Any] = sys.stdin.buffer if stdin is None else stdin
        return stream, os.getcwd(), lambda: None  # stdin is not ours to close
    handle = _open_regular(path)
    return handle, os.path.dirname(os.path.abspath(path)), handle.close


def _open_regular(path: str) -> IO[bytes]:
    """Opens a regular file; anything else (a FIFO, a device, a directory, a socket) is
    an IngestError at once, never a read that blocks or never ends. Checked before the
    open (opening a FIFO waits for a writer) and again on the opened file, in case the
    name was swapped in between; O_NONBLOCK makes even that open return at once."""
    try:
        _require_regular(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        _require_regular(path, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _require_regular(path: str, mode: int) -> None:
    if kind := file_kind(mode):
        raise IngestError(f"cannot read {path}: {kind}, not a regular file")


def _zeek_notes(overrides: Mapping[str, Severity | str] | None) -> dict[str, Severity]:
    notes = dict(zeek.DEFAULT_SEVERITY)
    for note, value in (overrides or {}).items():
        notes[note] = value if isinstance(value, Severity) else Severity.parse(value)
    return notes


def _nothing_to_detect(head: list[Item]) -> bool:
    return all(isinstance(value, BadJSON) or value == {} for _, _, value in head)


def _peek(items: Iterator[Item]) -> tuple[list[Item], Any]:
    """Items up to and including the first non-empty JSON object, which detection looks
    at; None for it when there is none (only invalid JSON, `{}`, an empty file)."""
    head: list[Item] = []
    for item in items:
        head.append(item)
        if type(item[2]) is dict and item[2]:
            return head, item[2]
        if len(head) >= _PEEK_LIMIT:
            break
    return head, None
