"""`python -m bench [NAME...] [--quick] [--profile]`: runs benchmarks, prints a table, writes JSON.

Exit status 1 when any benchmark misses its target, so a script can tell.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from importlib import import_module
from pathlib import Path

from .report import Result, print_table, write_json

# name -> module with `run(quick, profile) -> list[Result]`; imported only when selected.
BENCHMARKS = {"ingest": "bench.ingest", "filter": "bench.filter",
              "paint": "bench.first_paint", "tmuxpaint": "bench.tmux_paint",
              "memory": "bench.memory",
              "mapping": "bench.mapping", "sync": "bench.sync", "follow": "bench.follow",
              "receive": "bench.receive", "live": "bench.live",
              "livefilter": "bench.livefilter", "livepg": "bench.live_pg",
              "outbox": "bench.outbox_pg", "pgfilter": "bench.pgfilter",
              "pgingest": "bench.pgingest"}
PG_BENCHMARKS = ("livepg", "outbox", "pgfilter", "pgingest")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="100k alerts instead of 1M (and a smaller ingest file)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the measured path where supported")
    parser.add_argument("--results-to", type=Path, help=argparse.SUPPRESS)  # a child's output
    args = parser.parse_args(argv)
    if unknown := [n for n in args.names if n not in BENCHMARKS]:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    if args.results_to is not None:   # the child running one benchmark
        [name] = args.names
        run: Callable[..., list[Result]] = import_module(BENCHMARKS[name]).run
        results = run(quick=args.quick, profile=args.profile)
        args.results_to.write_text(json.dumps([asdict(r) for r in results], default=str))
        return 0

    results = []
    for name in args.names or _default():
        print(f"== {name}", flush=True)
        results += _in_child(name, args.quick, args.profile)
        print(flush=True)
    print_table(results)
    print(f"\nwritten to {write_json(results, quick=args.quick)}")
    return 0 if all(r.passed for r in results) else 1


def _default() -> list[str]:
    """Every benchmark; those on PostgreSQL only when its server answers (named, they run
    and fail if it does not)."""
    from .pgdata import SERVER, reachable

    if reachable():
        return list(BENCHMARKS)
    print(f"PostgreSQL does not answer at {SERVER} (ZSHIELD_BENCH_PG): skipping "
          f"{', '.join(PG_BENCHMARKS)}", flush=True)
    return [n for n in BENCHMARKS if n not in PG_BENCHMARKS]


def _in_child(name: str, quick: bool, profile: bool) -> list[Result]:
    """Each benchmark in a process of its own: one left behind a heap of 200k parsed alerts
    (ingest) made the next one's keystrokes pay for its garbage collections."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "results.json"
        flags = [*(["--quick"] if quick else []), *(["--profile"] if profile else [])]
        subprocess.run([sys.executable, "-m", "bench", name, *flags, "--results-to", str(out)],
                       check=True)
        return [Result(**r) for r in json.loads(out.read_text())]


if __name__ == "__main__":
    sys.exit(main())
