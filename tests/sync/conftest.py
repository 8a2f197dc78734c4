"""Both simulators in-process, two targets on them, and an engine over a fresh store: an
SQLite file, then a PostgreSQL schema (the `database` fixture), so every sync test runs on
both."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.factories import make_alert
from zshield_tui.config import load_config
from zshield_tui.connectors.jira.http import RetryPolicy as JiraRetry
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
from zshield_tui.core.simulated import write_sim_targets
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.jira.state import CLOUD_TOKEN
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.sync.engine import SyncEngine

ENV = {"ZS_JIRA_TOKEN": CLOUD_TOKEN, "ZS_SNOW_PASSWORD": "zshield"}


def write_config(folder: Path, jira_url: str, snow_url: str) -> Path:
    """The demo's two targets (jira-sec, snow-sir), secrets from ENV's names."""
    return write_sim_targets(folder, jira_url, snow_url, jira_token_env="ZS_JIRA_TOKEN",
                             snow_password_env="ZS_SNOW_PASSWORD")


async def _no_sleep(_: float) -> None:
    return None


class Sims:
    def __init__(self) -> None:
        self.jira = jira_app.create_app()
        self.snow = snow_app.create_app()

    def options(self) -> dict[str, dict]:
        return {
            "jira-sec": {"transport": httpx.ASGITransport(app=self.jira),
                         "retry": JiraRetry(sleep=_no_sleep, read_timeout=2.0)},
            "snow-sir": {"transport": httpx.ASGITransport(app=self.snow),
                         "retry": SnowRetry(base_delay=0.0, sleep=_no_sleep)},
        }


@pytest.fixture
def sims() -> Sims:
    return Sims()


@pytest.fixture
def store(database) -> Store:
    with Store(database) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(1, 11)], fmt="zshield")
        upsert_alerts(store.conn, [make_alert(n, parent_id="ZS-000001") for n in range(11, 14)],
                    fmt="zshield")
        yield store


@pytest.fixture
def engine(tmp_path, sims, store) -> SyncEngine:
    path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
    return SyncEngine(store, load_config(path), path, env=ENV, options=sims.options(),
                      settle=5.0, base_delay=0.01)
