"""`livefilter`: filter latency per keystroke on the 1,000,000-alert database while 1,000
alerts/s arrive (issue 13: p95 <= 50 ms).

The keystrokes of `bench filter` (bench/filter.py: parse, estimate, first page of 100,
on a connection of the store's own) on a copy of the database, first with nothing
arriving (the baseline, in the same run), then typed over and over for as long as a
writer appends alerts at 1,000/s to a file that `zshield ingest --follow` stores into the
same database from a process of its own (bench/arrivals.py); KEY_GAP apart both times.
Each of the follower's
commits (every 200 ms under load) invalidates the reader's page cache and adds rows that
the next keystroke's queries walk past.
"""

from __future__ import annotations

import tempfile
import time
from itertools import cycle
from pathlib import Path

from zshield_tui.store.db import connect
from zshield_tui.store.query import Sort

from .arrivals import RATE, arriving, max_seq, remove, scratch_copy
from .data import isolated_env, million_db
from .filter import TARGET_P95_MS, Keystroke, keystroke, keystrokes
from .report import Result, ms, percentile

SECONDS, QUICK_SECONDS = 60, 15
QUIET_ROUNDS = 2
# A fast typist's pace. Typed flat out, most keystrokes would land between two commits
# on a warm page cache, and the loop would take a core from the follower.
KEY_GAP = 0.1          # s


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    count = RATE * (QUICK_SECONDS if quick else SECONDS)
    db = scratch_copy(million_db(quick), "livefilter.db")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            quiet, live, arrived, seconds = _measure(Path(scratch), db, count)
    finally:
        remove(db)
    figures: dict[str, object] = {"db": db.name, "arrivals": arrived,
                                  "typing_seconds": round(seconds, 1)}
    print(f"livefilter on {db.name}: {arrived:,} alerts stored by the follower during "
          f"{seconds:.1f} s of typing ({arrived / seconds:,.0f}/s)")
    for name, keys in (("quiet", quiet), ("arriving", live)):
        times = sorted(k.ns for k in keys)
        p50, p95, p99 = (percentile(times, p) for p in (50, 95, 99))
        print(f"  {name:8s} {len(keys):5,} keystrokes  p50 {ms(p50)} ms  p95 {ms(p95)} ms  "
              f"p99 {ms(p99)} ms  max {ms(times[-1])} ms")
        figures[name] = {"keystrokes": len(keys), "p50_ms": ms(p50), "p95_ms": ms(p95),
                         "p99_ms": ms(p99), "max_ms": ms(times[-1])}
    slowest = sorted(live, key=lambda k: k.ns, reverse=True)[:5]
    print("  slowest while arriving: " + ", ".join(f"{k.text!r} {k.sort.value} {ms(k.ns)} ms"
                                                   for k in slowest))
    p95 = percentile(sorted(k.ns for k in live), 95)
    base = percentile(sorted(k.ns for k in quiet), 95)
    print(f"  p95 {ms(p95)} ms while arriving (target <= {TARGET_P95_MS} ms)")
    return [Result("livefilter", f"p95 {ms(p95)} ms", f"p95 {ms(base)} ms (quiet)", p95 / base,
                   f"p95 <= {TARGET_P95_MS} ms", p95 <= TARGET_P95_MS * 1e6, figures)]


def _measure(folder: Path, db: Path, count: int
             ) -> tuple[list[Keystroke], list[Keystroke], int, float]:
    """The keystrokes typed quiet and while arriving; how many alerts the follower stored
    while they were typed, and for how long they were."""
    conn = connect(db, create=False)
    try:
        conn.execute("SELECT count(*) FROM alert").fetchone()  # warm: first touch of the file
        quiet = [_typed(conn, text, sort) for _ in range(QUIET_ROUNDS)
                 for _, text, sort in keystrokes()]
        with arriving(folder, db, count, isolated_env(str(folder))) as arrivals:
            arrivals.start()
            live: list[Keystroke] = []
            start, first = time.perf_counter(), max_seq(conn)
            for _, text, sort in cycle(keystrokes()):
                if not arrivals.writing():
                    break
                live.append(_typed(conn, text, sort))
            seconds, arrived = time.perf_counter() - start, max_seq(conn) - first
            arrivals.written()   # the writer finished, not failed
        return quiet, live, arrived, seconds
    finally:
        conn.close()


def _typed(conn, text: str, sort: Sort) -> Keystroke:
    time.sleep(KEY_GAP)
    return keystroke(conn, text, sort)
