"""Falco events: priority-based severity, nanosecond times, ATT&CK tags."""

from __future__ import annotations

import json
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


def _event(rule: str, priority: str = "Warning") -> str:
    return json.dumps({"rule": rule, "priority": priority, "time": "2026-11-24T10:00:00Z",
                       "output": "10:00:00.000000000: Warning x \u003cNA\u003e",
                       "output_fields": {"proc.aname[2]": None}, "tags": ["", "T1059"]})


def test_events_behind_a_syslog_header_are_read(tmp_path):
    # Falco's syslog output as a collector stores it: <PRI>, ISO or BSD time, host, tag.
    path = tmp_path / "falco.log"
    path.write_text(f"<5>2026-11-24T10:00:00Z a72f9a747cf8 Falco[1]: {_event('First')}\n"
                    f"Nov 24 10:00:01 web-01 falco: {_event('Second', 'Critical')}\n"
                    f"{_event('Third')}")  # a plain line too, and no trailing newline
    loaded = load(path)
    assert loaded.errors == []
    assert loaded.stream.format == "falco"
    assert [(a.title, a.severity) for a in loaded.alerts] == [
        ("First", Severity.MEDIUM), ("Second", Severity.CRITICAL), ("Third", Severity.MEDIUM)]
    assert "" not in loaded.alerts[0].tags


def test_a_broken_object_behind_a_syslog_header_is_still_invalid_json(tmp_path):
    path = tmp_path / "falco.log"
    path.write_text(f"{_event('First')}\n<5>2026-11-24T10:00:00Z h Falco[1]: {{\"rule\": \n")
    loaded = load(path)
    assert [a.title for a in loaded.alerts] == ["First"]
    assert [(e.line, e.reason.split(":")[0]) for e in loaded.errors] == [(2, "invalid JSON")]
