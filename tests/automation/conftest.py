"""Configs for the automation tests, written as an analyst would write config.toml."""

from __future__ import annotations

import tomllib

import pytest

from zshield_tui.config import Config

BASE = """
[[targets]]
name = "jira-sec"
kind = "jira"
url = "https://yourorg.atlassian.net"
deployment = "cloud"
auth = { method = "api_token", email = "bot@yourorg.com", token_env = "T" }
auto_create = { enabled = true, min_severity = "high" }
staging_twin = "jira-stage"

[[targets]]
name = "jira-stage"
kind = "jira"
url = "http://127.0.0.1:8081"
deployment = "cloud"
auth = { method = "api_token", email = "bot@yourorg.com", token_env = "T" }
staging = true

[[targets]]
name = "snow-sir"
kind = "servicenow"
url = "https://yourorg.service-now.com"
auth = { method = "basic", username = "zshield", password_env = "P" }
auto_create = { enabled = true, min_severity = "medium" }

[[rules]]
name = "critical to SOC-CRIT"
when = { min_severity = "critical" }
then = { target = "jira-sec", project = "SOCCRIT", assign = "oncall:primary" }

[[rules]]
name = "malware to the SIR group"
when = { category = "malware" }
then = { target = "snow-sir", group = "Malware Response", assign = "asset_owner" }

[[rules]]
name = "EDR by category"
when = { source = "EDR", min_severity = "medium" }
[rules.then]
target = "jira-sec"
project = "SOC"
assign = "category"
assign_by_category = { execution = "exec-team@yourorg.com" }

[oncall.primary]
members = ["ana@yourorg.com", "bo@yourorg.com", "cy@yourorg.com"]
rotation = "weekly"
start = 2026-11-23T09:00:00Z

[escalation]
unacknowledged_after = "30m"
[escalation.action]
raise_priority = true
assign = "oncall:primary"
comment = "Escalated: unacknowledged for {{ age }}"
"""


def config_from(text: str) -> Config:
    return Config.model_validate(tomllib.loads(text))


@pytest.fixture
def config() -> Config:
    return config_from(BASE)


def record_pass(conn, config: Config, config_file, name: str) -> None:
    """A passing staging run of `name` on record for the config as it is now."""
    from datetime import UTC, datetime

    from zshield_tui.automation.staging import fingerprint
    from zshield_tui.store.staging_rows import record_staging_run

    target = next(t for t in config.targets if t.name == name)
    record_staging_run(conn, name, target.staging_twin or "", fingerprint(
        config, config_file, target), ok=True, tickets=[], problems=[], actor="test",
        at=datetime.now(UTC))
