"""Ingest rate of native JSONL, against the fastest honest way to put it into SQLite.

Floor: json.loads each line and executemany the values into the product's own tables, as
the migrations create them (the alert table with every index, the FTS table), then the
batch's FTS rows with the store's own `FTS_INDEX_NEW`; no validation, no upsert, no
change detection. Measured: `zshield ingest` itself, i.e. `ingest.read()` streamed into
`upsert_alerts` on a fresh Store. Both open their file with the store's `connect()` (WAL,
synchronous=NORMAL, the same page cache) and commit every `BATCH` rows.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from zshield_tui.domain import Alert, Severity
from zshield_tui.ingest import RecordError, read
from zshield_tui.store import Store, UpsertCounts, upsert_alerts
from zshield_tui.store.alerts import BATCH, iso
from zshield_tui.store.db import connect
from zshield_tui.store.schema import FTS_INDEX_NEW

from .data import native_jsonl
from .report import DATA, Result

FULL, QUICK = 1_000_000, 50_000
TARGET = 0.50
ROUNDS = 2

_RANK = {s.value: s.rank for s in Severity}
_JSON_COLUMNS = ("tags", "assets", "iocs", "playbook", "raw")
# The floor's row, in the table's column order (checked against the schema at run time).
_FLOOR_COLUMNS = ("id", "title", "description", "severity", "source", "category",
                  "mitre_technique", "assigned_analyst", "state", "created_at", "parent_id",
                  *_JSON_COLUMNS, "format", "ingested_at", "updated_at")


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    count = QUICK if quick else FULL
    jsonl = native_jsonl(count)
    # Best of ROUNDS, interleaved, so that a burst of disk or CPU noise on this shared
    # machine hits neither side alone; the floor swings by 20 % from run to run otherwise.
    floors: list[float] = []
    measures: list[float] = []
    target_db = DATA / "ingest-measured.db"
    for _ in range(ROUNDS):
        floors.append(_floor(jsonl, _fresh(DATA / "ingest-floor.db")))
        seconds, first = _measured(jsonl, _fresh(target_db))
        measures.append(seconds)
    again_s, again = _measured(jsonl, target_db)
    floor_s, measured_s = min(floors), min(measures)

    floor_rate, measured_rate = count / floor_s, count / measured_s
    ratio = measured_rate / floor_rate
    print(f"ingest {count:,} alerts ({jsonl.stat().st_size / 1e6:.0f} MB JSONL)")
    print(f"  floor     {floor_s:6.2f} s  {floor_rate:9,.0f} alerts/s  (rounds: {_secs(floors)})")
    print(f"  measured  {measured_s:6.2f} s  {measured_rate:9,.0f} alerts/s"
          f"  (rounds: {_secs(measures)}; {_counts(first)})")
    print(f"  re-ingest {again_s:6.2f} s  {count / again_s:9,.0f} alerts/s  ({_counts(again)})")
    print(f"  ratio {ratio:.2f} (target >= {TARGET:.2f}; best of {ROUNDS} rounds)")
    if profile:
        _profile(jsonl, _fresh(DATA / "ingest-profile.db"))
    for name in ("ingest-floor.db", "ingest-measured.db", "ingest-profile.db"):
        _fresh(DATA / name)  # hundreds of MB each, and never reused
    figures = {
        "alerts": count, "rounds": ROUNDS, "jsonl_bytes": jsonl.stat().st_size,
        "floor_rounds_seconds": [round(f, 3) for f in floors],
        "measured_rounds_seconds": [round(m, 3) for m in measures],
        "floor_seconds": round(floor_s, 3), "floor_alerts_per_s": round(floor_rate),
        "measured_seconds": round(measured_s, 3), "measured_alerts_per_s": round(measured_rate),
        "measured_counts": vars(first),
        "reingest_seconds": round(again_s, 3), "reingest_alerts_per_s": round(count / again_s),
        "reingest_counts": vars(again),
    }
    return [Result("ingest", f"{measured_rate:,.0f} alerts/s", f"{floor_rate:,.0f} alerts/s",
                   ratio, f"ratio >= {TARGET:.2f}", ratio >= TARGET, figures)]


def _secs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f} s" for v in values)


def _counts(counts: UpsertCounts) -> str:
    return f"{counts.inserted:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged"


def _fresh(path: Path) -> Path:
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        path.with_name(name).unlink(missing_ok=True)
    return path


def _floor(jsonl: Path, db: Path) -> float:
    conn = connect(db)   # the store's schema and pragmas, so only the work differs
    columns = [r[1] for r in conn.execute("PRAGMA table_info(alert)") if r[1] != "seq"]
    if tuple(columns) != _FLOOR_COLUMNS:
        raise RuntimeError(f"the alert table's columns changed; update _FLOOR_COLUMNS: {columns}")
    insert = (f"INSERT INTO alert ({', '.join(columns)}) "
              f"VALUES ({', '.join('?' * len(columns))})")
    start = time.perf_counter()
    with jsonl.open("rb") as lines:
        rows = _floor_rows(lines, iso(datetime.now(UTC)))
        while batch := list(islice(rows, BATCH)):
            conn.execute("BEGIN IMMEDIATE")
            (before,) = conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()
            conn.executemany(insert, batch)
            conn.execute(FTS_INDEX_NEW.format(after=before))
            conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _floor_rows(lines, now: str) -> Iterator[tuple]:
    # A native dump carries every field, so no defaults are needed. Nested values are stored
    # as JSON text, so dumping them again is part of any honest floor.
    loads, dumps = json.loads, json.dumps
    for line in lines:
        r = loads(line)
        yield (r["id"], r["title"], r["description"], _RANK[r["severity"]], r["source"],
               r["category"], r["mitre_technique"], r["assigned_analyst"], r["state"],
               r["created_at"], r["parent_id"],
               *(dumps(r[c], separators=(",", ":")) for c in _JSON_COLUMNS),
               "zshield", now, now)


def _measured(jsonl: Path, db: Path) -> tuple[float, UpsertCounts]:
    """What `zshield ingest FILE` does, opening the store included."""
    start = time.perf_counter()
    with Store(db) as store:
        stream = read(str(jsonl))
        errors: list[RecordError] = []
        counts = upsert_alerts(store.conn, _alerts(stream, errors), fmt=stream.format)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} records failed to convert, first: {errors[0]}")
    return elapsed, counts


def _alerts(stream, errors: list[RecordError]) -> Iterator[Alert]:
    for item in stream:
        if isinstance(item, RecordError):
            errors.append(item)
        else:
            yield item


def _profile(jsonl: Path, db: Path) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(_measured, jsonl, db)
    print("\nprofile of the measured ingest (top 25, cumulative):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
