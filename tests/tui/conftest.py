"""A small seeded database and an app factory for Pilot and snapshot tests."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zshield_tui.demodata import generate_alerts
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
