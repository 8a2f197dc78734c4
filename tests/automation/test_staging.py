"""Staging first: a production target auto-creates only while a passing staging run of
today's mapping, rules and filters is on record in the database; the rules screen's
switch goes through the same gate. On SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.automation.conftest import BASE, config_from, record_pass
from zshield_tui.automation.staging import (
    effective_targets,
    fingerprint,
    gates,
    pause_reason,
    set_auto_create,
)
from zshield_tui.store.staging_rows import latest_run, record_staging_run


def on(conn, config, config_file) -> list[str]:
    return [t.name for t in effective_targets(conn, config, config_file)
            if t.auto_create.enabled]


def test_production_enabled_in_the_config_waits_for_a_staging_run(any_store, config,
                                                                  tmp_path):
    conn, cfg = any_store.conn, tmp_path / "config.toml"
    found = gates(conn, config, cfg)
    assert found["jira-sec"].wanted and not found["jira-sec"].active
    assert found["jira-sec"].paused == ("no staging run on record: zshield rules stage "
                                        "--target jira-sec")
    assert found["snow-sir"].paused.startswith("no staging_twin to stage on")
    assert found["jira-stage"].paused is None and not found["jira-stage"].wanted
    assert on(conn, config, cfg) == []
    record_pass(conn, config, cfg, "jira-sec")
    assert on(conn, config, cfg) == ["jira-sec"]


def test_a_failed_run_keeps_it_paused_and_names_the_problem(any_store, config, tmp_path):
    conn, cfg = any_store.conn, tmp_path / "config.toml"
    prod = config.targets[0]
    record_staging_run(conn, "jira-sec", "jira-stage", fingerprint(config, cfg, prod),
                       ok=False, tickets=[], problems=["ZS-1: customfield_10001 required"],
                       actor="ana", at=datetime.now(UTC))
    assert pause_reason(conn, config, cfg, prod) == (
        "the last staging run on jira-stage failed (ZS-1: customfield_10001 required): "
        "fix it, then zshield rules stage --target jira-sec")
    run = latest_run(conn, "jira-sec")
    assert run is not None and not run.ok and run.actor == "ana"


def test_editing_the_mapping_the_rules_or_the_filters_pauses_it_again(any_store, tmp_path):
    conn, cfg = any_store.conn, tmp_path / "config.toml"
    (tmp_path / "sec.json").write_text('{"project": "SOC"}')
    text = BASE.replace('staging_twin = "jira-stage"',
                        'staging_twin = "jira-stage"\nmapping = "sec.json"')
    config = config_from(text)
    record_pass(conn, config, cfg, "jira-sec")
    assert on(conn, config, cfg) == ["jira-sec"]
    (tmp_path / "sec.json").write_text('{"project": "SOC2"}')
    assert pause_reason(conn, config, cfg, config.targets[0]).startswith(
        "the mapping file changed since the staging run of ")
    (tmp_path / "sec.json").write_text('{"project": "SOC"}')      # back as it was staged
    assert on(conn, config, cfg) == ["jira-sec"]
    ruled = config_from(text.replace('project = "SOCCRIT"', 'project = "OPS"'))
    assert pause_reason(conn, ruled, cfg, ruled.targets[0]).startswith("its rules changed")
    filtered = config_from(text + '\n[mapping.filters.jira_priority]\ncritical = "P1"\n')
    assert pause_reason(conn, filtered, cfg, filtered.targets[0]).startswith(
        "the filters changed")
    # A rule for another target is not this target's: no pause.
    other = config_from(text.replace('group = "Malware Response"', 'group = "Other"'))
    assert pause_reason(conn, other, cfg, other.targets[0]) is None


def test_the_switch_goes_through_the_same_gate(any_store, config, tmp_path):
    conn, cfg = any_store.conn, tmp_path / "config.toml"
    verdict = set_auto_create(conn, config, cfg, "jira-sec", True, actor="ana")
    assert not verdict.allowed and "no staging run on record" in verdict.explain()
    assert set_auto_create(conn, config, cfg, "jira-sec", False, actor="ana").allowed
    assert gates(conn, config, cfg)["jira-sec"].paused is None      # off: nothing waits
    assert set_auto_create(conn, config, cfg, "jira-stage", True, actor="ana").allowed
    assert on(conn, config, cfg) == ["jira-stage"]
    record_pass(conn, config, cfg, "jira-sec")
    assert set_auto_create(conn, config, cfg, "jira-sec", True, actor="ana").allowed
    assert on(conn, config, cfg) == ["jira-sec", "jira-stage"]
    # The switch lives in the database: another process sees it.
    assert gates(conn, config, cfg)["jira-stage"].switched


def test_the_old_files_switches_are_imported_once(any_store, config, tmp_path, monkeypatch):
    conn, cfg = any_store.conn, tmp_path / "config.toml"
    old = tmp_path / "runs.json"
    monkeypatch.setenv("ZSHIELD_RUNS", str(old))
    old.write_text(json.dumps({"jira-sec": {"whatif": {"ok": True}},
                               "_auto_create": {"jira-stage": True, "jira-sec": False}}))
    found = gates(conn, config, cfg)
    assert found["jira-stage"].active and not found["jira-sec"].wanted
    assert not old.exists() and (tmp_path / "runs.json.imported").exists()
