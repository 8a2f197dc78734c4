"""What every benchmark hands back, the table printed at the end and the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).parent / ".data"
RESULTS = DATA / "results.json"


@dataclass
class Result:
    """One benchmark's verdict.

    `measured` and `baseline` are the two figures behind `ratio`, both taken in this run,
    so a slower or faster machine moves them together; `figures` holds every raw number.
    """

    name: str
    measured: str
    baseline: str
    ratio: float
    target: str
    passed: bool
    figures: dict[str, object] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"


def ms(ns: int | float) -> float:
    """Nanoseconds to milliseconds, rounded for reading."""
    return round(ns / 1e6, 2)


def percentile(sorted_values: list[int], pct: float) -> int:
    """Nearest-rank percentile of an ascending list: a value that was actually measured."""
    rank = max(1, math.ceil(len(sorted_values) * pct / 100))
    return sorted_values[rank - 1]


def print_table(results: list[Result]) -> None:
    rows = [("benchmark", "measured", "baseline", "ratio", "target", "")]
    rows += [(r.name, r.measured, r.baseline, f"{r.ratio:.2f}", r.target, r.verdict)
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def write_json(results: list[Result], *, quick: bool) -> Path:
    """Merges this run's results into bench/.data/results.json, keyed by benchmark name,
    so running one benchmark keeps the last figures of the others."""
    DATA.mkdir(parents=True, exist_ok=True)
    try:
        stored = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        stored = {}
    runs = stored.get("results", {})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for result in results:
        runs[result.name] = {**asdict(result), "verdict": result.verdict, "quick": quick,
                             "at": now}
    stored = {"machine": _machine(), "results": runs}
    RESULTS.write_text(json.dumps(stored, indent=2, default=str) + "\n")
    return RESULTS


def _machine() -> dict[str, object]:
    return {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "cpus": os.cpu_count()}
