"""Every file of the second corpus (`../shared/samples-wild/`, written by real tools) loads
with auto-detection, with the counts its README gives.

The files are read where they are, never copied here: their licences vary. Each row says
how its expected counts follow from the README's inventory (§1) and quirk lists (§2-§8):
"alerts" is what an analyst of that format calls an alert, "skipped" the records the
format recognises as something else, "errors" the records that cannot be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC

import pytest

from .conftest import WILD
from .helpers import load


@dataclass(frozen=True)
class Row:
    format: str | None  # None: nothing in the file to tell a format from
    alerts: int
    skipped: int
    errors: int
    why: str


EXPECTED: dict[str, Row] = {
    # --- Suricata: alerts are `alert` events; every other event type is skipped.
    "suricata/sv_5180_drop_events_pretty_concat.json": Row(
        "suricata", 2, 970, 0,
        "972 records: the 1 alert event, plus the 1 drop that carries a blocked alert "
        "(the rule's only record of that hit); 968 plain drops, 1 flow, 1 stats skipped"),
    "suricata/sv_detect_ldap_operation_eve.json": Row(
        "suricata", 4, 3, 0, "7: 4 alert; 1 ldap, 1 flow, 1 stats skipped"),
    "suricata/sv_bad_byte_extract_engine_log_only_eve.json": Row(
        "suricata", 0, 40, 0, "40 engine-log records, no alert"),
    "suricata/sv_dnp3_data_alert_2015_eve.json": Row("suricata", 4, 0, 0, "4, all alert"),
    "suricata/sv_tls_fingerprint_alert_2016_eve.json": Row(
        "suricata", 1, 1, 0, "2: 1 alert; 1 tls skipped"),
    "suricata/gtkcyber_eve_small_2017.json": Row(
        "suricata", 47, 953, 0, "1,000: 47 alert; 862 fileinfo + 90 stats + 1 flow skipped"),
    "suricata/tr0llope_icedid_2023_eve.json": Row(
        "suricata", 35, 199, 0, "234: 35 alert; 199 flow/dns/tls/http/fileinfo/stats"),
    "suricata/tr0llope_mixed_smb_krb5_2023_eve.json": Row(
        "suricata", 34, 1780, 0, "1,814: 34 alert; the other 1,780 events skipped"),
    "suricata/tenzir_library_alert_pretty_concat.json": Row(
        "suricata", 5, 0, 0, "5 concatenated objects, all alert"),
    "suricata/xhpx_eve_payload_2019.json": Row(
        "suricata", 3, 7, 0, "10: 3 alert; 4 flow + 3 stats skipped"),
    # --- Wazuh: every alerts.json record is an alert (a rule matched).
    "wazuh/wazuh_indexer_plugins_eventsgen_alerts_full.json": Row(
        "wazuh", 1124, 0, 0, "1,124 lines, each an alert (521 distinct: the store keeps "
        "one per distinct record, see the test below)"),
    "wazuh/wazuhqa_fim_recursion320_modify_2019.json": Row("wazuh", 1, 0, 0, "1 FIM alert"),
    "wazuh/wazuhqa_fim_tags_modify_2019.json": Row("wazuh", 1, 0, 0, "1 FIM alert"),
    "wazuh/wazuhqa_fim_change_file_owner_2019.json": Row(
        "wazuh", 1, 0, 0, "1 FIM alert, then 4 blank lines (no record)"),
    "wazuh/wazuh_integrations_test_alert_placeholders.json": Row(
        "wazuh", 1, 0, 0, "1 alert with placeholder values"),
    "wazuh/wazuh_es_alert_sample_all_fields_sample.json": Row(
        "wazuh", 1, 0, 0, "1 alert, every value \"sample\""),
    "wazuh/wazuh_engine5_windows_python_cmdline_expected.json": Row(
        "wazuh", 1, 0, 0, "array of 1 engine-5 event that matched a rule: an alert"),
    # --- Elastic: detection alerts, legacy signals and ECS `event.kind: alert` documents.
    "elastic/kibana_es_archive_legacy_cti_signals_7.14.json": Row(
        "elastic", 2, 0, 0, "2 `signal.*` documents, each a rule hit"),
    "elastic/kibana_es_archive_reindexed_v8_signal_empty.json": Row(
        "elastic", 0, 1, 0, "1 document with `\"signal\": {}`: no rule, no alert; skipped"),
    "elastic/kibana_es_archive_attack_discovery_alerts_9.3.json": Row(
        "elastic", 3, 0, 0, "3 `kibana.alert.*` documents"),
    "elastic/elastic_integrations_falco_ecs_alert_sample_event.json": Row(
        "elastic", 1, 0, 0, "1 ECS document with event.kind: alert"),
    # --- OCSF: every class of the Findings category (2xxx) is an alert.
    "ocsf/prowler_example_output_aws_df_1.4.0_array.json": Row(
        "ocsf", 5, 0, 0, "5 findings (2004)"),
    "ocsf/prowler_example_output_kubernetes_df_1.4.0_array.json": Row(
        "ocsf", 6, 0, 0, "6 findings (2004)"),
    "ocsf/prowler_api_manual_test_output_df_array.json": Row(
        "ocsf", 3, 0, 0, "3 findings (2004)"),
    "ocsf/prowler_s3_fixture_empty_object.json": Row(
        None, 0, 1, 0, "the file is `{}`: 0 records; the empty object is counted as skipped"),
    "ocsf/ocsf_examples_sechub_pci_compliance_finding_2003.json": Row(
        "ocsf", 1, 0, 0, "1 Compliance Finding (2003)"),
    "ocsf/ocsf_examples_inspector_vulnerability_finding_2002.json": Row(
        "ocsf", 1, 0, 0, "1 Vulnerability Finding (2002)"),
    "ocsf/ocsf_examples_eks_api_activity_6003_v1.5.0.json": Row(
        None, 0, 0, 1, "1 record, invalid JSON (a trailing comma): 1 error"),
    # --- GuardDuty: findings; CloudTrail API calls about GuardDuty are not findings.
    "guardduty/csa_all_events_25_findings_pascalcase_array.json": Row(
        "guardduty", 25, 0, 0, "array of 25 findings"),
    "guardduty/csa_le_real_bitcoin_finding_array.json": Row(
        "guardduty", 1, 0, 0, "array of 1 finding"),
    "guardduty/csa_eventbridge_torrelay_sample.json": Row(
        "guardduty", 1, 0, 0, "1 EventBridge finding event"),
    "guardduty/csa_eventbridge_recon_iam_maliciousip_sample.json": Row(
        "guardduty", 1, 0, 0, "1 EventBridge finding event"),
    "guardduty/blu371ck_eventbridge_pascal_portprobe_emr.json": Row(
        "guardduty", 1, 0, 0, "1 EventBridge event, PascalCase detail"),
    "guardduty/blu371ck_eventbridge_pascal_iam_anomalous.json": Row(
        "guardduty", 1, 0, 0, "1 EventBridge event, PascalCase detail"),
    "guardduty/alertchain_getfindings_wrapper_droppoint.json": Row(
        "guardduty", 1, 0, 0, "1 finding in {\"Findings\": [...]}"),
    "guardduty/alertchain_getfindings_wrapper_drivebysource.json": Row(
        "guardduty", 1, 0, 0, "1 finding in {\"Findings\": [...]}"),
    "guardduty/alertchain_sqs_sns_cloudtrail_createsamplefindings_not_a_finding.json": Row(
        "guardduty", 0, 1, 0, "0 findings: 1 SQS record holding a CloudTrail API call"),
    "guardduty/sumologic_cloudtrail_createsamplefindings_not_a_finding.json": Row(
        "guardduty", 0, 1, 0, "0 findings: 1 CloudTrail API call event"),
    # --- Zeek: every notice.log row is a notice, i.e. an alert.
    "zeek/brimdata_wrccdc2018_notice_zeek62_tsv.log": Row("zeek", 207, 0, 0, "207 rows"),
    "zeek/brimdata_wrccdc2018_notice_json_streaming.json": Row("zeek", 207, 0, 0, "207"),
    "zeek/brimdata_wrccdc2018_notice_zeek30_2019_tsv.log": Row("zeek", 64, 0, 0, "64 rows"),
    "zeek/bolor23erdene_notice_bro25_relative_ts_tsv.log": Row(
        "zeek", 1586, 0, 0, "1,586 rows"),
    "zeek/zeek_btest_weak_keys_three_header_blocks_tsv.log": Row(
        "zeek", 6, 0, 0, "6 rows in 3 header blocks"),
    "zeek/zeek_btest_sqli_dvwa2_masked_ts_tsv.log": Row("zeek", 2, 0, 0, "2 rows"),
    "zeek/zeek_btest_intel_notice_no_uid_tsv.log": Row("zeek", 3, 0, 0, "3 rows"),
    # --- Falco: every event is a rule firing, i.e. an alert.
    "falco/elastic_integrations_falco_test_pipeline.jsonl": Row(
        "falco", 19, 0, 0, "19 (with repeats: the same id, upserted once)"),
    "falco/elastic_integrations_falco_test_nopreserve.jsonl": Row("falco", 3, 0, 0, "3"),
    "falco/elastic_integrations_falco_syslog_framed.log": Row(
        "falco", 17, 0, 0, "17, each behind a syslog prefix"),
}


@pytest.fixture(scope="module")
def wild():
    assert WILD.is_dir(), f"sample data not found at {WILD} (expected ../shared/samples-wild)"
    return WILD


def test_every_file_of_the_corpus_has_a_row(wild):
    on_disk = {p.relative_to(wild).as_posix() for p in wild.glob("*/*") if p.is_file()}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_file_loads_with_the_counts_of_the_readme(wild, name):
    row = EXPECTED[name]
    loaded = load(wild / name)
    got = (loaded.stream.format, len(loaded.alerts), loaded.stream.skipped, len(loaded.errors))
    expected_format = row.format or "auto"
    assert got == (expected_format, row.alerts, row.skipped, row.errors), (
        row.why, [str(e) for e in loaded.errors[:3]])
    for alert in loaded.alerts:
        assert alert.id.startswith(f"{row.format}:") and len(alert.id) <= 200
        assert alert.title.strip()
        assert alert.created_at.tzinfo is UTC


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_distinct_records_are_distinct_alerts_and_repeats_are_one(wild, name):
    # Prowler's example writes the placeholder "<finding_uid>" as every finding's uid.
    alerts = load(wild / name).alerts
    distinct = {json.dumps(a.raw, sort_keys=True) for a in alerts}
    assert len({a.id for a in alerts}) == len(distinct)


def test_the_events_generator_holds_521_distinct_alerts(wild):
    alerts = load(wild / "wazuh/wazuh_indexer_plugins_eventsgen_alerts_full.json").alerts
    assert len({a.id for a in alerts}) == 521


@pytest.mark.parametrize("name", [
    "guardduty/alertchain_sqs_sns_cloudtrail_createsamplefindings_not_a_finding.json",
    "guardduty/sumologic_cloudtrail_createsamplefindings_not_a_finding.json",
])
def test_cloudtrail_calls_about_guardduty_are_skipped_as_not_findings(wild, name):
    loaded = load(wild / name)
    assert dict(loaded.stream.skip_reasons) == {
        "CloudTrail API call CreateSampleFindings, not a finding": 1}


def test_the_invalid_official_example_says_where_its_json_breaks(wild):
    name = "ocsf/ocsf_examples_eks_api_activity_6003_v1.5.0.json"
    [error] = load(wild / name).errors
    assert error.reason.startswith("invalid JSON: ")
    assert error.reason.endswith("(line 38, column 9)")  # the README's "char 9523" is the offset
