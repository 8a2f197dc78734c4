"""`zshield push`, `comment`, `close --children`, `sync --once` and `show --json` against
both simulators over loopback HTTP, as a script would run them."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run
from tests.factories import make_alert
from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts


@pytest.fixture
def setup(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    db = tmp_path / "z.db"
    with Store(db) as store:
        upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        upsert_alerts(store.conn, [make_alert(n, parent_id="ZS-000001") for n in (3, 4)],
                      fmt="zshield")
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        config = write_config(tmp_path, jira_url, snow_url)
        yield ["--config", str(config), "--db", str(db)], jira, snow




def test_push_comment_close_and_show(setup, capsys):
    base, jira, snow = setup
    family = ["ZS-000001", "ZS-000003", "ZS-000004"]
    for target in ("jira-sec", "snow-sir"):
        code, out, err = run(capsys, *base, "push", *family, "--target", target, "--json")
        assert code == 0, err
        doc = json.loads(out)
        assert sorted(doc["tickets"]) == family and doc["still_queued"] == []
    assert len(jira.state.jira.issues) == 3

    code, out, _ = run(capsys, *base, "push", "ZS-000001", "--target", "jira-sec")
    assert code == 0 and "already linked" in out and len(jira.state.jira.issues) == 3

    assert run(capsys, *base, "comment", "ZS-000001", "Contained on web-01")[0] == 0
    code, out, err = run(capsys, *base, "close", "ZS-000001", "--children")
    assert code == 0, err
    assert "resolved 3 alerts; 6 ticket changes sent" in out
    assert all(i.status == "Done" for i in jira.state.jira.issues.values())

    code, out, _ = run(capsys, *base, "sync", "--once", "--json")
    assert code == 0 and json.loads(out)["still_queued"] == []
    code, out, _ = run(capsys, *base, "show", "ZS-000001", "--json")
    doc = json.loads(out)
    assert {t["target"] for t in doc["tickets"]} == {"jira-sec", "snow-sir"}
    assert all(t["key"] and t["url"] for t in doc["tickets"])
    assert [(n["origin"], n["sync_state"]) for n in doc["notes"]] == [("local", "synced")]
    assert doc["conflicts"] == []


def test_dry_run_and_unknown_target(setup, capsys):
    base, jira, _ = setup
    code, out, _ = run(capsys, *base, "push", "ZS-000002", "--target", "jira-sec",
                       "--dry-run", "--json")
    assert code == 0 and json.loads(out)["drafts"]["ZS-000002"]["fields"]["summary"]
    assert jira.state.jira.issues == {}
    code, _, err = run(capsys, *base, "push", "ZS-000002", "--target", "nope")
    assert code == 2 and "no target 'nope'" in err


def test_what_cannot_be_sent_stays_queued_and_is_reported(setup, capsys):
    base, jira, _ = setup
    jira.state.faults.update({"error_rate": 1.0})
    code, _, err = run(capsys, *base, "push", "ZS-000002", "--target", "jira-sec")
    assert code == 1 and "still queued" in err
    jira.state.faults.update({"error_rate": 0.0})
    code, out, err = run(capsys, *base, "sync", "--once")
    assert code == 0, err
    assert len(jira.state.jira.issues) == 1


def test_a_missing_secret_is_one_line_and_the_other_target_still_syncs(setup, capsys,
                                                                       monkeypatch):
    base, jira, snow = setup
    monkeypatch.delenv("ZS_JIRA_TOKEN")
    code, out, err = run(capsys, *base, "push", "ZS-000001", "--target", "jira-sec", "--json")
    assert code == 1 and "Traceback" not in err
    doc = json.loads(out)
    assert "ZS_JIRA_TOKEN" in doc["stopped"]["jira-sec"]
    assert [op["status"] for op in doc["still_queued"]] == ["pending"]
    assert run(capsys, *base, "push", "ZS-000002", "--target", "snow-sir")[0] == 0
    assert run(capsys, *base, "comment", "ZS-000002", "seen on web-02")[0] == 0

    code, out, err = run(capsys, *base, "sync", "--once")
    assert code == 1
    assert "jira-sec: environment variable ZS_JIRA_TOKEN (from auth.token_env) is not set" \
        in err
    assert "jira-sec: not polled" in out and len(jira.state.jira.issues) == 0
    monkeypatch.setenv("ZS_JIRA_TOKEN", ENV["ZS_JIRA_TOKEN"])
    code, out, err = run(capsys, *base, "sync", "--once")
    assert code == 0, out + err
    assert len(jira.state.jira.issues) == 1
