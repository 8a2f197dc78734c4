"""`live`: from a line appended to a followed file to the alert on an open TUI's screen,
on the 1,000,000-alert database while 1,000 alerts/s arrive for 60 s (issue 13: p95 <= 1 s).

As the analyst sees it: `zshield --db DB` runs in a 160x48 tmux pane (bench/tmux.py),
`zshield ingest --follow FILE --db DB` in a process of its own, and a writer appends
alerts to FILE at 1,000/s, recording when it wrote each (bench/arrivals.py). The bench
polls the screen with capture-pane every POLL seconds and, in the same loop, the
database's max(seq) on a read-only connection. Three latencies per alert, from its write:

- committed: until the follower's commit holding it is visible to another connection
  (the floor any reader could reach; the baseline of the ratio);
- header: until the TUI's header counts it (`alerts 1,000,123`: alert i is counted once
  the total passes base + i; arrivals are stored in writing order);
- row (the target): until the row itself is on screen. The TUI keeps the view still and
  says `↑ N new (n)`; the bench, like an analyst, presses `n` whenever it sees that, and
  times the samples (about 1 in 200 arrivals, picked at random, each sorting first when
  it arrives, see bench/arrivals.py) until their title is on screen.

Each time is the wall clock when the capture or query that showed it came back, so each
is late by at most POLL plus one round trip (reported).

`LIVE_WATCH_INTERVAL=SECONDS` runs the TUI with another interval between its looks for
other processes' commits (bench/watch_tui.py); the app's is WATCH_INTERVAL in
zshield_tui/tui/screens/triage.py.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .arrivals import RATE, SAMPLE, arriving, max_seq, remove, scratch_copy
from .data import isolated_env, million_db
from .report import Result, percentile
from .tmux import Pane, require_tmux, zshield_argv

WIDTH, HEIGHT = 160, 48
SECONDS, QUICK_SECONDS = 60, 15
TARGET = 1.0           # s, p95 of the row latency
POLL = 0.02            # s between looks at the screen
PRESS_EVERY = 0.1      # s at least between two presses of `n`
SETTLE = 30.0          # s for the TUI to show its exact total, and to catch up at the end
_TOTAL = re.compile(r"alerts ([\d,]+)(\+?)")


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    require_tmux("live")
    count = RATE * (QUICK_SECONDS if quick else SECONDS)
    db = scratch_copy(million_db(quick), "live.db")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            measured = _measure(Path(scratch), db, count)
    finally:
        remove(db)
    return [_report(db, measured, count)]


@dataclass
class _Run:
    seen: dict[str, dict[int, float]]   # when each arrival was committed, counted, on screen
    written: list[float]                # when each was written
    samples: list[int]
    round_trips: list[float]            # of the captures
    tui_cpu: float                      # the TUI's CPU seconds per second meanwhile


def _measure(folder: Path, db: Path, count: int) -> _Run:
    env = isolated_env(str(folder))
    env.update(COLORTERM="truecolor", PYTHONPATH=str(Path(__file__).parent.parent))
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    pane = Pane(folder, env, WIDTH, HEIGHT)
    try:
        with arriving(folder, db, count, env) as arrivals:
            # The TUI starts once the follower is reading: what it stored first is then in
            # the TUI's first page, not in a commit racing the TUI's start-up.
            pane.respawn([*_tui_argv(), "--db", str(db)])
            base_total = conn.execute("SELECT count(*) FROM alert").fetchone()[0]
            _settled(pane, base_total)
            seen: dict[str, dict[int, float]] = {"committed": {}, "header": {}, "row": {}}
            cpu, start = pane.cpu_seconds(), time.monotonic()
            arrivals.start()
            round_trips = _watch(pane, conn, arrivals, base_total, seen)
            tui_cpu = (pane.cpu_seconds() - cpu) / (time.monotonic() - start)
            return _Run(seen, arrivals.written(), sorted(arrivals.samples), round_trips,
                        tui_cpu)
    finally:
        conn.close()
        pane.close()


def _tui_argv() -> list[str]:
    if interval := os.environ.get("LIVE_WATCH_INTERVAL"):
        return [sys.executable, "-m", "bench.watch_tui", interval]
    return zshield_argv()


def _settled(pane: Pane, total: int) -> None:
    """Waits until the header shows the exact total of what is stored."""
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        shown = _header_total(pane.capture())
        if shown == (total, True):
            return
        time.sleep(0.1)
    raise RuntimeError("the TUI never showed the exact total:\n" + "\n".join(pane.capture()))


def _header_total(screen: list[str]) -> tuple[int, bool] | None:
    """The header's alert total and whether it is exact (no `+`)."""
    found = _TOTAL.search(screen[0]) if screen else None
    return (int(found[1].replace(",", "")), not found[2]) if found else None


def _watch(pane: Pane, conn: sqlite3.Connection, arrivals, base_total: int,
           seen: dict[str, dict[int, float]]) -> list[float]:
    """Polls until every arrival is counted in the header and every sample was on screen,
    or SETTLE seconds after the writer finished; the capture round trips."""
    committed, header, row = seen["committed"], seen["header"], seen["row"]
    count, round_trips, pressed, deadline = arrivals.count, [], 0.0, None
    while deadline is None or time.monotonic() < deadline:
        stored = max_seq(conn) - arrivals.base_seq
        now = time.time()
        for i in range(len(committed), min(stored, count)):
            committed[i] = now
        sent = time.time()
        screen = pane.capture()
        back = time.time()
        round_trips.append(back - sent)
        shown = _header_total(screen)
        for i in range(len(header), min(shown[0] - base_total, count) if shown else 0):
            header[i] = back
        for line in screen[1:]:
            for found in SAMPLE.finditer(line):
                row.setdefault(int(found[1]), back)
        if "↑" in screen[0] and back - pressed >= PRESS_EVERY:
            pane.send_keys("n")
            pressed = back
        if len(header) == count and arrivals.samples <= row.keys():
            break
        if deadline is None and not arrivals.writing():
            deadline = time.monotonic() + SETTLE
        time.sleep(POLL)
    return round_trips


def _report(db: Path, run: _Run, count: int) -> Result:
    seen, written, samples = run.seen, run.written, run.samples
    interval = os.environ.get("LIVE_WATCH_INTERVAL")
    if interval:
        print(f"the TUI looking for commits every {interval} s (LIVE_WATCH_INTERVAL)")
    span = written[-1] - written[0]
    print(f"live on {db.name}: {count:,} alerts written in {span:.1f} s "
          f"({count / span:,.0f}/s), {len(samples)} samples; screen polled every "
          f"{POLL * 1000:.0f} ms (capture p95 {percentile(sorted(run.round_trips), 95) * 1000:.1f}"
          f" ms); the TUI used {run.tui_cpu:.0%} of a core meanwhile")
    figures: dict[str, object] = {"alerts": count, "samples": len(samples),
                                  "write_seconds": round(span, 2), "poll_s": POLL,
                                  "watch_interval": interval,
                                  "tui_cpu_per_s": round(run.tui_cpu, 3)}
    committed, header = seen["committed"], seen["header"]
    # What the TUI itself adds to a counted alert: its wait for the next look at the
    # database (WATCH_INTERVAL), taking the new alerts in, drawing the header.
    tui = {i: header[i] - committed[i] + written[i] for i in header if i in committed}
    stats = {}
    for what, times, wanted in (("committed", committed, range(count)),
                                ("header", header, range(count)),
                                ("row", seen["row"], samples),
                                ("TUI's own", tui, range(count))):
        late = sorted(times[i] - written[i] for i in wanted if i in times)
        if not late:
            raise RuntimeError(f"live: no alert was ever {what}")
        p50, p95, top = percentile(late, 50), percentile(late, 95), late[-1]
        stats[what] = (p95, len(wanted) - len(late))
        print(f"  {what:9s} p50 {p50 * 1000:5.0f} ms  p95 {p95 * 1000:5.0f} ms  "
              f"max {top * 1000:5.0f} ms  ({len(late):,} timed, {stats[what][1]:,} never)")
        figures[what] = {"p50_ms": round(p50 * 1000), "p95_ms": round(p95 * 1000),
                         "max_ms": round(top * 1000), "timed": len(late),
                         "missing": stats[what][1]}
    row_p95, base_p95 = stats["row"][0], stats["committed"][0]
    passed = row_p95 <= TARGET and not any(missing for _, missing in stats.values())
    print(f"  row p95 {row_p95 * 1000:.0f} ms (target <= {TARGET * 1000:.0f} ms): "
          f"{'met' if passed else 'MISSED'}")
    # An experiment's figures are kept beside the app's own in results.json, not over them.
    return Result(f"live (watch {interval} s)" if interval else "live",
                  f"row p95 {row_p95 * 1000:.0f} ms", f"commit p95 {base_p95 * 1000:.0f} ms",
                  row_p95 / base_p95, f"p95 <= {TARGET * 1000:.0f} ms", passed, figures)
