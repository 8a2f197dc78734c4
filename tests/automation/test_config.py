"""`zshield config check` catches every wrong rules, on-call or escalation value, and the
message names the field the analyst has to fix."""

from __future__ import annotations

import pytest

from zshield_tui.config import ConfigError, load_config

from .conftest import BASE


def check(tmp_path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def test_the_documented_example_loads(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(BASE)
    config = load_config(path)
    assert [r.name for r in config.rules][0] == "critical to SOC-CRIT"
    assert config.oncall["primary"].rotation == "weekly"
    assert config.escalation.window.total_seconds() == 1800


def test_a_misspelt_condition_names_the_rule_and_the_field(tmp_path):
    text = BASE.replace('when = { category = "malware" }', 'when = { catgory = "malware" }')
    message = check(tmp_path, text)
    assert "rules[1] (malware to the SIR group).when.catgory: Extra inputs" in message


def test_a_bad_severity_names_the_field(tmp_path):
    text = BASE.replace('when = { min_severity = "critical" }', 'when = { min_severity = "crit" }')
    assert "rules[0] (critical to SOC-CRIT).when.min_severity" in check(tmp_path, text)


def test_a_rule_routing_to_an_unknown_target_is_refused(tmp_path):
    text = BASE.replace('target = "snow-sir", group', 'target = "snow-sri", group')
    message = check(tmp_path, text)
    assert "rules[1] (malware to the SIR group).then.target: no target 'snow-sri'" in message


def test_an_unknown_rotation_is_refused_where_it_is_used(tmp_path):
    text = BASE.replace('assign = "oncall:primary"\ncomment',
                        'assign = "oncall:secondary"\ncomment')
    message = check(tmp_path, text)
    assert "escalation.action.assign: no on-call rotation 'secondary'" in message
    assert "[oncall.secondary]" in message


def test_a_bad_time_zone_suggests_the_right_spelling(tmp_path):
    text = BASE.replace('rotation = "weekly"', 'rotation = "weekly"\ntimezone = "europe/berlin"')
    message = check(tmp_path, text)
    assert "oncall.primary.timezone: unknown time zone 'europe/berlin'" in message
    assert "did you mean Europe/Berlin" in message


def test_a_bad_rotation_and_empty_members_are_named(tmp_path):
    text = BASE.replace('rotation = "weekly"', 'rotation = "fortnightly"')
    assert "oncall.primary.rotation" in check(tmp_path, text)
    text = BASE.replace('members = ["ana@yourorg.com", "bo@yourorg.com", "cy@yourorg.com"]',
                        "members = []")
    assert "oncall.primary.members" in check(tmp_path, text)


def test_a_bad_escalation_window_says_how_to_write_one(tmp_path):
    text = BASE.replace('unacknowledged_after = "30m"', 'unacknowledged_after = "half an hour"')
    message = check(tmp_path, text)
    assert "escalation.unacknowledged_after" in message
    assert "s, m, h or d (e.g. 30m)" in message


def test_an_unknown_staging_twin_is_refused(tmp_path):
    text = BASE.replace('staging_twin = "jira-stage"', 'staging_twin = "jira-stg"')
    assert "targets[0] (jira-sec).staging_twin: no target 'jira-stg'" in check(tmp_path, text)


def test_an_empty_oncall_assign_is_refused(tmp_path):
    text = BASE.replace('assign = "oncall:primary" }', 'assign = "oncall:" }')
    assert "rules[0] (critical to SOC-CRIT).then.assign" in check(tmp_path, text)
