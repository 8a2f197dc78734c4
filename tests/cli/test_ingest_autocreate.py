"""`zshield ingest` with auto-create on: it queues the creates of the alerts it stored,
says how many per target, and leaves sending to `zshield sync` (no network here: the
targets point at a closed port). The targets are staging ones: production waits for a
staging run (tests/sync/test_staging_first.py)."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run
from tests.factories import make_alert
from zshield_tui.domain import Severity
from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW
from zshield_tui.store import Store

CONFIG = '''
[[targets]]
name = "jira-sec"
kind = "jira"
url = "http://127.0.0.1:9"
deployment = "cloud"
auth = { method = "api_token", email = "bot@example.com", token_env = "ZS_JIRA_TOKEN" }
mapping = "jira-sec.json"
staging = true
auto_create = { enabled = true, min_severity = "high" }

[[targets]]
name = "snow-sir"
kind = "servicenow"
url = "http://127.0.0.1:9"
auth = { method = "basic", username = "zshield", password_env = "ZS_SNOW_PASSWORD" }
mapping = "snow-sir.json"
staging = true
auto_create = { enabled = true, min_severity = "critical" }
'''


@pytest.fixture
def setup(env):
    (env / "jira-sec.json").write_text(EXAMPLE_JIRA)
    (env / "snow-sir.json").write_text(EXAMPLE_SNOW)
    (env / "config.toml").write_text(CONFIG)
    alerts = [make_alert(1, severity=Severity.CRITICAL), make_alert(2, severity=Severity.HIGH),
              make_alert(3, severity=Severity.MEDIUM), make_alert(4, severity=Severity.LOW)]
    path = env / "alerts.jsonl"
    path.write_text("".join(a.model_dump_json() + "\n" for a in alerts))
    return ["--config", str(env / "config.toml"), "--db", str(env / "z.db")], path


def _creates(db) -> list[tuple[str, str]]:
    with Store(db) as store:
        return sorted(store.conn.execute(
            "SELECT alert_id, target FROM outbox WHERE operation = 'create'").fetchall())


def test_ingest_queues_the_auto_creates_and_says_so(setup, capsys, env):
    base, path = setup
    code, out, err = run(capsys, *base, "ingest", str(path))
    assert code == 0, err
    assert "4 alerts (zshield): 4 new" in out
    assert "auto-create: 3 queued (jira-sec 2, snow-sir 1)" in out
    assert _creates(env / "z.db") == [("ZS-000001", "jira-sec"), ("ZS-000001", "snow-sir"),
                                      ("ZS-000002", "jira-sec")]

    code, out, _ = run(capsys, *base, "ingest", str(path))    # unchanged: nothing new
    assert code == 0 and "auto-create: 0 queued" in out
    assert len(_creates(env / "z.db")) == 3


def test_an_invalid_mapping_is_reported_and_not_queued(setup, capsys, env):
    base, path = setup
    spaced = make_alert(5, severity=Severity.HIGH, category="lateral movement")
    path.write_text(spaced.model_dump_json() + "\n")
    code, out, err = run(capsys, *base, "ingest", str(path))
    assert code == 0
    assert "auto-create: 0 queued, 1 failed" in out
    assert "auto-create: ZS-000005 on jira-sec: invalid labels:" in err
    code, out, _ = run(capsys, *base, "show", "ZS-000005", "--json")
    actions = [e["action"] for e in json.loads(out)["audit"]]
    assert actions == ["auto_create_failed"]


def test_without_auto_create_ingest_says_nothing_about_it(env, capsys):
    (env / "config.toml").write_text(CONFIG.replace("enabled = true", "enabled = false"))
    (env / "jira-sec.json").write_text(EXAMPLE_JIRA)
    (env / "snow-sir.json").write_text(EXAMPLE_SNOW)
    path = env / "a.jsonl"
    path.write_text(make_alert(1, severity=Severity.CRITICAL).model_dump_json() + "\n")
    code, out, _ = run(capsys, "--config", str(env / "config.toml"), "--db",
                       str(env / "z.db"), "ingest", str(path))
    assert code == 0 and "auto-create" not in out


def test_sync_sends_what_ingest_queued(setup, capsys, env, monkeypatch):
    from tests.loopback import served
    from tests.sync.conftest import ENV
    from zshield_tui.sim.jira import app as jira_app
    from zshield_tui.sim.jira.state import CLOUD_EMAIL
    from zshield_tui.sim.servicenow import app as snow_app

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    base, path = setup
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        text = CONFIG.replace("bot@example.com", CLOUD_EMAIL).replace(
            "zshield\"", "zshield.integration\"")
        text = text.replace("http://127.0.0.1:9", jira_url, 1).replace(
            "http://127.0.0.1:9\"", snow_url + "\"", 1)
        (env / "config.toml").write_text(text)
        assert run(capsys, *base, "ingest", str(path))[0] == 0
        assert jira.state.jira.issues == {}          # ingest itself sends nothing
        code, out, err = run(capsys, *base, "sync", "--once", "--json")
        assert code == 0, err
        assert json.loads(out)["still_queued"] == []
        code, out, err = run(capsys, *base, "sync", "--once")
        assert code == 0 and "auto-create" not in out
    assert len(jira.state.jira.issues) == 2
    assert len(snow.state.sim.state.tables["sn_si_incident"]) == 1


def test_a_reingest_with_new_evidence_queues_it_for_the_linked_ticket(setup, capsys, env):
    from zshield_tui.domain import Evidence
    from zshield_tui.store import syncrepo as repo

    base, path = setup
    alert = make_alert(3, severity=Severity.MEDIUM)   # below both thresholds
    path.write_text(alert.model_dump_json() + "\n")
    assert run(capsys, *base, "ingest", str(path))[0] == 0
    with Store(env / "z.db") as store:    # linked by an earlier push
        repo.save_ticket(store.conn, alert.id, "jira-sec", key="SEC-9", remote_id="10009",
                         url="", status="To Do", synced_state="new")
    (env / "dns.log").write_text("query evil.example\n")
    again = alert.model_copy(update={"evidence": [Evidence(name="dns.log",
                                                           path=str(env / "dns.log"))]})
    path.write_text(again.model_dump_json() + "\n")
    code, out, err = run(capsys, *base, "ingest", str(path))
    assert code == 0, err
    assert "evidence: new files for 1 ticket go out on the next sync" in out
    with Store(env / "z.db") as store:
        ops = [o for o in repo.list_ops(store.conn) if o.operation == "attach"]
    assert [(o.alert_id, o.target) for o in ops] == [(alert.id, "jira-sec")]
    assert [f["name"] for f in ops[0].payload["files"]] == ["dns.log"]
