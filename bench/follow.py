"""Sustained `zshield ingest --follow` rate, against `zshield ingest` of the same file.

Baseline: the batch path, `ingest.read(path)` streamed into `upsert_alerts` on a fresh
Store (what `zshield ingest FILE` does; bench/ingest.py measures the same). Measured: the
follow path (intake's Follower and Pump, as `zshield ingest --follow` runs them) on a
fresh Store while a writer process appends the same file in 1 MB pieces as fast as it
can: from the writer's start until the last record is committed with its checkpoint.
Also reported: following the whole file when it is already there (catch-up).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from zshield_tui.intake.batch import Batch
from zshield_tui.intake.follow import Follower
from zshield_tui.intake.pump import Pump
from zshield_tui.store import Store

from .data import native_jsonl
from .ingest import _fresh, _measured
from .report import DATA, Result

FULL, QUICK = 200_000, 50_000
TARGET = 0.50
ROUNDS = 2

_WRITER = """
import sys, time
source, target = sys.argv[1], sys.argv[2]
with open(source, "rb") as src, open(target, "ab", buffering=0) as out:
    while piece := src.read(1 << 20):
        out.write(piece)
"""


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    count = QUICK if quick else FULL
    jsonl = _head(native_jsonl(count), count)
    batches: list[float] = []
    lives: list[float] = []
    for _ in range(ROUNDS):   # interleaved, best of each: the machine is shared
        batches.append(_measured(jsonl, _fresh(DATA / "follow-batch.db"))[0])
        lives.append(_follow(jsonl, _fresh(DATA / "follow-live.db"), count, live=True))
    catch_up = _follow(jsonl, _fresh(DATA / "follow-catchup.db"), count, live=False)
    for name in ("follow-batch.db", "follow-live.db", "follow-catchup.db", "follow.jsonl"):
        _fresh(DATA / name)
    batch_s, live_s = min(batches), min(lives)
    batch_rate, live_rate = count / batch_s, count / live_s
    ratio = live_rate / batch_rate
    print(f"follow {count:,} alerts ({jsonl.stat().st_size / 1e6:.0f} MB JSONL)")
    print(f"  zshield ingest       {batch_s:6.2f} s  {batch_rate:9,.0f} alerts/s  "
          f"(rounds: {_secs(batches)})")
    print(f"  --follow, live       {live_s:6.2f} s  {live_rate:9,.0f} alerts/s  "
          f"(rounds: {_secs(lives)})")
    print(f"  --follow, catch-up   {catch_up:6.2f} s  {count / catch_up:9,.0f} alerts/s")
    print(f"  ratio {ratio:.2f} (target >= {TARGET:.2f}; best of {ROUNDS} rounds)")
    figures = {
        "alerts": count, "rounds": ROUNDS, "jsonl_bytes": jsonl.stat().st_size,
        "batch_rounds_seconds": [round(b, 3) for b in batches],
        "live_rounds_seconds": [round(v, 3) for v in lives],
        "batch_alerts_per_s": round(batch_rate), "live_alerts_per_s": round(live_rate),
        "catch_up_seconds": round(catch_up, 3), "catch_up_alerts_per_s": round(count / catch_up),
    }
    return [Result("follow", f"{live_rate:,.0f} alerts/s", f"{batch_rate:,.0f} alerts/s",
                   ratio, f"ratio >= {TARGET:.2f}", ratio >= TARGET, figures)]


def _head(source: Path, count: int) -> Path:
    """The generated file cut to `count` lines (the cached files come in fixed sizes)."""
    if source.name == f"alerts-{count // 1000}k.jsonl":
        return source
    target = DATA / "follow.jsonl"
    with source.open("rb") as src, target.open("wb") as out:
        for _, row in zip(range(count), src, strict=False):
            out.write(row)
    return target


def _follow(jsonl: Path, db: Path, count: int, *, live: bool) -> float:
    """Seconds until `count` alerts of `jsonl` are committed by the follow path; with
    `live`, the file is written by another process meanwhile."""
    followed = DATA / "follow-live.jsonl"
    followed.unlink(missing_ok=True)
    stored = 0

    def committed(batch: Batch) -> None:
        nonlocal stored
        stored += sum(s.counts.get("inserted", 0) for s in batch.files.values())

    start = time.perf_counter()
    if live:
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(jsonl), str(followed)])
    else:
        followed.symlink_to(jsonl)
    with Store(db) as store:
        follower = Follower([str(followed)], "auto", {}, say=lambda _text: None)
        Pump(store.conn, follower, committed).run(stop=lambda: stored >= count)
        follower.close()
    elapsed = time.perf_counter() - start
    if live:
        writer.wait()
    followed.unlink(missing_ok=True)
    if stored != count:
        raise RuntimeError(f"followed {stored:,} alerts, expected {count:,}")
    return elapsed


def _secs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f} s" for v in values)
