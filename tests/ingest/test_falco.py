"""Falco events: priority-based severity, nanosecond times, ATT&CK tags."""

from __future__ import annotations

from datetime import UTC, datetime

from zshield_tui.domain import Severity

from .conftest import FIXTURES, SAMPLES
from .helpers import load

SINGLE_RULE = SAMPLES / "falco/falco_json_output_single_rule.jsonl"
SIDEKICK = SAMPLES / "falco/falco_alert_ocsf_examples_raw.json"
MITRE = FIXTURES / "falco_mitre.jsonl"


def test_json_output_events():
    alerts = load(SINGLE_RULE).alerts
    first = alerts[0]
    assert first.title == "open_from_cat"
    assert first.severity is Severity.MEDIUM  # Warning
    assert first.source == "Falco"
    assert first.category == "filesystem"
    # 2016-08-04T16:17:57.881781397Z: nine fractional digits, cut to microseconds.
    assert first.created_at == datetime(2016, 8, 4, 16, 17, 57, 881781, tzinfo=UTC)
    assert [a.hostname for a in first.assets] == ["test-falco-hostname"]
    assert {"filesystem", "process", "testing"} <= set(first.tags)
    assert len({a.id for a in alerts}) == 8


def test_falcosidekick_uuid_is_the_id():
    (alert,) = load(SIDEKICK).alerts
    assert alert.id == "falco:ec834826-90c1-458a-8eec-a014e7266754"


def test_attack_tags_priorities_and_time_fallbacks():
    loaded = load(MITRE)
    assert loaded.errors == []
    shell = loaded.by_title["Terminal shell in container"]
    assert shell.severity is Severity.CRITICAL
    assert shell.mitre_technique == "T1059"
    assert "mitre:T1059" in shell.tags
    assert shell.category == "container"
    assert [a.hostname for a in shell.assets] == ["k8s-node-3", "4f9a2c1b7e3d"]

    debug = loaded.by_title["Debug rule"]
    assert debug.severity is Severity.INFORMATIONAL
    # `time` is unusable; evt.time is epoch nanoseconds.
    assert debug.created_at == datetime(2024, 7, 1, 9, 12, 44, 123456, tzinfo=UTC)
    assert [a.hostname for a in debug.assets] == ["k8s-node-3"]  # container "host" is no asset

    odd = loaded.by_title["Odd rule"]
    assert odd.severity is Severity.MEDIUM and "severity-unknown" in odd.tags
