"""OCSF findings: both generations, the severity_id escape hatches, time units, attacks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from zshield_tui.domain import Severity

from .conftest import FIXTURES, SAMPLES
from .helpers import load

OCSF = SAMPLES / "ocsf"
ATTACKS = FIXTURES / "ocsf_attacks.jsonl"


def one(name: str):
    (alert,) = load(OCSF / name).alerts
    return alert


def test_okta_unknown_severity_is_defaulted_and_flagged():
    alert = one("detection_finding_2004_okta_v1.3.0.json")
    assert alert.id == "ocsf:dc9fd3c0-598c-11ef-8478-2b7584bf8d5a"
    assert alert.title == "Login Failures"
    assert alert.severity is Severity.MEDIUM
    assert "severity-unknown" in alert.tags
    assert alert.description == "Request from suspicious actor"  # no finding desc
    assert alert.source == "Okta System Log"
    # `time` is in epoch seconds here (1723564700), not the spec's milliseconds.
    assert alert.created_at == datetime(2024, 8, 13, 15, 58, 20, tzinfo=UTC)
    assert ("ip", "10.0.0.1") in {(i.type, i.value) for i in alert.iocs}


def test_prowler_time_without_a_zone_is_utc():
    alert = one("detection_finding_2004_prowler_v1.3.0.json")
    assert alert.severity is Severity.HIGH
    assert alert.created_at == datetime(2024, 10, 4, 9, 49, 2, 698985, tzinfo=UTC)
    assert alert.category == "Data Protection"
    assert alert.assets[0].hostname.startswith("arn:aws:acm:eu-west-1:")


def test_qradar_without_severity_id_reads_no_caption_and_defaults():
    alert = one("security_finding_2001_qradar_offense.json")
    assert alert.id == "ocsf:591"
    assert alert.title == "BLEEDING-EDGE DOS -ISC- ICMP blind TCP reset DoS guessing attempt"
    assert alert.severity is Severity.MEDIUM
    assert "severity-unknown" in alert.tags
    assert alert.source == "IBM QRadar SIEM"
    assert {("ip", "99.99.99.99"), ("ip", "88.88.88.88")} <= {
        (i.type, i.value) for i in alert.iocs}
    assert alert.created_at == datetime(2023, 4, 24, 14, 44, 23, 218000, tzinfo=UTC)


def test_pre_1_0_falco_mapping_uses_classname_and_finding():
    alert = one("security_finding_2001_falco_v0.1.0.json")
    assert alert.title == "Linux Kernel Module Injection Detected"
    assert alert.severity is Severity.MEDIUM
    assert alert.category == "syscalls"
    assert alert.source == "Falcosecurity Falco"


def test_securityhub_detection_finding_with_offset_time():
    alert = one("detection_finding_2004_securityhub_guardduty_v1.1.0.json")
    assert alert.severity is Severity.LOW
    # 2023-09-19T11:05:22.487-04:00
    assert alert.created_at == datetime(2023, 9, 19, 15, 5, 22, 487000, tzinfo=UTC)
    assert [(i.type, i.value) for i in alert.iocs] == [("ip", "52.94.133.131")]


def test_ssc_array_of_four_findings_with_an_owned_address():
    alerts = load(OCSF / "security_finding_2001_ssc_malware_v1.0.0_array.json").alerts
    assert len({a.id for a in alerts}) == 4
    first = alerts[0]
    assert first.severity is Severity.INFORMATIONAL  # caption "Informational " has a space
    assert [(a.ip, a.owner) for a in first.assets] == [("1.183.190.110", "chinatelecom.cn")]
    # The device's own address is an asset, so it is not repeated as an indicator.
    assert [(i.type, i.value) for i in first.iocs] == [("domain", "open-internet.nl")]


def test_attacks_and_severity_other_with_a_caption():
    loaded = load(ATTACKS)
    assert loaded.errors == []
    alert = loaded.by_title["Credential dumping via LSASS access"]
    assert alert.id == "ocsf:df-7781"
    assert alert.severity is Severity.HIGH  # 99 Other -> the caption
    assert alert.mitre_technique == "T1003.001"
    assert {"mitre:T1003.001", "mitre:T1003"} <= set(alert.tags)
    assert alert.source == "Contoso Sentinel Forwarder"
    assert [(a.hostname, a.ip) for a in alert.assets] == [("fin-ws-07", "10.30.7.21")]
    assert {(i.type, i.value) for i in alert.iocs} == {
        ("hash", "5d41402abc4b2a76b9719d911017c592"),
        ("url", "https://exfil.example.org/upload"),
    }
    assert alert.created_at == datetime(2024, 6, 11, 8, 30, 12, tzinfo=UTC)


def test_missing_or_meaningless_severity_defaults_to_medium():
    loaded = load(ATTACKS)
    legacy = loaded.by_title["Legacy finding without severity"]
    assert legacy.severity is Severity.MEDIUM and "severity-unknown" in legacy.tags
    other = loaded.by_title["Other severity with an unknown caption"]
    assert other.severity is Severity.MEDIUM and "severity-unknown" in other.tags
    assert other.mitre_technique == "T1566"


# --- Every class of the Findings category, detected without --format.

def _finding(class_uid: int, class_name: str, **extra) -> dict:
    """An OCSF 1.1 finding of the given class (written for these tests)."""
    return {"class_uid": class_uid, "class_name": class_name, "category_uid": 2,
            "severity_id": 4, "time": 1764000000000, "status": "New",
            "metadata": {"version": "1.1.0", "product": {"name": "Scanner", "vendor_name": "X"}},
            "finding_info": {"uid": f"f-{class_uid}", "title": f"{class_name} title",
                             "types": ["Checks"]},
            **extra}


@pytest.mark.parametrize(("class_uid", "class_name"), [
    (2001, "Security Finding"), (2002, "Vulnerability Finding"),
    (2003, "Compliance Finding"), (2004, "Detection Finding"),
    (2005, "Incident Finding"), (2006, "Data Security Finding")])
def test_every_findings_class_is_detected_without_a_format(tmp_path, class_uid, class_name):
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(_finding(class_uid, class_name)))
    loaded = load(path)
    assert loaded.stream.format == "ocsf"
    [alert] = loaded.alerts
    assert (alert.id, alert.title, alert.severity) == (
        f"ocsf:f-{class_uid}", f"{class_name} title", Severity.HIGH)
    assert alert.created_at == datetime(2025, 11, 24, 16, 0, tzinfo=UTC)  # milliseconds


def test_a_vulnerability_finding_tags_its_cves_and_names_its_resource(tmp_path):
    record = _finding(2002, "Vulnerability Finding",
                      vulnerabilities=[{"cve": {"uid": "CVE-2026-0001"}},
                                       {"cve": {"uid": "CVE-2026-0002"}}],
                      resource={"uid": "arn:aws:ecr:eu-west-1:1:repository/app", "type": "x"})
    path = tmp_path / "vuln.json"
    path.write_text(json.dumps(record))
    [alert] = load(path).alerts
    assert {"cve:CVE-2026-0001", "cve:CVE-2026-0002"} <= set(alert.tags)
    assert [a.hostname for a in alert.assets] == ["arn:aws:ecr:eu-west-1:1:repository/app"]


def test_an_incident_finding_takes_its_title_from_the_first_listed_finding(tmp_path):
    record = _finding(2005, "Incident Finding")
    del record["finding_info"]
    record["finding_info_list"] = [{"uid": "i-1", "title": "Ransomware on file server"},
                                   {"uid": "i-2", "title": "Later finding"}]
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(record))
    [alert] = load(path).alerts
    assert (alert.id, alert.title) == ("ocsf:i-1", "Ransomware on file server")


def test_an_event_of_another_category_is_recognised_and_skipped(tmp_path):
    activity = {"class_uid": 6003, "class_name": "API Activity", "category_uid": 6,
                "activity_id": 1, "time": 1764000000000,
                "metadata": {"version": "1.5.0", "product": {"name": "EKS"}},
                "api": {"operation": "create"}}
    path = tmp_path / "eks.json"
    path.write_text(json.dumps(activity) + "\n" + json.dumps(_finding(2004, "Detection Finding")))
    loaded = load(path)
    assert (loaded.stream.format, len(loaded.alerts), loaded.errors) == ("ocsf", 1, [])
    assert dict(loaded.stream.skip_reasons) == {
        "OCSF class 6003 (API Activity), not a finding": 1}
