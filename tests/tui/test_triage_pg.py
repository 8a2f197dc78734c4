"""The triage list on a PostgreSQL database: it opens, pages and filters as on SQLite,
with the same alerts for the same filter (the seeded SQLite file is the reference)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import NOW, SIZE, triage_ready
from zshield_tui.demodata import generate_alerts
from zshield_tui.store import AlertQuery, Store, parse_filter, upsert_alerts
from zshield_tui.tui.app import ZShieldApp
from zshield_tui.tui.themes import BUILTIN_DIR
from zshield_tui.tui.widgets.alert_list import AlertList


@pytest.fixture
def pg_app(pg_database, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with Store(pg_database) as store:
        upsert_alerts(store.conn, generate_alerts(400, seed=7, now=NOW), fmt="zshield")
    return ZShieldApp(pg_database, theme_dirs=(BUILTIN_DIR,), remember=False)


def _reference(seeded_db, text: str) -> list[str]:
    with Store(seeded_db) as store:
        return [r.id for r in AlertQuery(store.conn, parse_filter(text)).page(0, 400)]


@pytest.mark.parametrize("text", ["sev:>=high", "src:wazuh", "web", "tag:brute sev:>=medium"])
async def test_typing_a_filter_on_postgresql_shows_what_sqlite_shows(pg_app, seeded_db, text):
    expected = _reference(seeded_db, text)
    async with pg_app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alerts = pg_app.screen.query_one(AlertList)
        assert alerts.total == 400
        await pilot.press("slash", *text, "enter")
        await triage_ready(pilot)
        assert alerts.total == len(expected) > 0
        shown = [alerts.row_at(i).id for i in range(min(alerts.total, 40))]
        assert shown == expected[:40]
