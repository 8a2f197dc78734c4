"""A flaky remote: 20% errors, bursts of 429, answers dropped after the change was made.
Nothing is lost, nothing is duplicated."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.factories import make_alert
from tests.loopback import served
from zshield_tui.config import load_config
from zshield_tui.connectors.jira.http import RetryPolicy as JiraRetry
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.targets import make_connector

from .conftest import ENV, write_config

COUNT = 30
JIRA_FAULTS = {"error_rate": 0.2, "throttle_next": 4, "retry_after": 1,
               "drop_after_change": 4, "drop_hang": 0.6, "seed": 7}
SNOW_FAULTS = {"error_rate": 0.2, "throttle_next": 4, "retry_after": 1, "drop_next": 4,
               "drop_hold": 0.6, "seed": 7}


@pytest.mark.parametrize("target", ["jira-sec", "snow-sir"])
async def test_nothing_lost_nothing_duplicated_on_a_flaky_remote(database, tmp_path, target):
    jira = jira_app.create_app(faults=JIRA_FAULTS)
    snow = snow_app.create_app(faults=SNOW_FAULTS)
    with served(jira) as jira_url, served(snow) as snow_url, Store(database) as store:
        config = write_config(tmp_path, jira_url, snow_url)
        alerts = [make_alert(n, assigned_analyst=None) for n in range(1, COUNT + 1)]
        upsert_alerts(store.conn, alerts, fmt="zshield")
        options = {"jira-sec": {"retry": JiraRetry(base_delay=0.01, read_timeout=0.3)},
                   "snow-sir": {"retry": SnowRetry(base_delay=0.01), "timeout": 0.3}}
        engine = SyncEngine(store, load_config(config), config, env=ENV, options=options,
                            settle=20.0, base_delay=0.05)
        ids = [a.id for a in alerts]
        await engine.push(ids, target)
        for alert_id in ids[:10]:
            engine.queue_comment(alert_id, f"note on {alert_id}")
        engine.queue_state(ids[0], "resolved")
        for _ in range(5):
            if not engine.pending():
                break
            await engine.sync_once()
        assert engine.pending() == []

        jira.state.faults.update({"error_rate": 0.0, "drop_after_change": 0})
        snow.state.sim.faults.update({"error_rate": 0.0, "drop_next": 0})
        keys = [repo.ticket_for(store.conn, a, target).key for a in ids]
        assert len(set(keys)) == COUNT
        async with make_connector(engine.targets[target], ENV) as remote:
            for alert_id in ids:
                assert (await remote.find_by_correlation(alert_id)) is not None
            for alert_id, key in zip(ids[:10], keys, strict=False):
                bodies = Counter(c.body for c in await remote.comments(key))
                assert bodies[f"note on {alert_id}"] == 1
        if target == "jira-sec":
            assert len(jira.state.jira.issues) == COUNT
        else:
            assert len(snow.state.sim.state.tables["sn_si_incident"]) == COUNT
