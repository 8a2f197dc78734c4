"""Team mode's outbox: 1,000 queued creates drained from one PostgreSQL database by one
worker, then (on a fresh database and simulator) by four, each a process of its own as
`zshield run` daemons on separate machines would be, against the ServiceNow simulator with
50 ms added to every request.

Measured: the drain, from the moment the workers (already started and connected to the
database) are told to go until the last one has nothing left. Target: four workers
at least 3x the throughput of one, and every create sent once: the simulator holds exactly
one ticket per alert (a create the simulator processes always makes a ticket, so its
tickets are its create requests).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from zshield_tui.commands.demo_cmd import write_demo_config
from zshield_tui.config import load_config
from zshield_tui.domain import Alert, Severity
from zshield_tui.store import Store
from zshield_tui.store.alerts import _row, iso
from zshield_tui.store.syncrepo import list_ops, transaction
from zshield_tui.sync.engine import SyncEngine

from .report import Result
from .sync import _snow_process

SERVER = os.environ.get("ZSHIELD_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
LATENCY = 0.05
# Each worker sends one op at a time, so that one worker waits on the remote, as against
# a real instance across a network, and what four add is what the outbox's claims let them
# share. At `zshield run`'s 8 at once, one worker on this 2-core machine is already bound
# by its own CPU and the database's (about 25 ms per create besides the remote's 100 ms),
# and four measure the cores the machine can spare, not the claims.
CONCURRENCY = 1
TARGET = 3.0
TABLE = "sn_si_incident"
_INSERT = ("INSERT INTO alert (id, title, description, severity, source, category, "
           "mitre_technique, assigned_analyst, state, created_at, parent_id, tags, assets, "
           "iocs, playbook, raw, format, ingested_at, updated_at) VALUES "
           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    ops = 200 if quick else 1000
    one = _drain(1, ops)
    four = _drain(4, ops)
    ratio = one["seconds"] / four["seconds"]
    twice = one["sent_twice"] + four["sent_twice"]
    complete = one["tickets"] == ops and four["tickets"] == ops
    print(f"1 worker: {ops} ops in {one['seconds']:.2f} s; 4 workers: {four['seconds']:.2f} s "
          f"({ratio:.2f}x); sent twice: {twice}; tickets {one['tickets']}/{four['tickets']}",
          flush=True)
    return [Result("outbox 4 workers vs 1 (PostgreSQL)", f"{ops / four['seconds']:.0f} ops/s",
                   f"{ops / one['seconds']:.0f} ops/s", ratio, f">= {TARGET}x, 0 twice",
                   ratio >= TARGET and twice == 0 and complete,
                   {"ops": ops, "latency_ms": LATENCY * 1000, "concurrency": CONCURRENCY,
                    "one": one, "four": four})]


def _drain(workers: int, ops: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as scratch, _database() as url, \
            _snow_process() as snow_url:
        config = write_demo_config(Path(scratch), "http://127.0.0.1:9", snow_url)
        with Store(url) as store:
            _queue(store, config, ops)
        httpx.post(f"{snow_url}/_sim/faults", json={"latency": LATENCY})
        command = [sys.executable, "-c", "from bench.outbox_pg import worker; worker()", url,
                   str(config), str(CONCURRENCY)]
        procs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, cwd=Path(__file__).resolve().parents[1])
                 for _ in range(workers)]
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        began = time.time()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        finished = [json.loads(proc.communicate(timeout=600)[0]) for proc in procs]
        took = max(f["at"] for f in finished) - began
        tickets = _tickets(snow_url)
    return {"seconds": took, "workers": workers, "per_worker": [f["done"] for f in finished],
            "tickets": sum(tickets.values()),
            "sent_twice": sum(n - 1 for n in tickets.values() if n > 1)}


def _queue(store: Store, config: Path, ops: int) -> None:
    """`ops` alerts, stored directly (the ingest path is measured elsewhere), each with
    its create queued as `zshield push` queues it."""
    now = datetime.now(UTC)
    alerts = [Alert(id=f"BENCH-{n:05d}", title=f"bench {n}", severity=Severity.HIGH,
                    created_at=now) for n in range(ops)]
    stamp = iso(now)
    with transaction(store.conn) as conn:
        conn.executemany(_INSERT, [_row(a, "zshield", stamp) for a in alerts])
    engine = SyncEngine(store, load_config(config), config)
    queued = engine.queue_push(engine.plan_push([a.id for a in alerts], "snow-sir"))
    assert queued == ops, queued


@contextmanager
def _database() -> Iterator[str]:
    """A database of its own on the server, dropped afterwards."""
    import psycopg

    name = f"zshield_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tickets(snow_url: str) -> Counter[str]:
    """The simulator's tickets per alert (correlation id)."""
    response = httpx.get(f"{snow_url}/api/now/table/{TABLE}",
                         params={"sysparm_fields": "correlation_id", "sysparm_limit": 10000,
                                 "sysparm_query": "correlation_idSTARTSWITHBENCH-"},
                         auth=("zshield.integration", "zshield"), timeout=60)
    response.raise_for_status()
    return Counter(r["correlation_id"] for r in response.json()["result"])


def worker() -> None:
    """One `zshield run` daemon's drain, in a process of its own: ready, wait for go,
    drain until the outbox holds nothing open, print when it finished."""
    url, config, concurrency = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    with Store(url) as store:
        engine = SyncEngine(store, load_config(config), config, concurrency=concurrency,
                            settle=1.0, base_delay=0.05)
        print("ready", flush=True)
        sys.stdin.readline()
        done = 0
        while list_ops(store.conn, ("pending", "running"), limit=1):
            report = asyncio.run(engine.drain(["snow-sir"]))
            done += report.done
            if not report.results:
                time.sleep(0.01)
        print(json.dumps({"at": time.time(), "done": done}), flush=True)
