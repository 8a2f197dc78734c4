"""The cached benchmark data, built once and reused: native JSONL files of generated
alerts, and the databases made from them by `zshield ingest`.

Every benchmark that needs "a big database" (filter latency, first paint, RSS) calls
`million_db()`; the file is rebuilt only when missing, short of alerts, or at another
schema version. `rm -rf bench/.data` forces a rebuild (after changing the generator).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from zshield_tui.demodata import generate_alerts
from zshield_tui.store import SCHEMA_VERSION

from .report import DATA

T = TypeVar("T")

SEED = 7
# Fixed so that every build, on any day, holds the same alerts with the same ids.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FULL, QUICK = 1_000_000, 100_000


def million_db(quick: bool = False) -> Path:
    """The path of a database of 1,000,000 demo alerts (100,000 with `quick`), built if needed.

    Build details (alerts, seconds) are kept next to it in `<name>.json`; see `build_info`.
    """
    count = QUICK if quick else FULL
    path = DATA / ("alerts-100k.db" if quick else "alerts-1m.db")
    if _usable(path, count):
        return path
    _build(path, count)
    return path


def native_jsonl(count: int) -> Path:
    """`count` generated alerts as native JSONL (one `model_dump_json` a line), written
    once and reused."""
    path = DATA / f"alerts-{count // 1000}k.jsonl"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for alert in progress(generate_alerts(count, seed=SEED, now=NOW), count, path.name):
            out.write(alert.model_dump_json() + "\n")
    partial.replace(path)
    return path


def isolated_env(scratch: str) -> dict[str, str]:
    """No user config, theme or state: the first run of a new user."""
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        env[var] = os.path.join(scratch, var.lower())
    env.pop("ZSHIELD_CONFIG", None)
    env.pop("ZSHIELD_DB", None)
    return env


def build_info(path: Path) -> dict[str, object]:
    """What was recorded when `path` was built (alerts, schema_version, build_seconds)."""
    try:
        return json.loads(path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return {}


def progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yields `items` unchanged while reporting how far along they are on stderr."""
    tty = sys.stderr.isatty()
    step = max(1, total // (100 if tty else 10))
    start = time.perf_counter()
    n = 0
    for n, item in enumerate(items, 1):
        yield item
        if n % step == 0:
            rate = n / (time.perf_counter() - start)
            line = f"{label}: {n:,}/{total:,} ({rate:,.0f}/s, ~{(total - n) / rate:.0f} s left)"
            print(f"\r{line}\033[K" if tty else line, end="" if tty else "\n",
                  file=sys.stderr, flush=True)
    if tty:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _usable(path: Path, count: int) -> bool:
    if not path.exists():
        return False
    # A plain connection: Store() would migrate an old file instead of telling us its age.
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            print(f"{path.name}: schema {version}, want {SCHEMA_VERSION}; rebuilding",
                  file=sys.stderr)
            return False
        return conn.execute("SELECT count(*) FROM alert").fetchone()[0] == count
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _build(path: Path, count: int) -> None:
    # Built under a temporary name and renamed when complete, so an interrupted build is
    # never mistaken for a finished one.
    partial = path.with_name(path.name + ".partial")
    for stale in (partial, *_sidecars(partial), *_sidecars(path)):
        stale.unlink(missing_ok=True)
    jsonl = native_jsonl(count)
    print(f"building {path.name}: zshield ingest {jsonl.name}…", file=sys.stderr)
    start = time.perf_counter()
    # The command itself, as an analyst would load the file, with no config of theirs
    # (so no auto-create).
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([sys.executable, "-m", "zshield_tui", "--db", str(partial),
                               "ingest", str(jsonl)], env=isolated_env(scratch),
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"zshield ingest {jsonl} failed: {done.stderr.strip()}")
    seconds = time.perf_counter() - start
    partial.replace(path)
    info = {"alerts": count, "schema_version": SCHEMA_VERSION, "source": jsonl.name,
            "build_seconds": round(seconds, 1), "seed": SEED, "now": NOW.isoformat(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "ingest_output": done.stdout.strip()}
    path.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(f"built {path.name}: {done.stdout.strip()} in {seconds:.1f} s", file=sys.stderr)
