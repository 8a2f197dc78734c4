"""Every shared real-world sample loads cleanly, as the right format, with the right counts."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from zshield_tui.domain import Alert

from .conftest import SAMPLES
from .helpers import load

# file -> (detected format, alerts, skipped records)
EXPECTED = {
    "suricata/eve_alerts_honeypot_josevnz_subset.jsonl": ("suricata", 300, 0),
    "suricata/eve_mixed_surevego.jsonl": ("suricata", 68, 198),
    "wazuh/wazuh_alerts_eventsgen_subset.jsonl": ("wazuh", 300, 0),
    "wazuh/wazuh_alerts_logstash_envelope_subset.jsonl": ("wazuh", 5, 0),
    "wazuh/wazuh_indexer_hit_shellshock.json": ("wazuh", 1, 0),
    "elastic/kibana_alert_endpoint_query_rule_8.8.0.json": ("elastic", 1, 0),
    "elastic/kibana_alert_threat_match_rule_8.1.0.json": ("elastic", 1, 0),
    "ocsf/detection_finding_2004_okta_v1.3.0.json": ("ocsf", 1, 0),
    "ocsf/detection_finding_2004_prowler_v1.3.0.json": ("ocsf", 1, 0),
    "ocsf/detection_finding_2004_securityhub_guardduty_v1.1.0.json": ("ocsf", 1, 0),
    "ocsf/security_finding_2001_falco_v0.1.0.json": ("ocsf", 1, 0),
    "ocsf/security_finding_2001_qradar_offense.json": ("ocsf", 1, 0),
    "ocsf/security_finding_2001_securityhub_v1.0.0-rc.2.json": ("ocsf", 1, 0),
    "ocsf/security_finding_2001_ssc_malware_v1.0.0_array.json": ("ocsf", 4, 0),
    "guardduty/guardduty_sample_finding_ec2.json": ("guardduty", 1, 0),
    "guardduty/guardduty_sample_finding_iam.json": ("guardduty", 1, 0),
    "guardduty/guardduty_sample_finding_s3.json": ("guardduty", 1, 0),
    "guardduty/guardduty_cwe_event_sshbruteforce.json": ("guardduty", 1, 0),
    "guardduty/guardduty_via_securityhub_asff.json": ("guardduty", 1, 0),
    "zeek/notice_maccdc2012_00016.jsonl": ("zeek", 22, 0),
    "falco/falco_json_output_single_rule.jsonl": ("falco", 8, 0),
    "falco/falco_alert_ocsf_examples_raw.json": ("falco", 1, 0),
}


def test_every_sample_file_is_covered(samples):
    on_disk = {p.relative_to(samples).as_posix() for p in samples.glob("*/*.json*")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_loads_without_errors(name):
    fmt, count, skipped = EXPECTED[name]
    loaded = load(SAMPLES / name)
    assert [str(e) for e in loaded.errors] == []
    assert loaded.stream.format == fmt
    assert len(loaded.alerts) == count
    assert loaded.stream.skipped == skipped
    for alert in loaded.alerts:
        assert alert.id.startswith(f"{fmt}:") and len(alert.id) <= 200
        assert alert.title.strip()
        assert alert.created_at.tzinfo is UTC
        assert alert.raw


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_ids_are_stable_and_unique_per_distinct_record(name):
    first = load(SAMPLES / name).alerts
    second = load(SAMPLES / name).alerts
    assert [a.id for a in first] == [a.id for a in second]
    distinct = {json.dumps(a.raw, sort_keys=True) for a in first}
    assert len({a.id for a in first}) == len(distinct)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_alerts_survive_a_json_round_trip(name):
    # What the store writes must read back as the same alert.
    for alert in load(SAMPLES / name).alerts:
        assert Alert.model_validate_json(alert.model_dump_json()) == alert


def test_explicit_format_gives_the_same_result_as_detection():
    path = SAMPLES / "zeek/notice_maccdc2012_00016.jsonl"
    assert [a.id for a in load(path, "zeek").alerts] == [a.id for a in load(path).alerts]
