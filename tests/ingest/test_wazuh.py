"""Wazuh: level-based severity, MITRE ids, envelopes, and the "{timestamp}" placeholder."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from zshield_tui.domain import Severity

from .conftest import SAMPLES
from .helpers import load

GENERATOR = SAMPLES / "wazuh/wazuh_alerts_eventsgen_subset.jsonl"
LOGSTASH = SAMPLES / "wazuh/wazuh_alerts_logstash_envelope_subset.jsonl"
INDEXER = SAMPLES / "wazuh/wazuh_indexer_hit_shellshock.json"


def expected_severity(level: int) -> Severity:
    if level >= 15:
        return Severity.CRITICAL
    if level >= 12:
        return Severity.HIGH
    if level >= 7:
        return Severity.MEDIUM
    if level >= 4:
        return Severity.LOW
    return Severity.INFORMATIONAL


def test_levels_map_to_the_severity_table():
    alerts = load(GENERATOR).alerts
    for alert in alerts:
        assert alert.severity is expected_severity(int(alert.raw["rule"]["level"]))
    assert {a.severity for a in alerts} >= {Severity.HIGH, Severity.MEDIUM, Severity.LOW,
                                             Severity.INFORMATIONAL}


def test_placeholder_timestamps_fall_back_to_the_ingest_time():
    before = datetime.now(UTC)
    alerts = load(GENERATOR).alerts
    after = datetime.now(UTC)
    assert all(a.raw["timestamp"] == "{timestamp}" for a in alerts)
    assert all(before <= a.created_at <= after for a in alerts)
    assert all("time-unknown" in a.tags for a in alerts)


def test_generator_mitre_ids_and_groups():
    alerts = load(GENERATOR).alerts
    with_mitre = [a for a in alerts if "mitre" in a.raw["rule"]]
    assert len(with_mitre) == 90  # README §4
    for alert in with_mitre:
        ids = alert.raw["rule"]["mitre"]["id"]
        assert alert.mitre_technique == ids[0]
        assert {f"mitre:{i}" for i in ids} <= set(alert.tags)
    syscheck = alerts[0]
    assert syscheck.category == "syscheck"  # the most specific group
    assert [(a.hostname, a.ip) for a in syscheck.assets] == [("Ubuntu", "47.204.15.21")]


def test_logstash_envelope_sshd_login():
    loaded = load(LOGSTASH)
    login = next(a for a in loaded.alerts if a.raw["_source"]["rule"]["id"] == "5715")
    assert login.title == "sshd: authentication success."
    assert login.mitre_technique == "T1078"
    assert {"mitre:T1078", "mitre:T1021"} <= set(login.tags)
    assert login.severity is Severity.INFORMATIONAL  # level 3
    # Inner timestamp 2024-02-15T16:07:34.606-0300, not Logstash's processing time.
    assert login.created_at == datetime(2024, 2, 15, 19, 7, 34, 606000, tzinfo=UTC)
    assert ("ubuntu2204", None) in [(a.hostname, a.ip) for a in login.assets]
    assert "192.168.83.175" in [a.ip for a in login.assets]
    assert "Accepted publickey for root" in login.description
    assert login.raw["@version"] == "1"  # raw keeps the whole envelope


def test_vulnerability_alert_is_tagged_with_its_cve():
    alerts = load(LOGSTASH).alerts
    vuln = next(a for a in alerts if a.category == "vulnerability-detector")
    assert "cve:CVE-2007-4559" in vuln.tags


def test_indexer_hit_keeps_an_invalid_address_as_text():
    (alert,) = load(INDEXER).alerts
    assert alert.title == "Shellshock attack attempt"
    assert alert.severity is Severity.LOW  # level 6
    assert alert.mitre_technique == "T1068"
    assert "mitre:T1190" in alert.tags
    assert alert.created_at == datetime(2024, 2, 8, 14, 35, 14, 334000, tzinfo=UTC)
    assert [(a.hostname, a.ip) for a in alert.assets] == [("redacted.com", None),
                                                          (None, "000.111.222.10")]


def test_the_same_alert_bare_or_wrapped_gets_the_same_id(tmp_path):
    line = LOGSTASH.read_text().splitlines()[1]
    bare = tmp_path / "alerts.json"
    bare.write_text(json.dumps(json.loads(line)["_source"]) + "\n")
    wrapped = tmp_path / "logstash.json"
    wrapped.write_text(line + "\n")
    assert load(bare).alerts[0].id == load(wrapped).alerts[0].id


def test_placeholder_time_falls_back_to_another_time_field(tmp_path):
    record = json.loads(GENERATOR.read_text().splitlines()[0])
    record["@timestamp"] = "2024-02-15T19:05:11.486Z"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record))
    (alert,) = load(path).alerts
    assert alert.created_at == datetime(2024, 2, 15, 19, 5, 11, 486000, tzinfo=UTC)
    assert "time-unknown" not in alert.tags


def test_a_record_without_a_rule_is_a_record_error(tmp_path):
    path = tmp_path / "alerts.json"
    good = GENERATOR.read_text().splitlines()[0]
    path.write_text(good + "\n" + '{"agent": {"name": "x"}, "rule": "oops"}\n')
    loaded = load(path)
    assert len(loaded.alerts) == 1
    assert [str(e) for e in loaded.errors] == [f"{path}:2: rule: missing or not an object"]


# --- Wazuh 5 engine output: ECS-shaped, no rule id or level.

def _engine5(**extra) -> dict:
    """An event as the Wazuh 5 engine writes it (written for these tests)."""
    return {"@timestamp": "2026-11-24T10:00:00Z",
            "event": {"kind": "event", "risk_score": 73, "category": ["process"],
                      "original": "<Event>...</Event>"},
            "agent": {"name": "wazuh-agent-1", "id": "001"},
            "host": {"name": "WIN-01"},
            "wazuh": {"decoders": ["windows-event"], "location": "EventChannel"},
            "rule": {"name": "Encoded PowerShell", "description": "PowerShell ran -enc"},
            "threat": {"technique": {"id": ["T1059"],
                                     "subtechnique": {"id": ["T1059.001"]}}},
            "process": {"hash": ["SHA256=" + "AB" * 32, "IMPHASH=" + "CD" * 16]},
            **extra}


def test_a_wazuh_5_event_that_matched_a_rule_is_an_alert(tmp_path):
    path = tmp_path / "engine.json"
    path.write_text(json.dumps([_engine5()]))
    loaded = load(path)
    assert loaded.stream.format == "wazuh"
    [alert] = loaded.alerts
    assert (alert.title, alert.severity, alert.category) == (
        "Encoded PowerShell", Severity.HIGH, "process")  # risk score 73
    assert alert.mitre_technique == "T1059.001"
    assert alert.description == "PowerShell ran -enc"
    assert alert.created_at == datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert [a.hostname for a in alert.assets] == ["WIN-01"]
    assert [(i.type, i.value) for i in alert.iocs] == [("hash", "ab" * 32)]


def test_a_named_severity_wins_over_the_risk_score(tmp_path):
    path = tmp_path / "engine.json"
    path.write_text(json.dumps(_engine5(vulnerability={"severity": "medium"})))
    [alert] = load(path).alerts
    assert alert.severity is Severity.MEDIUM


def test_a_wazuh_5_event_without_a_rule_is_skipped(tmp_path):
    event = _engine5()
    del event["rule"]
    path = tmp_path / "engine.json"
    path.write_text(json.dumps(event) + "\n" + json.dumps(_engine5()) + "\n")
    loaded = load(path)
    assert len(loaded.alerts) == 1 and loaded.errors == []
    assert dict(loaded.stream.skip_reasons) == {"Wazuh event that matched no rule": 1}
