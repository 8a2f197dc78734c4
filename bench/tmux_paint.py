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

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .baseline_app import FIRST_ROW
from .data import isolated_env, million_db
from .report import Result

WIDTH, HEIGHT = 160, 48
ROUNDS = 5
TARGET = 1.25
POLL = 0.005
TIMEOUT = 60.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_RUN_SH = 'echo "$EPOCHREALTIME" > "$STAMP"\nexec "$@"\n'


class Pane:
    """A private tmux server (its own socket) with one WIDTHxHEIGHT pane, driven through
    one control-mode client."""

    def __init__(self, scratch: Path, env: dict[str, str]) -> None:
        self.scratch = scratch
        self.stamp = scratch / "exec-stamp"
        self.env = {**env, "STAMP": str(self.stamp)}
        (scratch / "run.sh").write_text(_RUN_SH)
        self.base = ["tmux", "-S", str(scratch / "tmux.sock"), "-f", os.devnull]
        subprocess.run([*self.base, "new-session", "-d", "-s", "paint", "-x", str(WIDTH),
                        "-y", str(HEIGHT), "sleep 86400"], env=self.env, check=True)
        self.client = subprocess.Popen([*self.base, "-C", "attach-session", "-t", "paint"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       env=self.env)
        # The control client has no size of its own; the window keeps 160x48 whatever.
        for command in ("set-option -g window-size manual",
                        "set-option -g default-terminal tmux-256color",
                        "set-option -g remain-on-exit on",
                        "refresh-client -f no-output"):   # no %output stream to wade through
            self.command(command)

    def command(self, line: str) -> list[str]:
        """Runs one tmux command; its output lines. Raises on a tmux error."""
        assert self.client.stdin and self.client.stdout
        self.client.stdin.write(line.encode() + b"\n")
        self.client.stdin.flush()
        output: list[str] = []
        inside = False
        while raw := self.client.stdout.readline():
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if text.startswith("%begin ") and text.endswith(" 1"):  # 1: our own command
                inside, output = True, []
            elif inside and (text.startswith("%end ") or text.startswith("%error ")):
                if text.startswith("%error "):
                    raise RuntimeError(f"tmux {line!r}: {' '.join(output)}")
                return output
            elif inside:
                output.append(text)
        raise RuntimeError(f"tmux control client ended during {line!r}")

    def time_to_row(self, argv: list[str], seen: Callable[[str], bool]) -> dict[str, float]:
        """Starts argv in the pane and waits until a line of the pane satisfies `seen`."""
        self._clear(seen)
        self.stamp.unlink(missing_ok=True)
        words = ["bash", str(self.scratch / "run.sh"), *argv]
        if any('"' in w or "\\" in w or " " in w for w in words):
            raise ValueError(f"cannot pass {words} to tmux unquoted")
        self.command("respawn-pane -k -t paint " + " ".join(f'"{w}"' for w in words))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            sent = time.time()
            screen = self.command("capture-pane -p -t paint")
            back = time.time()
            if any(seen(line) for line in screen):
                cpu = self._cpu_seconds()
                started = float(self.stamp.read_text())
                return {"seconds": back - started, "round_trip": back - sent,
                        "cpu_seconds": cpu}
            time.sleep(POLL)
        raise RuntimeError(f"{argv[0]}: no row on the pane after {TIMEOUT:.0f} s:\n"
                           + "\n".join(screen))

    def _cpu_seconds(self) -> float:
        (pid,) = self.command("display-message -p -t paint '#{pane_pid}'")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS   # utime, stime

    def _clear(self, seen: Callable[[str], bool]) -> None:
        """Ends whatever runs in the pane and wipes the screen, so that a row left by the
        previous start cannot be taken for this one's."""
        self.command("respawn-pane -k -t paint 'sleep 86400'")
        self.command("send-keys -R -t paint")
        self.command("clear-history -t paint")
        if any(seen(line) for line in self.command("capture-pane -p -t paint")):
            raise RuntimeError("the pane still shows a row after clearing it")

    def close(self) -> None:
        self.command("kill-server")
        self.client.wait(timeout=10)


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    if shutil.which("tmux") is None:
        raise SystemExit("tmuxpaint needs tmux (apt-get install -y tmux)")
    db = million_db(quick)
    zshield_seen = _first_row_matcher(db)
    bin_dir = Path(sys.executable).parent
    zshield = ([str(bin_dir / "zshield")] if (bin_dir / "zshield").exists()
               else [sys.executable, "-m", "zshield_tui"])
    apps: dict[str, tuple[list[str], Callable[[str], bool]]] = {
        "baseline": ([sys.executable, "-m", "bench.baseline_app"], lambda s: FIRST_ROW in s),
        "zshield": ([*zshield, "--db", str(db)], zshield_seen),
    }
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as scratch:
        env = isolated_env(scratch)
        env.update(COLORTERM="truecolor", PYTHONPATH=str(Path(__file__).parent.parent))
        pane = Pane(Path(scratch), env)
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
