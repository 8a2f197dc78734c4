"""`python -m bench [NAME...] [--quick] [--profile]`: runs benchmarks, prints a table, writes JSON.

Exit status 1 when any benchmark misses its target, so a script can tell.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import import_module

from .report import Result, print_table, write_json

# name -> module with `run(quick, profile) -> list[Result]`; imported only when selected.
BENCHMARKS = {"ingest": "bench.ingest", "filter": "bench.filter",
              "paint": "bench.first_paint", "memory": "bench.memory",
              "mapping": "bench.mapping", "sync": "bench.sync"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="100k alerts instead of 1M (and a smaller ingest file)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the measured path where supported")
    args = parser.parse_args(argv)
    if unknown := [n for n in args.names if n not in BENCHMARKS]:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    results: list[Result] = []
    for name in args.names or BENCHMARKS:
        run: Callable[..., list[Result]] = import_module(BENCHMARKS[name]).run
        print(f"== {name}", flush=True)
        results += run(quick=args.quick, profile=args.profile)
        print(flush=True)
    print_table(results)
    print(f"\nwritten to {write_json(results, quick=args.quick)}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
