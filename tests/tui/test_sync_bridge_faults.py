"""The open TUI's background pass: a target without its secret is shown in the status
line with the reason, and the other target keeps syncing."""

from __future__ import annotations

from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.tui.screens.ticket_actions import status_text
from zshield_tui.tui.sync_bridge import SyncBridge


def test_a_target_without_its_secret_shows_why_in_the_status_line(tmp_path, monkeypatch):
    from tests.factories import make_alert

    monkeypatch.delenv("ZS_JIRA_TOKEN", raising=False)
    monkeypatch.setenv("ZS_SNOW_PASSWORD", ENV["ZS_SNOW_PASSWORD"])
    with served(snow_app.create_app()) as snow_url, Store(tmp_path / "z.db") as store:
        upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        config = write_config(tmp_path, "http://127.0.0.1:9", snow_url)
        with repo.transaction(store.conn) as conn:
            repo.enqueue(conn, "jira-sec", "ZS-000001", "create", {"draft": {"fields": {}}})
        bridge = SyncBridge(tmp_path / "z.db", config)
        bridge.push(["ZS-000002"], "snow-sir")
        bridge.sync_once()
        line = status_text(bridge.status())
    assert "jira-sec ⟳ 1: jira-sec: environment variable ZS_JIRA" in line
    assert "snow-sir ✓" in line
