"""`receive`: alerts per second through `zshield receive` from 4 concurrent senders, each
posting batches of 100 native alerts as JSON lines (issue 13: at least 2,000 alerts/s).

Measured: `zshield receive` as its own process on 127.0.0.1, a fresh database; 4
`httpx.AsyncClient` senders post their batches one after the other, timed from the first
post to the last 202 (a 202 comes only after the commit). Baseline, in the same run: the
same bodies through the same parsing, conversion and upsert in this process, one
transaction per body, no HTTP, no server; the ratio says what the server (HTTP, the
writer thread, its batching) costs or saves against committing each body on its own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from zshield_tui.demodata import generate_alerts
from zshield_tui.intake.receive_body import convert_records, parse_records
from zshield_tui.store import Store, upsert_alerts

from .data import NOW, SEED
from .report import Result

SENDERS = 4
PER_BATCH = 100
BATCHES = 100        # per sender: 40,000 alerts (10,000 with --quick)
QUICK_BATCHES = 25
TARGET = 2000        # alerts/s
TOKEN = "bench-receive-token"


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    batches = QUICK_BATCHES if quick else BATCHES
    bodies = _bodies(SENDERS * batches)
    total = len(bodies) * PER_BATCH
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base_s = _baseline(bodies, folder / "baseline.db")
        seconds, stderr = _measured(bodies, folder, folder / "receive.db")
        with Store(folder / "receive.db") as store:
            (stored,) = store.conn.execute("SELECT count(*) FROM alert").fetchone()
    if stored != total:
        raise RuntimeError(f"receive stored {stored:,} of {total:,} alerts:\n{stderr}")
    rate, base_rate = total / seconds, total / base_s
    print(f"receive {total:,} alerts: {SENDERS} senders x {batches} batches of {PER_BATCH}")
    print(f"  measured  {seconds:6.2f} s  {rate:9,.0f} alerts/s  (zshield receive, HTTP)")
    print(f"  baseline  {base_s:6.2f} s  {base_rate:9,.0f} alerts/s  (in process, "
          "a transaction per body)")
    print(f"  target >= {TARGET:,} alerts/s: {'met' if rate >= TARGET else 'MISSED'}")
    figures = {"alerts": total, "senders": SENDERS, "per_batch": PER_BATCH,
               "measured_seconds": round(seconds, 3), "measured_alerts_per_s": round(rate),
               "baseline_seconds": round(base_s, 3), "baseline_alerts_per_s": round(base_rate)}
    return [Result("receive", f"{rate:,.0f} alerts/s", f"{base_rate:,.0f} alerts/s",
                   rate / base_rate, f">= {TARGET:,} alerts/s", rate >= TARGET, figures)]


def _bodies(count: int) -> list[bytes]:
    alerts = [a.model_dump_json() for a in generate_alerts(count * PER_BATCH, seed=SEED,
                                                           now=NOW)]
    return ["\n".join(alerts[i:i + PER_BATCH]).encode()
            for i in range(0, len(alerts), PER_BATCH)]


def _baseline(bodies: list[bytes], db: Path) -> float:
    start = time.perf_counter()
    with Store(db) as store:
        for body in bodies:
            converted = convert_records(parse_records(body), "auto")
            upsert_alerts(store.conn, [alert for _, alert in converted.alerts], fmt="zshield")
    return time.perf_counter() - start


def _measured(bodies: list[bytes], folder: Path, db: Path) -> tuple[float, str]:
    log = folder / "receive.log"
    env = {**os.environ, "ZSHIELD_RECEIVE_TOKEN": TOKEN,
           "XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data")}
    env.pop("ZSHIELD_CONFIG", None)
    with log.open("wb") as err:
        server = subprocess.Popen([sys.executable, "-m", "zshield_tui", "--db", str(db),
                                   "receive", "--listen", "127.0.0.1:0"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        url = _url(log, server)
        seconds = asyncio.run(_send(url, bodies))
    finally:
        server.terminate()
        server.wait(timeout=60)
    return seconds, log.read_text()


def _url(log: Path, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if "listening on " in line:
                return line.split("listening on ")[1].split()[0]
        if server.poll() is not None:
            raise RuntimeError(f"zshield receive exited: {log.read_text()}")
        time.sleep(0.05)
    raise RuntimeError(f"zshield receive did not start: {log.read_text()}")


async def _send(url: str, bodies: list[bytes]) -> float:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"}

    async def sender(mine: list[bytes]) -> None:
        async with httpx.AsyncClient(headers=headers, timeout=60) as client:
            for body in mine:
                response = await client.post(f"{url}/alerts", content=body)
                if response.status_code != 202:
                    raise RuntimeError(f"{response.status_code}: {response.text}")

    start = time.perf_counter()
    await asyncio.gather(*(sender(bodies[n::SENDERS]) for n in range(SENDERS)))
    return time.perf_counter() - start
