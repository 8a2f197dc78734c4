"""Ingest rate on PostgreSQL against a plain COPY of the same rows into the same table.

Floor: json.loads each line, dump the nested values again as the table's JSON text, and
COPY the rows straight into the alert table the migrations create, with every index
(the GIN index of the `words` tsvector included, which PostgreSQL computes on every row
either way); one COPY per BATCH rows, each in its own transaction. No validation, no
upsert, no change detection. Measured: what `zshield --db postgresql://… ingest FILE`
does, i.e. `ingest.read()` streamed into `upsert_alerts` on a fresh Store (COPY into a
staging table, then the upsert: store/alerts_pg.py). Both on a fresh database on the
server on this machine, best of ROUNDS rounds, interleaved (bench/ingest.py says why).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from zshield_tui.store import Store, parse_database
from zshield_tui.store.alerts import BATCH, iso

from .data import native_jsonl
from .ingest import FULL, QUICK, ROUNDS, TARGET, _counts, _measured, _secs
from .pgdata import COLUMNS, SERVER, drop_database, fresh_database, native_rows
from .report import Result

_FLOOR_DB, _MEASURED_DB = "zshield_bench_ingest_floor", "zshield_bench_ingest"


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    count = QUICK if quick else FULL
    jsonl = native_jsonl(count)
    floors: list[float] = []
    measures: list[float] = []
    for _ in range(ROUNDS):
        floors.append(_floor(jsonl, fresh_database(_FLOOR_DB)))
        seconds, first = _measured(jsonl, fresh_database(_MEASURED_DB))
        measures.append(seconds)
    again_s, again = _measured(jsonl, parse_database(f"{SERVER}/{_MEASURED_DB}"))
    for name in (_FLOOR_DB, _MEASURED_DB):
        drop_database(name)
    floor_s, measured_s = min(floors), min(measures)
    floor_rate, measured_rate = count / floor_s, count / measured_s
    ratio = measured_rate / floor_rate
    print(f"ingest on PostgreSQL, {count:,} alerts ({jsonl.stat().st_size / 1e6:.0f} MB JSONL)")
    print(f"  floor (COPY) {floor_s:6.2f} s  {floor_rate:9,.0f} alerts/s"
          f"  (rounds: {_secs(floors)})")
    print(f"  measured     {measured_s:6.2f} s  {measured_rate:9,.0f} alerts/s"
          f"  (rounds: {_secs(measures)}; {_counts(first)})")
    print(f"  re-ingest    {again_s:6.2f} s  {count / again_s:9,.0f} alerts/s  ({_counts(again)})")
    print(f"  ratio {ratio:.2f} (target >= {TARGET:.2f}; best of {ROUNDS} rounds)")
    figures = {
        "alerts": count, "rounds": ROUNDS,
        "floor_rounds_seconds": [round(f, 3) for f in floors],
        "measured_rounds_seconds": [round(m, 3) for m in measures],
        "floor_seconds": round(floor_s, 3), "floor_alerts_per_s": round(floor_rate),
        "measured_seconds": round(measured_s, 3), "measured_alerts_per_s": round(measured_rate),
        "measured_counts": vars(first),
        "reingest_seconds": round(again_s, 3), "reingest_alerts_per_s": round(count / again_s),
        "reingest_counts": vars(again),
    }
    return [Result("pgingest", f"{measured_rate:,.0f} alerts/s",
                   f"{floor_rate:,.0f} alerts/s (COPY)", ratio, f"ratio >= {TARGET:.2f}",
                   ratio >= TARGET, figures)]


def _floor(jsonl: Path, database) -> float:
    with Store(database) as store:   # the migrations' table and indices
        raw = store.conn.raw
        start = time.perf_counter()
        with jsonl.open("rb") as lines:
            rows = native_rows(lines, iso(datetime.now(UTC)))
            while batch := list(islice(rows, BATCH)):
                with raw.transaction(), raw.cursor() as cursor, cursor.copy(
                        f"COPY alert ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
        return time.perf_counter() - start
