"""`zshield rules whatif` and `zshield rules show`, as an analyst runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.automation.conftest import BASE
from tests.cli.runner import run
from tests.factories import make_alert
from zshield_tui.domain import Severity
from zshield_tui.mapping.files import EXAMPLE_JIRA
from zshield_tui.store import Store, upsert_alerts


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ZSHIELD_DB", raising=False)
    config = tmp_path / "config.toml"
    (tmp_path / "stage.json").write_text(EXAMPLE_JIRA)
    config.write_text(BASE.replace('staging = true', 'staging = true\nmapping = "stage.json"'))
    now = datetime.now(UTC)
    alerts = [make_alert(n, created_at=now - timedelta(hours=n)) for n in range(1, 60)]
    with Store(tmp_path / "z.db") as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")
    return ["--config", str(config), "--db", str(tmp_path / "z.db")], alerts




def test_whatif_json_is_one_document_with_the_counts(env, capsys):
    args, alerts = env
    code, out, err = run(capsys, *args, "rules", "whatif", "--days", "2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["alerts"] == 47                       # created in the last 48 hours
    assert doc["tickets"] == sum(doc["per_day"].values()) == sum(doc["per_target"].values())
    assert len(doc["per_day"]) == 3


def test_whatif_on_a_terminal_prints_a_table_with_bars(env, capsys):
    args, _ = env
    code, out, _ = run(capsys, *args, "rules", "whatif", "--days", "3")
    assert code == 0
    assert out.startswith("What-if over 3 days: 59 alerts -> ")
    assert "#" in out and "Per target:" in out and "Mapping failures: 0" in out


def test_whatif_shows_the_targets_paused_for_staging_and_a_dry_run_does_not_unpause(
        env, capsys):
    args, _ = env
    code, out, err = run(capsys, *args, "rules", "whatif", "--target", "jira-sec", "--dry-run")
    assert code == 0, err
    assert "Paused for staging: jira-sec\n  jira-sec: no staging run on record: zshield " \
        "rules stage --target jira-sec" in out
    code, out, _ = run(capsys, *args, "rules", "whatif", "--json")
    assert json.loads(out)["paused_for_staging"] == {
        "jira-sec": "no staging run on record: zshield rules stage --target jira-sec",
        "snow-sir": "no staging_twin to stage on: set staging_twin = \"NAME\" on snow-sir, "
                    "then zshield rules stage --target snow-sir"}


def test_show_lists_auto_create_per_target_with_the_pauses(env, capsys):
    args, _ = env
    code, out, err = run(capsys, *args, "rules", "show")
    assert code == 0, err
    assert "Auto-create:\n  jira-sec: PAUSED >= high (production)\n" \
        "  jira-stage: off >= high (staging)\n  snow-sir: PAUSED >= medium (production)\n" in out
    assert "  jira-sec: no staging run on record: zshield rules stage --target jira-sec" in out
    code, out, _ = run(capsys, *args, "rules", "show", "--json")
    auto = json.loads(out)["auto_create"]["jira-sec"]
    assert auto["wanted"] and not auto["running"] and auto["paused"].startswith("no staging")


def test_whatif_usage_errors(env, capsys):
    args, _ = env
    code, _, err = run(capsys, *args, "rules", "whatif", "--target", "nope")
    assert code == 2 and "--target: no target 'nope'" in err
    code, _, err = run(capsys, *args, "rules", "whatif", "--target", "snow-sir", "--dry-run")
    assert code == 2 and "staging_twin" in err


def test_show_explains_which_rule_matched_and_who_is_on_call(env, capsys):
    args, alerts = env
    critical = next(a for a in alerts if a.severity is Severity.CRITICAL)
    code, out, err = run(capsys, *args, "rules", "show", critical.id)
    assert code == 0, err
    assert "1. critical to SOC-CRIT" in out
    assert "On call primary: " in out
    assert f"Alert {critical.id}: rule 1 'critical to SOC-CRIT': severity critical" in out
    code, out, _ = run(capsys, *args, "rules", "show", critical.id, "--json")
    doc = json.loads(out)
    assert doc["alert"]["matched"] == "critical to SOC-CRIT"
    assert doc["oncall"]["primary"]["now"].endswith("@yourorg.com")


def test_show_an_unknown_alert_fails(env, capsys):
    args, _ = env
    code, _, err = run(capsys, *args, "rules", "show", "ZS-nope")
    assert code == 1 and "no alert with id 'ZS-nope'" in err


def test_config_check_reports_rules_errors(env, capsys, tmp_path):
    args, _ = env
    bad = tmp_path / "config.toml"
    bad.write_text(BASE.replace('min_severity = "critical"', 'min_severity = "urgent"'))
    code, _, err = run(capsys, *args, "config", "check")
    assert code == 2
    assert "rules[0] (critical to SOC-CRIT).when.min_severity" in err


def test_a_failing_dry_run_names_the_alerts(env, capsys, tmp_path):
    args, _ = env
    (tmp_path / "stage.json").write_text(json.dumps({
        "project": "SOC", "issue_type": "Task",
        "field_mapping": {"summary": "{{ alert.nope.deeper }}"}}))
    code, out, _ = run(capsys, *args, "rules", "whatif", "--target", "jira-sec", "--dry-run",
                       "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["mapping_failures"] and "summary" in doc["mapping_failures"][0]["errors"]
    assert len(doc["mapping_failures"]) == doc["tickets"]
    assert "jira-sec" in doc["paused_for_staging"]
