"""SIGKILL `zshield sync` in the middle of a 200-ticket push, restart it: exactly 200
tickets, no duplicates, nothing left pending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.factories import make_alert
from tests.loopback import served
from zshield_tui.config import load_config
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.engine import SyncEngine

from .conftest import ENV, write_config

COUNT = 200


def _sync(base: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zshield_tui", *base, "sync", "--once"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_killed_sync_loses_and_duplicates_nothing(database, tmp_path):
    jira = jira_app.create_app(faults={"latency": 0.01})
    with served(jira) as jira_url, served(snow_app.create_app()) as snow_url:
        config = write_config(tmp_path, jira_url, snow_url)
        with Store(database) as store:
            alerts = [make_alert(n, assigned_analyst=None) for n in range(1, COUNT + 1)]
            upsert_alerts(store.conn, alerts, fmt="zshield")
            engine = SyncEngine(store, load_config(config), config)
            assert engine.queue_push(engine.plan_push([a.id for a in alerts], "jira-sec")) \
                == COUNT
        env = {**os.environ, **ENV, "XDG_DATA_HOME": str(tmp_path / "data"),
               "XDG_CONFIG_HOME": str(tmp_path / "config")}
        base = ["--config", str(config), "--db", str(database)]
        issues = jira.state.jira.issues

        first = _sync(base, env)
        deadline = time.monotonic() + 30
        while len(issues) < COUNT // 3:
            assert time.monotonic() < deadline and first.poll() is None, "no progress"
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert 0 < len(issues) < COUNT, "the kill must land mid-push"

        second = _sync(base, env)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 0, err.decode()

        labels = [label for i in issues.values() for label in i.fields["labels"]
                  if label.startswith("zshield-")]
        assert len(issues) == COUNT
        assert len(set(labels)) == COUNT == len(labels)
        with Store(database) as store:
            assert repo.list_ops(store.conn) == []
            rows = store.conn.execute("SELECT count(*), count(DISTINCT key) FROM ticket")
            assert rows.fetchone() == (COUNT, COUNT)
