"""First paint as the analyst sees it: from exec to the first alert row on a real terminal.

`zshield --db <1M alerts>` and the baseline (bench/baseline_app.py: a Textual app drawing
one full page of coloured rows from memory) each start in the same tmux pane of 160x48,
alternately, ROUNDS times after one unmeasured start of each (the OS page cache then
holds the database, as on a second start). Target: zshield's median at most 1.25x the
baseline's.

- Start: the pane runs `bash run.sh ARGV...`, which writes bash's `$EPOCHREALTIME` (the
  wall clock, microseconds) to a file and `exec`s the app: the moment of exec.
- End: one tmux control-mode client (`tmux -C`, commands over a pipe, so polling starts
  no process) sends `capture-pane -p` every POLL seconds; the end is the wall clock when
  the first capture holding the row came back. zshield's row is the newest alert's time
  and title as the list draws them (placeholders and headers do not count); the
  baseline's is its first row. Resolution: POLL plus one capture round trip (reported).
- Also reported: each app's CPU time (user + system, all threads) up to that capture,
  from /proc: the steadier figure when other processes load the machine.

In-process and headless, `bench paint` (bench/probe.py) stops the clock at the first
frame handed to the terminal; it stays as the diagnostic of what happens inside.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .baseline_app import FIRST_ROW
from .data import isolated_env, million_db
from .report import Result
from .tmux import Pane, require_tmux, zshield_argv

WIDTH, HEIGHT = 160, 48
ROUNDS = 5
TARGET = 1.25
POLL = 0.005
TIMEOUT = 60.0
_RUN_SH = 'echo "$EPOCHREALTIME" > "$STAMP"\nexec "$@"\n'


class PaintPane:
    """The pane that apps start in, one after the other, each timed to its first row."""

    def __init__(self, scratch: Path, env: dict[str, str]) -> None:
        self.scratch = scratch
        self.stamp = scratch / "exec-stamp"
        (scratch / "run.sh").write_text(_RUN_SH)
        self.pane = Pane(scratch, {**env, "STAMP": str(self.stamp)}, WIDTH, HEIGHT)

    def time_to_row(self, argv: list[str], seen: Callable[[str], bool]) -> dict[str, float]:
        """Starts argv in the pane and waits until a line of the pane satisfies `seen`."""
        self._clear(seen)
        self.stamp.unlink(missing_ok=True)
        self.pane.respawn(["bash", str(self.scratch / "run.sh"), *argv])
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            sent = time.time()
            screen = self.pane.capture()
            back = time.time()
            if any(seen(line) for line in screen):
                cpu = self.pane.cpu_seconds()
                started = float(self.stamp.read_text())
                return {"seconds": back - started, "round_trip": back - sent,
                        "cpu_seconds": cpu}
            time.sleep(POLL)
        raise RuntimeError(f"{argv[0]}: no row on the pane after {TIMEOUT:.0f} s:\n"
                           + "\n".join(screen))

    def _clear(self, seen: Callable[[str], bool]) -> None:
        """So that a row left by the previous start cannot be taken for this one's."""
        self.pane.clear()
        if any(seen(line) for line in self.pane.capture()):
            raise RuntimeError("the pane still shows a row after clearing it")

    def close(self) -> None:
        self.pane.close()


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    require_tmux("tmuxpaint")
    db = million_db(quick)
    zshield_seen = _first_row_matcher(db)
    apps: dict[str, tuple[list[str], Callable[[str], bool]]] = {
        "baseline": ([sys.executable, "-m", "bench.baseline_app"], lambda s: FIRST_ROW in s),
        "zshield": ([*zshield_argv(), "--db", str(db)], zshield_seen),
    }
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as scratch:
        env = isolated_env(scratch)
        env.update(COLORTERM="truecolor", PYTHONPATH=str(Path(__file__).parent.parent))
        pane = PaintPane(Path(scratch), env)
        try:
            for argv, seen in apps.values():   # warm-up, not counted
                pane.time_to_row(argv, seen)
            for _ in range(ROUNDS):
                for name, (argv, seen) in apps.items():
                    figures[name].append(pane.time_to_row(argv, seen))
        finally:
            pane.close()
    med = {name: {key: statistics.median(f[key] for f in runs) for key in runs[0]}
           for name, runs in figures.items()}
    z, b = med["zshield"], med["baseline"]
    ratio = z["seconds"] / b["seconds"]
    print(f"  exec to first row on a {WIDTH}x{HEIGHT} tmux pane, medians of {ROUNDS}, "
          f"alternating: zshield {z['seconds'] * 1000:.0f} ms on {db.name}, baseline "
          f"{b['seconds'] * 1000:.0f} ms = {ratio:.2f}x (target <= {TARGET}x)")
    print(f"  CPU up to that point: zshield {z['cpu_seconds'] * 1000:.0f} ms, baseline "
          f"{b['cpu_seconds'] * 1000:.0f} ms = {z['cpu_seconds'] / b['cpu_seconds']:.2f}x; "
          f"resolution {POLL * 1000:.0f} ms poll + {z['round_trip'] * 1000:.1f} ms capture")
    for name, runs in figures.items():
        print(f"  {name:8s} " + ", ".join(f"{r['seconds'] * 1000:.0f}" for r in runs) + " ms")
    return [Result("first paint (tmux)", f"{z['seconds'] * 1000:.0f} ms",
                   f"{b['seconds'] * 1000:.0f} ms (baseline)", ratio, f"<= {TARGET}x",
                   ratio <= TARGET,
                   {"db": str(db), "rounds": ROUNDS, "poll_s": POLL, "runs": figures,
                    "medians": med})]


def _first_row_matcher(db: Path) -> Callable[[str], bool]:
    """The newest alert as the list's first row shows it: its time and its title's start."""
    from zshield_tui.store import AlertQuery, Sort, Store, parse_filter

    with Store(db, create=False) as store:
        (row,) = AlertQuery(store.conn, parse_filter(""), Sort.TIME).page(0, 1)
    when = row.created_at[5:16].replace("T", " ")
    title = " ".join(row.title.split())[:24]
    return lambda line: when in line and title in line
