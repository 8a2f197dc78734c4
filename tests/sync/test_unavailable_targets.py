"""A target that is down or has no usable credentials costs bounded time, leaves its ops
pending (never `running`), and never stops the other targets."""

from __future__ import annotations

import socket

from tests.factories import make_alert
from tests.loopback import served
from zshield_tui.config import load_config
from zshield_tui.connectors.jira.http import RetryPolicy as JiraRetry
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.engine import SyncEngine

from .conftest import ENV, write_config

COUNT = 40


def closed_port_url() -> str:
    """A loopback URL where nothing listens: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def _no_sleep(_: float) -> None:
    return None


def engine_for(store, tmp_path, jira_url, snow_url, env=ENV) -> SyncEngine:
    config = write_config(tmp_path, jira_url, snow_url)
    options = {"jira-sec": {"retry": JiraRetry(sleep=_no_sleep, connect_timeout=1.0)},
               "snow-sir": {"retry": SnowRetry(sleep=_no_sleep)}}
    return SyncEngine(store, load_config(config), config, env=env, options=options,
                      settle=5.0, base_delay=0.01)


def statuses(store) -> dict[str, int]:
    rows = store.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status")
    return dict(rows.fetchall())


async def test_a_target_that_refuses_connections_stops_after_the_first_wave(database, tmp_path):
    with Store(database) as store:
        alerts = [make_alert(n, assigned_analyst=None) for n in range(1, COUNT + 1)]
        upsert_alerts(store.conn, alerts, fmt="zshield")
        engine = engine_for(store, tmp_path, closed_port_url(), closed_port_url())
        engine.concurrency = 4
        _, report = await engine.push([a.id for a in alerts], "jira-sec")
        assert "cannot reach Jira" in report.stopped["jira-sec"]
        # Only the first wave (one op per slot) was tried; the rest went back untried.
        assert len(report.results) <= engine.concurrency
        assert statuses(store) == {"pending": COUNT}
        tried = store.conn.execute("SELECT count(*) FROM outbox WHERE attempts > 0")
        assert tried.fetchone()[0] <= engine.concurrency


async def test_a_missing_secret_fails_its_target_and_the_other_still_syncs(database, tmp_path):
    env = {k: v for k, v in ENV.items() if k != "ZS_JIRA_TOKEN"}
    snow = snow_app.create_app()
    with served(snow) as snow_url, Store(database) as store:
        upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        engine = engine_for(store, tmp_path, closed_port_url(), snow_url, env=env)
        _, report = await engine.push(["ZS-000001"], "jira-sec")
        assert "ZS_JIRA_TOKEN" in report.stopped["jira-sec"]
        assert statuses(store) == {"pending": 1}
        _, report = await engine.push(["ZS-000002"], "snow-sir")
        assert not report.stopped and report.done >= 1
        assert repo.ticket_for(store.conn, "ZS-000002", "snow-sir") is not None

        engine.queue_comment("ZS-000002", "seen on web-01")
        report, polled = await engine.sync_once()
        assert "ZS_JIRA_TOKEN" in report.stopped["jira-sec"]
        assert "ZS_JIRA_TOKEN" in (polled["jira-sec"].error or "")
        assert polled["snow-sir"].error is None
        assert repo.note_rows(store.conn, "ZS-000002")[0]["sync_state"] == "synced"
        assert [o.target for o in engine.pending()] == ["jira-sec"]
