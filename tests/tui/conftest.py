"""A small seeded database and an app factory for Pilot and snapshot tests."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.demodata import generate_alerts
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.app import ZShieldApp
from zshield_tui.tui.themes import BUILTIN_DIR

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SIZE = (140, 40)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "alerts.db"
    with Store(path) as store:
        upsert_alerts(store.conn, generate_alerts(400, seed=7, now=NOW), fmt="zshield")
    return path


@pytest.fixture
def make_app(seeded_db, tmp_path, monkeypatch):
    """Each test gets its own copy of the database and its own state dir."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))

    def factory(db: Path | None = None, **kwargs) -> ZShieldApp:
        copy = tmp_path / "alerts.db"
        if db is None:
            shutil.copy(seeded_db, copy)
        kwargs.setdefault("theme_dirs", (BUILTIN_DIR,))
        return ZShieldApp(db or copy, **kwargs)

    return factory


@pytest.fixture
def sims(tmp_path, monkeypatch):
    """Both simulators on loopback and a config for them: (config path, the Jira app)."""
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        yield write_config(tmp_path, jira_url, snow_url), jira


async def wait_for(pilot, condition, tries: int = 200, message=lambda: "") -> None:
    """Polls `condition` while the app runs (workers report back by message)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not reached {message()!r}")


async def palette(pilot, command: str) -> None:
    """Runs `command` from the command palette, as typed by an analyst."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)
