"""What `zshield ingest` says about each file: record errors and warnings, capped on a
terminal (a file with a million bad records must not print a million lines), every one of
them with `--json`.

Warnings do not change the exit code: a duplicate id within one file (the later record
wins) and an evidence file that confinement will not send.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from zshield_tui.domain import Alert
from zshield_tui.domain.terminal import printable
from zshield_tui.ingest import RecordError

SHOWN = 20   # problems of each kind printed per file; --json has them all


@dataclass(frozen=True, slots=True)
class Problem:
    """A record error or a warning, where it was found and what it says."""

    file: str
    line: int
    index: int | None
    message: str

    @property
    def where(self) -> str:
        return _where(self.file, self.line, self.index)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "index": self.index,
                "message": self.message}


@dataclass
class Capped:
    """Problems of one kind: the first SHOWN kept, or all of them, and how many in all."""

    keep_all: bool
    kept: list[Problem] = field(default_factory=list)
    count: int = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if self.keep_all or len(self.kept) < SHOWN:
            self.kept.append(problem)


@dataclass
class FileReport:
    """One file's outcome. `failure` is a whole-file error (nothing of it was stored)."""

    path: str
    keep_all: bool = False
    format: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)  # what the skipped were
    failure: str | None = None
    errors: Capped = field(init=False)
    warnings: Capped = field(init=False)
    _first_seen: dict[str, tuple[int, int | None]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.errors = Capped(self.keep_all)
        self.warnings = Capped(self.keep_all)

    def record_error(self, error: RecordError) -> None:
        self.errors.add(Problem(error.path, error.line, error.index, error.reason))

    def alert_read(self, alert: Alert, path: str, line: int, index: int | None) -> None:
        """Notes where an alert came from; a repeated id within the file is a warning."""
        first = self._first_seen.setdefault(alert.id, (line, index))
        if first != (line, index):
            self.warnings.add(Problem(path, line, index, (
                f"duplicate id {alert.id!r} (first at line {_where('', *first)[1:]}); "
                "the later record wins")))

    def warn(self, path: str, line: int, index: int | None, message: str) -> None:
        self.warnings.add(Problem(path, line, index, message))

    def print(self, out: TextIO, err: TextIO) -> None:
        """The capped problems on `err`, then the summary line on `out`."""
        for kind, capped in (("errors", self.errors), ("warnings", self.warnings)):
            for problem in capped.kept[:SHOWN]:
                print(printable(str(problem)), file=err)
            if capped.count > SHOWN:
                print(f"... and {capped.count - SHOWN} more {kind}", file=err)
        print(printable(self.summary()), file=out)

    def summary(self) -> str:
        c = self.counts
        loaded = c["inserted"] + c["updated"] + c["unchanged"]
        text = (f"{self.path}: {loaded} alerts ({self.format}): {c['inserted']} new, "
                f"{c['updated']} updated, {c['unchanged']} unchanged; "
                f"{self.skipped} skipped, {self.errors.count} errors")
        text += f", {self.warnings.count} warnings" if self.warnings.count else ""
        return text + _skipped_as(self.skip_reasons)

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "error": self.failure,
                **{k: self.counts.get(k, 0) for k in ("inserted", "updated", "unchanged")},
                "skipped": self.skipped, "errors": self.errors.count,
                "warnings": self.warnings.count}


def _skipped_as(reasons: dict[str, int], shown: int = 3) -> str:
    """` (skipped: Suricata flow event ×84; ...)`: what the skipped records were, the
    commonest first, so a file that loads no alert says why."""
    if not reasons:
        return ""
    common = sorted(reasons.items(), key=lambda item: -item[1])
    parts = [f"{reason} ×{count}" for reason, count in common[:shown]]
    more = "; ..." if len(common) > shown else ""
    return f" (skipped: {'; '.join(parts)}{more})"


def json_document(files: Iterable[FileReport], **extra: Any) -> str:
    """The one JSON document of `ingest --json`: counts per file, every error and warning.
    ASCII only, so no byte of a record's text reaches a terminal as a control."""
    files = list(files)
    return json.dumps({
        "files": [f.as_json() for f in files],
        "errors": [p.as_json() for f in files for p in f.errors.kept],
        "warnings": [p.as_json() for f in files for p in f.warnings.kept],
        **extra,
    }, ensure_ascii=True)


def _where(path: str, line: int, index: int | None) -> str:
    return f"{path}:{line}" if index is None else f"{path}:{line}[{index}]"
