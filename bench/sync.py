"""Bulk close: a parent with 1,000 children, each with a ticket, closed with `--children`
semantics against each simulator with 50 ms added to every request.

Floor: Jira has no bulk transition here, so ceil(1,000 transitions / concurrency) x
50 ms; ServiceNow goes through the Batch API, so ceil(ceil(1,000 / 50 per batch) /
concurrency) x 50 ms: the simulator charges the injected latency once per HTTP request, a
batch call included (API-FACTS B10 speaks of the instance's work per item, which the
simulator does for real, not of the network). The measured time is the outbox drain
(claims, requests, commits). Target: at most 1.5x the floor. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import math
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from zshield_tui.commands.demo_cmd import write_demo_config
from zshield_tui.config import load_config
from zshield_tui.domain import Alert, Severity
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.worker import BATCH

from .report import Result

LATENCY = 0.05
CONCURRENCY = 8
TARGET = 1.5


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    children = 200 if quick else 1000
    return [asyncio.run(_one(target, children)) for target in ("jira-sec", "snow-sir")]


def _alerts(children: int) -> list[Alert]:
    start = datetime(2026, 11, 24, tzinfo=UTC)
    parent = Alert(id="BENCH-P", title="Incident: bench", severity=Severity.HIGH,
                   created_at=start)
    return [parent] + [Alert(id=f"BENCH-{n:05d}", title=f"child {n}", severity=Severity.HIGH,
                             created_at=start + timedelta(seconds=n), parent_id="BENCH-P")
                       for n in range(children)]


@contextmanager
def _snow_process() -> Iterator[str]:
    """The ServiceNow simulator in a process of its own: its table scans are O(rows) per
    write, and in this process they would be timed as ours."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen([sys.executable, "-m", "zshield_tui", "sim", "servicenow",
                             "--port", str(port)], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/_sim/faults", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def _one(target: str, children: int) -> Result:
    jira = jira_app.create_app()
    with tempfile.TemporaryDirectory() as scratch, _snow_process() as snow_url:
        folder = Path(scratch)
        # The demo's targets; Jira goes to an in-process simulator through its transport.
        config = write_demo_config(folder, "http://127.0.0.1:9001", snow_url)
        options = {"jira-sec": {"transport": httpx.ASGITransport(app=jira)}}
        with Store(folder / "bench.db") as store:
            alerts = _alerts(children)
            upsert_alerts(store.conn, alerts, fmt="zshield")
            engine = SyncEngine(store, load_config(config), config, options=options,
                                concurrency=CONCURRENCY)
            _, pushed = await engine.push([a.id for a in alerts], target)
            assert not pushed.failed, pushed.failed[:3]
            jira.state.faults.update({"latency": LATENCY})
            httpx.post(f"{snow_url}/_sim/faults", json={"latency": LATENCY})
            engine.queue_state("BENCH-P", "resolved", children=True)
            began = time.perf_counter()
            report = await engine.drain()
            took = time.perf_counter() - began
    count = children + 1
    calls = count if target == "jira-sec" else math.ceil(count / BATCH)
    # Requests in flight at once are bounded by the concurrency; a round costs one latency.
    floor = math.ceil(calls / CONCURRENCY) * LATENCY
    ratio = took / floor
    print(f"{target}: closed {report.done}/{count} in {took:.2f} s; floor {floor:.2f} s "
          f"({calls} calls x {LATENCY * 1000:.0f} ms / {CONCURRENCY}); {ratio:.2f}x",
          flush=True)
    return Result(f"sync bulk close {target}", f"{took:.2f} s", f"{floor:.2f} s floor",
                  ratio, f"<= {TARGET}x", ratio <= TARGET and report.done == count,
                  {"children": children, "done": report.done, "failed": len(report.failed),
                   "latency_ms": LATENCY * 1000, "concurrency": CONCURRENCY})
