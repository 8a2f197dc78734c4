"""Elastic Security alerts: wrappers, flat/nested keys, threat mappings, indicators."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from zshield_tui.domain import Severity
from zshield_tui.ingest import detect_format

from .conftest import FIXTURES, SAMPLES
from .helpers import load

ENDPOINT = SAMPLES / "elastic/kibana_alert_endpoint_query_rule_8.8.0.json"
THREAT_MATCH = SAMPLES / "elastic/kibana_alert_threat_match_rule_8.1.0.json"
THREAT = FIXTURES / "elastic_threat.json"


def test_endpoint_alert_out_of_its_es_archive_wrapper():
    (alert,) = load(ENDPOINT).alerts
    assert alert.id == "elastic:eabbdefc23da981f2b74ab58b82622a97bb9878caa11bc914e2adfacc94780f1"
    assert alert.title == "Endpoint Security"  # the override field `message` is absent
    assert alert.severity is Severity.MEDIUM
    assert alert.category == "malware"
    assert alert.created_at == datetime(2023, 4, 27, 11, 3, 57, 906000, tzinfo=UTC)
    assert alert.description.startswith("malware event with process malware writer")
    # host.ip is an array here: every address is kept.
    assert [(a.hostname, a.ip) for a in alert.assets] == [
        ("Host-fwarau82er", "10.249.37.72"), ("Host-fwarau82er", "10.150.39.243"),
        ("Host-fwarau82er", "10.186.17.170")]
    # "fake file md5" is no hash: it is not passed off as one.
    assert [(i.type, i.value) for i in alert.iocs] == [("file", "C:/fake_malware.exe")]
    assert alert.mitre_technique is None
    assert alert.raw["type"] == "doc"


def test_threat_match_alert_with_a_string_host_ip():
    (alert,) = load(THREAT_MATCH).alerts
    assert alert.title == "threat-match-rule"
    assert alert.severity is Severity.LOW
    assert alert.category == "Indicator Match Rule"
    assert [(a.hostname, a.ip) for a in alert.assets] == [("security-linux-1", "11.200.0.194")]
    # The indicator matched on host.name: the matched value is the indicator.
    assert [(i.type, i.value) for i in alert.iocs] == [("hostname", "security-linux-1")]


def test_rule_threat_gives_techniques_most_specific_first():
    loaded = load(THREAT)
    assert loaded.errors == []
    alert = loaded.by_title["Suspicious PowerShell Encoded Command"]
    assert alert.mitre_technique == "T1059.001"
    assert [t for t in alert.tags if t.startswith("mitre:")] == [
        "mitre:T1059.001", "mitre:T1059", "mitre:T1027"]
    assert {"Windows", "Execution"} <= set(alert.tags)
    assert alert.severity is Severity.HIGH
    assert alert.category == "process"
    iocs = {(i.type, i.value) for i in alert.iocs}
    assert iocs == {
        ("ip", "185.220.101.4"),
        ("hash", "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c"),
        ("url", "http://payload.example.net/stage2.ps1"),
    }
    assert alert.raw["_index"].startswith(".internal.alerts-security")


def test_fully_nested_keys_and_severity_from_risk_score():
    alert = load(THREAT).by_title["Nested Layout Rule"]
    assert alert.id == "elastic:b2c3d4e5-0000-4000-8000-000000000001"
    assert alert.severity is Severity.CRITICAL  # risk 99, no severity text
    assert [(a.hostname, a.ip) for a in alert.assets] == [("db-01", "10.9.0.5"),
                                                          ("db-01", "10.9.0.6")]
    assert alert.mitre_technique is None


def test_array_records_report_their_own_start_lines(tmp_path):
    broken = THREAT.read_text().replace('"risk_score": 99', '"risk_score": 99,,')
    path = tmp_path / "broken.json"
    path.write_text(broken)
    loaded = load(path)
    assert len(loaded.alerts) == 1
    (error,) = loaded.errors
    second_start = broken.splitlines().index("  {", 2) + 1
    assert error.line == second_start
    assert "invalid JSON" in error.reason


# --- 7.x signals, search hits and responses, ECS `event.kind: alert` documents.

def _signal(**extra) -> dict:
    """A 7.x detection-engine signal (written for these tests)."""
    return {"@timestamp": "2026-11-24T10:00:05.000Z",
            "event": {"kind": "signal", "category": ["network"]},
            "host": {"name": "web-01", "ip": ["fe80::1", "10.0.0.5", "10.0.0.5"]},
            "signal": {"status": "open", "original_time": "2026-11-24T10:00:00.000Z",
                       "original_event": {"category": ["network"]},
                       "rule": {"name": "Beacon to known C2", "severity": "high",
                                "risk_score": 73, "description": "Matched an indicator.",
                                "threat": [{"technique": [{"id": "T1071"}]}]}},
            "threat": {"indicator": [{"type": "url", "url": {"full": "http://c2.example/x"},
                                      "matched": {"atomic": "c2.example",
                                                  "field": "destination.domain"}}]},
            **extra}


def _write(tmp_path, text: str):
    path = tmp_path / "alerts.json"
    path.write_text(text)
    return path


def test_a_legacy_signal_in_an_es_archive_document(tmp_path):
    doc = {"type": "doc", "value": {"id": "sig-1", "index": ".siem-signals-default-000001",
                                     "source": _signal()}}
    loaded = load(_write(tmp_path, json.dumps(doc, indent=2) + "\n\n"))
    assert loaded.stream.format == "elastic"
    [alert] = loaded.alerts
    assert alert.id == "elastic:sig-1"  # a signal has no uuid: its document id
    assert (alert.title, alert.severity) == ("Beacon to known C2", Severity.HIGH)
    assert alert.mitre_technique == "T1071"
    assert alert.description == "Matched an indicator."
    assert alert.category == "network"
    assert [a.ip for a in alert.assets] == ["fe80::1", "10.0.0.5"]  # repeats dropped
    assert {(i.type, i.value) for i in alert.iocs} == {
        ("url", "http://c2.example/x"), ("domain", "c2.example")}


def test_a_signal_without_a_rule_is_skipped(tmp_path):
    doc = {"type": "doc", "value": {"id": "1", "source": {
        "@timestamp": "2020-10-10T00:00:00.000Z", "signal": {}}}}
    loaded = load(_write(tmp_path, json.dumps(doc, indent=2)))
    assert (loaded.stream.format, loaded.alerts, loaded.errors) == ("elastic", [], [])
    assert dict(loaded.stream.skip_reasons) == {"Elastic signal without a rule": 1}


def test_search_hits_and_a_whole_search_response(tmp_path):
    hit = {"_index": ".siem-signals-default", "_id": "h-1", "_source": _signal()}
    [alert] = load(_write(tmp_path, json.dumps(hit) + "\n")).alerts
    assert (alert.id, alert.title) == ("elastic:h-1", "Beacon to known C2")
    response = {"took": 3, "hits": {"total": {"value": 2}, "hits": [
        hit, {**hit, "_id": "h-2"}]}}
    alerts = load(_write(tmp_path, json.dumps(response, indent=1))).alerts
    assert [a.id for a in alerts] == ["elastic:h-1", "elastic:h-2"]


def test_an_ecs_document_that_says_it_is_an_alert(tmp_path):
    # Nested and dotted keys side by side, as Elastic's integrations write them.
    doc = {"@timestamp": "2026-11-24T10:00:00.479Z",
           "event": {"kind": "alert", "dataset": "falco.alerts"},
           "event.category": ["process"], "event.severity": 2,
           "log": {"syslog": {"severity": {"name": "Warning"}}},
           "observer": {"product": "falco"},
           "rule": {"name": "Run shell untrusted"},
           "host": {"name": "node-1", "ip": ["192.168.1.9"]},
           "threat.technique.id": ["T1059"], "threat.technique.subtechnique.id": ["T1059.004"],
           "falco.container.mounts": None}
    loaded = load(_write(tmp_path, json.dumps(doc) + "\n"))
    assert loaded.stream.format == "elastic"
    [alert] = loaded.alerts
    assert (alert.title, alert.severity, alert.source) == (
        "Run shell untrusted", Severity.MEDIUM, "Falco (Elastic)")
    assert (alert.category, alert.mitre_technique) == ("process", "T1059.004")
    assert [(a.hostname, a.ip) for a in alert.assets] == [("node-1", "192.168.1.9")]
    assert alert.id.startswith("elastic:")


def test_an_ecs_event_that_is_no_alert_is_not_taken_for_one(tmp_path):
    doc = {"@timestamp": "2026-11-24T10:00:00Z", "event": {"kind": "event"}, "message": "x"}
    assert detect_format(doc) is None
