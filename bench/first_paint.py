"""Time to first paint of `zshield` on 1,000,000 alerts vs an empty Textual app.

Each is a fresh child process (`bench.probe`), run alternately several times; the median
of each counts. "First paint" is the first frame handed to the terminal, for zshield the
first one with alert rows in it. Target: at most 1.5x the empty app. The main thread's
CPU time is reported beside the wall time: it is what to compare when the machine is busy.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

from .data import isolated_env, million_db
from .report import Result

ROUNDS = 7
TARGET = 1.5


def _probe(*args: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.probe", *args], capture_output=True,
                         text=True, check=True, env=env, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    db = str(million_db(quick))
    empty, zshield, no_alerts = [], [], []
    cpu_empty, cpu_zshield = [], []
    with tempfile.TemporaryDirectory() as scratch:
        env = isolated_env(scratch)
        blank = os.path.join(scratch, "blank.db")
        _probe("paint", db, env=env)  # warm the OS page cache as a second start would
        for _ in range(ROUNDS):
            first = _probe("paint-empty", env=env)
            empty.append(first["seconds"])
            cpu_empty.append(first["cpu_seconds"])
            ours = _probe("paint", db, env=env)
            zshield.append(ours["seconds"])
            cpu_zshield.append(ours["cpu_seconds"])
            # the same app on a database with no alerts: what the million rows add
            no_alerts.append(_probe("paint", blank, env=env)["seconds"])
    e, z, n = (statistics.median(v) for v in (empty, zshield, no_alerts))
    ratio = z / e
    ce, cz = statistics.median(cpu_empty), statistics.median(cpu_zshield)
    print(f"  empty app {e * 1000:.0f} ms, zshield {z * 1000:.0f} ms on 1M alerts, "
          f"{n * 1000:.0f} ms on none (medians of {ROUNDS}); main-thread CPU "
          f"{ce * 1000:.0f} vs {cz * 1000:.0f} ms = {cz / ce:.2f}x")
    return [Result("first paint", f"{z * 1000:.0f} ms", f"{e * 1000:.0f} ms (empty app)",
                   ratio, f"<= {TARGET}x", ratio <= TARGET,
                   {"empty_s": empty, "zshield_s": zshield, "zshield_no_alerts_s": no_alerts,
                   "empty_cpu_s": cpu_empty, "zshield_cpu_s": cpu_zshield,
                    "db": db})]
