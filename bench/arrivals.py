"""Alerts arriving while a benchmark measures (`live`, `livefilter`).

A writer process appends native JSONL alerts to a file at RATE a second, and
`zshield ingest --follow FILE` (the daemon's follower, as a process of its own) stores
them into a copy of the cached database (the cached one is reused by every benchmark, so
it must keep its count).

Every alert is recognisable on screen: its title starts `LIVE-000123` (its index in
writing order), and its created_at is after every generated alert's, in writing order, so
arrivals sort above the database's alerts, the newest first. About one in SAMPLE_EVERY,
picked at random (seeded) so that the picks fall at every phase of the app's timers, is a
*sample*: titled `LIVE-S000123` and dated ten days later still, it sorts above every other
arrival, so once it is stored and the list is at its top, it is the first row.

The writer writes what is due every few milliseconds in one write() and records the wall
clock after it for each alert in it; `written()` hands those back once it has finished.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from zshield_tui.demodata import generate_alerts

from .data import NOW, SEED

RATE = 1000            # alerts/s
SAMPLE_EVERY = 200
SAMPLE = re.compile(r"LIVE-S(\d{6})")
_LIVE_AT = NOW + timedelta(days=1)
_STOP_WAIT = 30.0      # s for the follower to commit and exit on SIGTERM

_WRITER = """
import json, os, sys, time
lines_path, target, rate, times_path = sys.argv[1:]
with open(lines_path, "rb") as src:
    lines = src.readlines()
out = os.open(target, os.O_WRONLY | os.O_APPEND)
times, sent, start = [], 0, time.time()
while sent < len(lines):
    due = min(len(lines), int((time.time() - start) * float(rate)) + 1)
    if due > sent:
        os.write(out, b"".join(lines[sent:due]))
        times += [time.time()] * (due - sent)
        sent = due
    time.sleep(0.002)
os.close(out)
with open(times_path, "w") as dst:
    json.dump(times, dst)
"""


def scratch_copy(db: Path, name: str) -> Path:
    """A copy of the cached database next to it, replacing any a killed run left."""
    copy = db.with_name(name)
    for stale in (copy, *_sidecars(copy)):
        stale.unlink(missing_ok=True)
    shutil.copyfile(db, copy)
    return copy


def remove(db: Path) -> None:
    for path in (db, *_sidecars(db)):
        path.unlink(missing_ok=True)


def max_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()[0]


class Arrivals:
    """The writer and the follower of one run; see `arriving`."""

    def __init__(self, folder: Path, db: Path, count: int, env: dict[str, str]) -> None:
        self.folder, self.db, self.count, self.env = folder, db, count, env
        self.lines = folder / "arrivals.jsonl"
        self.followed = folder / "followed.jsonl"
        self.times = folder / "written.json"
        self.log = folder / "follower.log"
        self.samples = _write_lines(self.lines, count)
        self.base_seq = 0          # max(seq) before the first measured arrival
        self.writer: subprocess.Popen | None = None
        self.follower: subprocess.Popen | None = None

    def start(self) -> None:
        """The writer begins; alert i is stored with seq base_seq + 1 + i."""
        self.writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(self.lines),
                                        str(self.followed), str(RATE), str(self.times)])

    def writing(self) -> bool:
        return self.writer is not None and self.writer.poll() is None

    def written(self) -> list[float]:
        """The wall clock at which each alert was written, once the writer has finished."""
        if self.writer is None or self.writer.wait() != 0:
            raise RuntimeError("the arrivals writer failed")
        return json.loads(self.times.read_text())

    def follower_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _follow(self, conn: sqlite3.Connection) -> None:
        """Starts the follower and waits until it has stored one alert written before
        it started: from then on it is reading, and the measured ones wait on no start-up."""
        self.followed.write_bytes(_line(-1, "LIVE-PRIME follower ready", 0))
        before = max_seq(conn)
        with self.log.open("wb") as log:
            self.follower = subprocess.Popen(
                [sys.executable, "-m", "zshield_tui", "--db", str(self.db), "ingest",
                 "--follow", str(self.followed)],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while (seq := max_seq(conn)) == before:
            if self.follower.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the follower stored nothing:\n{self.follower_log()}")
            time.sleep(0.05)
        self.base_seq = seq

    def _stop(self) -> None:
        if self.writer is not None and self.writer.poll() is None:
            self.writer.kill()
            self.writer.wait()
        if self.follower is not None and self.follower.poll() is None:
            self.follower.terminate()
            try:
                self.follower.wait(timeout=_STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.follower.kill()
                self.follower.wait()


@contextmanager
def arriving(folder: Path, db: Path, count: int, env: dict[str, str]) -> Iterator[Arrivals]:
    """The follower of `db` running and ready; `start()` sets `count` alerts arriving.
    Both processes are ended on the way out, whatever happened."""
    arrivals = Arrivals(folder, db, count, env)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        arrivals._follow(conn)
        yield arrivals
    finally:
        conn.close()
        arrivals._stop()


def _write_lines(path: Path, count: int) -> set[int]:
    """`count` arrivals as native JSONL; the indexes of the samples among them."""
    pick = random.Random(SEED)
    samples: set[int] = set()
    with path.open("wb") as out:
        for i in range(count):
            sample = pick.random() < 1 / SAMPLE_EVERY
            if sample:
                samples.add(i)
            out.write(_line(i, f"LIVE-S{i:06d}" if sample else f"LIVE-{i:06d}",
                            10 if sample else 0))
    return samples


_TEMPLATES = list(generate_alerts(50, seed=SEED + 1, now=NOW))


def _line(i: int, token: str, days_later: int) -> bytes:
    """One arrival: a generated alert (for a realistic body) with its own id, title and
    a created_at that sorts it (whole seconds: stored times compare as text)."""
    template = _TEMPLATES[i % len(_TEMPLATES)]
    alert = template.model_copy(update={
        "id": f"LIVE-{i:06d}" if i >= 0 else "LIVE-PRIME",
        "title": f"{token} {template.title}", "parent_id": None,
        "created_at": _LIVE_AT + timedelta(days=days_later, seconds=i + 1)})
    return (alert.model_dump_json() + "\n").encode()


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
