"""`zshield run` as an operator runs it: one process follows a log, serves the intake,
auto-creates as alerts arrive, logs one JSON line per event, and stops on SIGTERM with
exit 0 and everything committed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.factories import make_alert
from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo

TOKEN = "daemon-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lines(n0: int, n1: int, prefix: str) -> str:
    return "".join(make_alert(n, id=f"{prefix}-{n}").model_dump_json() + "\n"
                   for n in range(n0, n1))


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.1)


def test_the_daemon_follows_receives_auto_creates_and_stops_cleanly(tmp_path):
    jira = jira_app.create_app()
    port = free_port()
    with served(jira) as jira_url, served(snow_app.create_app()) as snow_url:
        config = write_config(tmp_path, jira_url, snow_url)
        text = config.read_text().replace(
            'mapping = "jira-sec.json"',
            'mapping = "jira-sec.json"\nstaging = true\n'
            'auto_create = { enabled = true, min_severity = "critical" }')
        config.write_text(text + f'\n[[sources]]\nname = "native"\nfollow = "logs/*.jsonl"\n'
                          f'\n[receive]\nlisten = "127.0.0.1:{port}"\n'
                          'token_env = "ZS_RECEIVE_TOKEN"\n')
        (tmp_path / "logs").mkdir()
        db = tmp_path / "run.db"
        env = {**os.environ, **ENV, "ZS_RECEIVE_TOKEN": TOKEN,
               "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "st")}
        daemon = subprocess.Popen(
            [sys.executable, "-m", "zshield_tui", "--config", str(config), "--db", str(db),
             "run", "--interval", "2", "--log-format", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            wait_until(lambda: db.exists())
            time.sleep(1.0)
            (tmp_path / "logs" / "eve.jsonl").write_text(lines(1, 6, "FOLLOW"))
            wait_until(lambda: _count(db) == 5)
            url = f"http://127.0.0.1:{port}/alerts"
            wait_until(lambda: _answers(url.replace("/alerts", "/healthz")))
            answer = httpx.post(url, content=lines(6, 9, "PUSHED"),
                                headers={"Authorization": f"Bearer {TOKEN}",
                                         "Content-Type": "application/x-ndjson"})
            assert answer.status_code == 202 and answer.json()["accepted"] == 3
            critical = {a for a in (f"FOLLOW-{n}" for n in range(1, 6))
                        if make_alert(int(a.split("-")[1])).severity.value == "critical"} | \
                {f"PUSHED-{n}" for n in range(6, 9)
                 if make_alert(n).severity.value == "critical"}
            wait_until(lambda: _ticketed(db) == critical)
            assert _daemon(db) == f"{socket.gethostname()}:{daemon.pid}"   # TUIs see it
        except AssertionError:
            daemon.kill()
            raise AssertionError(daemon.communicate(timeout=60)[1]) from None
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, err
    events = [json.loads(line)["event"] for line in err.splitlines()]
    assert events[0] == "start" and events[-1] == "stop"
    assert {"follow", "receive", "auto-create"} <= set(events)
    assert len(jira.state.jira.issues) == len(critical)
    assert _daemon(db) is None   # stopped: an open TUI may read the sources again


def _count(db) -> int:
    with Store(db, create=False) as store:
        return store.conn.execute("SELECT count(*) FROM alert").fetchone()[0]


def _ticketed(db) -> set[str]:
    with Store(db, create=False) as store:
        return {t.alert_id for t in repo.all_tickets(store.conn)}


def _daemon(db) -> str | None:
    from zshield_tui.store import daemon as heartbeat

    with Store(db, create=False) as store:
        return heartbeat.alive(store.conn)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False
