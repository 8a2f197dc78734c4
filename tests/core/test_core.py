"""The application core as both the CLI and the TUI use it: each change sends to the
targets it was queued for, a target it cannot use is reported and shown, and the config
is read again only when its file changes."""

from __future__ import annotations

import os

import pytest

from tests.factories import make_alert
from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.core import Core
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.tui.screens.ticket_screen import status_text


@pytest.fixture
def db(tmp_path):
    with Store(tmp_path / "z.db") as store:
        upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        upsert_alerts(store.conn, [make_alert(3, parent_id="ZS-000001")], fmt="zshield")
    return tmp_path / "z.db"


def test_a_target_without_its_secret_shows_why_in_the_status_line(tmp_path, db, monkeypatch):
    monkeypatch.delenv("ZS_JIRA_TOKEN", raising=False)
    monkeypatch.setenv("ZS_SNOW_PASSWORD", ENV["ZS_SNOW_PASSWORD"])
    with served(snow_app.create_app()) as snow_url:
        config = write_config(tmp_path, "http://127.0.0.1:9", snow_url)
        with Store(db) as store, repo.transaction(store.conn) as conn:
            repo.enqueue(conn, "jira-sec", "ZS-000001", "create", {"draft": {"fields": {}}})
        core = Core(config, db)
        core.push(["ZS-000002"], "snow-sir")
        result = core.sync_once(settle=0.0)
        line = status_text(core.status())
    assert "ZS_JIRA_TOKEN" in result.sent.stopped["jira-sec"]
    assert "jira-sec ⟳ 1: jira-sec: environment variable ZS_JIRA" in line
    assert "snow-sir ✓" in line


def test_a_note_and_a_resolve_send_only_to_the_targets_they_queued_for(tmp_path, db):
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        core = Core(write_config(tmp_path, jira_url, snow_url), db, env=ENV)
        assert core.push(["ZS-000001", "ZS-000003"], "jira-sec").tickets.keys() == \
            {"ZS-000001", "ZS-000003"}
        # Another target's backlog is not this change's business.
        with Store(db) as store, repo.transaction(store.conn) as conn:
            repo.enqueue(conn, "snow-sir", "ZS-000002", "create", {"draft": {}})
        note = core.add_note(["ZS-000001"], "contained")
        assert note.sent.targets == ["jira-sec"] and note.sent.done == 1
        assert note.sent.still_queued == []
        resolved = core.resolve(["ZS-000001"], children=True)
        assert resolved.resolved == ["ZS-000001", "ZS-000003"]
        assert resolved.sent.targets == ["jira-sec"] and resolved.sent.done == 2
        assert [o.target for o in core.outbox()] == ["snow-sir"]


def test_an_unknown_alert_changes_nothing(tmp_path, db):
    core = Core(write_config(tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9"), db,
                env=ENV)
    with pytest.raises(KeyError):
        core.add_note(["ZS-000001", "NOPE"], "x")
    with Store(db) as store:
        assert repo.note_rows(store.conn, "ZS-000001") == []


def test_the_config_is_read_again_only_when_its_file_changes(tmp_path, db):
    config = write_config(tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9")
    core = Core(config, db, env=ENV)
    first = core.config
    assert core.config is first
    text = config.read_text().replace('name = "snow-sir"', 'name = "snow-prod"')
    config.write_text(text)
    stamp = os.stat(config)
    os.utime(config, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    assert core.config is not first
    assert core.target_names() == ["jira-sec", "snow-prod"]
