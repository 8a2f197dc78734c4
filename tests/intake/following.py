"""Helpers for the follow tests: alert lines, and `ingest --follow` run in-process one
step at a time on a clock of the test's own."""

from __future__ import annotations

import json
from pathlib import Path

from zshield_tui.intake.follow import Follower
from zshield_tui.intake.pump import Pump
from zshield_tui.store.checkpoints import load_checkpoints


def line(n: int, **extra) -> str:
    """Native alert number n as one JSON line."""
    record = {"id": f"T-{n:06d}", "title": f"Beacon {n} from web-01", "severity": "high",
              "created_at": "2026-11-24T10:00:00Z", **extra}
    return json.dumps(record) + "\n"


def lines(first: int, last: int) -> str:
    return "".join(line(n) for n in range(first, last + 1))


def ids(first: int, last: int) -> set[str]:
    return {f"T-{n:06d}" for n in range(first, last + 1)}


def append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


def stored(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM alert")}


def stored_in_order(store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM alert ORDER BY seq")]


class Following:
    """`zshield ingest --follow PATHS` in-process; `settle()` lets time pass."""

    def __init__(self, store, *paths: Path | str, fmt: str = "auto") -> None:
        self.now = 1000.0
        self.events: list[str] = []
        self.batches = []
        self.follower = Follower([str(p) for p in paths], fmt, load_checkpoints(store.conn),
                                 self.events.append, clock=lambda: self.now)
        self.pump = Pump(store.conn, self.follower, self.batches.append,
                         clock=lambda: self.now)

    def settle(self, seconds: float = 1.5) -> None:
        """Reads until caught up, then polls on while `seconds` pass (globs are
        re-evaluated, rotated files go quiet)."""
        while self.pump.step():
            pass
        for _ in range(round(seconds / 0.1)):
            self.now += 0.1
            while self.pump.step():
                pass

    def stop(self) -> None:
        self.pump.step(stopping=True)
        self.follower.close()

    def said(self, text: str) -> bool:
        return any(text in event for event in self.events)

    def unchanged(self) -> int:
        """Alerts committed again although already stored: records read twice."""
        return sum(share.counts.get("unchanged", 0) for batch in self.batches
                   for share in batch.files.values())

    def errors(self) -> list[str]:
        return [str(e) for batch in self.batches for share in batch.files.values()
                for e in share.errors]
