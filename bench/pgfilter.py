"""Filter latency per keystroke on 1,000,000 alerts in PostgreSQL: bench/filter.py's
keystrokes, first pages and target, on the store's PgConnection to `zshield_bench_1m`
(bench/pgdata.py), over TCP to the server on this machine."""

from __future__ import annotations

from zshield_tui.store.db import connect

from .filter import measure
from .pgdata import build_info, pg_million_db
from .report import Result


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    database = pg_million_db(quick)
    conn = connect(database, create=False)
    conn.execute("SELECT count(*) FROM alert").fetchone()  # warm: the server's cache
    name = database.label.rsplit("/", 1)[-1]
    try:
        return measure(conn, "pgfilter", name, build_info(name).get("build_seconds"), quick)
    finally:
        conn.close()
