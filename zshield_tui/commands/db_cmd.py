"""`zshield db migrate` and `zshield db copy --to URL` (DESIGN §2, team mode)."""

from __future__ import annotations

import json
import sys

from zshield_tui.domain.terminal import printable
from zshield_tui.store import SCHEMA_VERSION, Store, parse_database

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError


def migrate(ctx: Context, as_json: bool) -> int:
    """Brings the configured database to this code's schema (under PostgreSQL's advisory
    lock: two processes starting at once migrate once, the second finds nothing to do)."""
    from zshield_tui.store.db import peek_version

    before = peek_version(ctx.database)
    Store(ctx.database).close()
    if as_json:
        print(json.dumps({"database": str(ctx.database), "from": before,
                          "to": SCHEMA_VERSION}), file=ctx.out)
    elif before == SCHEMA_VERSION:
        print(f"{printable(str(ctx.database))}: at schema version {SCHEMA_VERSION}; "
              "nothing to do", file=ctx.out)
    else:
        print(f"{printable(str(ctx.database))}: schema version {before} → {SCHEMA_VERSION}",
              file=ctx.out)
    return EXIT_OK


def copy(ctx: Context, to: str, as_json: bool) -> int:
    """Copies every row of the configured database into `to`, then checks the counts."""
    from zshield_tui.store.copy import copy_database

    target = parse_database(to, password_env=ctx.config.database.password_env)
    if target == ctx.database or (target.path is not None and ctx.database.path is not None
                                  and target.path.resolve() == ctx.database.path.resolve()):
        raise UsageError(f"db copy --to {target}: that is the database being copied")
    shown = sys.stderr.isatty() and not as_json

    def progress(table: str, done: int, total: int) -> None:
        if shown:
            print(f"\r{table}: {done:,} of {total:,} rows", end="", file=sys.stderr, flush=True)

    with Store(ctx.database, create=False) as source, Store(target) as destination:
        results = copy_database(source.conn, destination.conn, progress=progress)
    if shown:
        print("\r\033[K", end="", file=sys.stderr)
    failed = [r for r in results if not r.verified]
    if as_json:
        print(json.dumps({"from": str(ctx.database), "to": str(target), "verified": not failed,
                          "tables": [{"table": r.table, "source": r.source, "copied": r.copied,
                                      "present": r.present} for r in results]}), file=ctx.out)
    else:
        for r in results:
            mark = "ok" if r.verified else "COUNT MISMATCH"
            print(f"{r.table:<20} {r.source:>10,} rows  {r.copied:>10,} copied  "
                  f"{r.present:>10,} already there  {mark}", file=ctx.out)
        verdict = "verified by counts" if not failed else \
            f"{len(failed)} tables do not add up: run the copy again"
        print(f"{printable(str(ctx.database))} → {printable(str(target))}: {verdict}",
              file=ctx.out)
    return EXIT_FAILED if failed else EXIT_OK
