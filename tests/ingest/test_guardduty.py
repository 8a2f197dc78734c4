"""GuardDuty findings in their three shapes, and Security Hub ASFF batches."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from zshield_tui.domain import Severity

from .conftest import FIXTURES, SAMPLES
from .helpers import load

GD = SAMPLES / "guardduty"


def one(name: str):
    (alert,) = load(GD / name).alerts
    return alert


def iocs(alert):
    return [(i.type, i.value) for i in alert.iocs]


def test_ec2_finding():
    alert = one("guardduty_sample_finding_ec2.json")
    assert alert.id == ("guardduty:arn:aws:guardduty:us-east-1:123456789012:detector/"
                        "123456789012/finding/16afba5c5c43e07c9e3e5e2e544e95df")
    assert alert.title == "Canary:EC2/Stateless.IntegTest"
    assert alert.severity is Severity.MEDIUM  # 5
    assert alert.category == "Canary"
    assert alert.source == "AWS GuardDuty"
    assert alert.created_at == datetime(2017, 10, 31, 23, 16, 23, 824000, tzinfo=UTC)
    assert [(a.hostname, a.ip) for a in alert.assets] == [("i-05746eb48123455e0", "0.0.0.0")]
    assert iocs(alert) == []  # the remote address 0.0.0.0 is a placeholder, not an indicator


def test_iam_finding_is_flagged_as_an_aws_sample():
    alert = one("guardduty_sample_finding_iam.json")
    assert alert.category == "Recon"
    assert "sample" in alert.tags
    assert iocs(alert) == [("ip", "198.51.100.0")]


def test_s3_finding_lists_the_bucket():
    alert = one("guardduty_sample_finding_s3.json")
    assert alert.category == "PenTest"
    assert "bucketName" in [a.hostname for a in alert.assets]


def test_eventbridge_event_is_unwrapped():
    alert = one("guardduty_cwe_event_sshbruteforce.json")
    assert alert.id == "guardduty:02be5693b63eea1d67e6f321c6aee4f3"
    assert alert.severity is Severity.LOW  # 2
    assert alert.category == "UnauthorizedAccess"
    assert alert.title.startswith("198.51.100.0 is performing SSH brute force attacks")
    assert iocs(alert) == [("ip", "198.51.100.0")]
    assert alert.raw["region"] == "us-east-1"  # the whole event, envelope included


def test_asff_finding_shares_its_id_with_the_native_arn():
    alert = one("guardduty_via_securityhub_asff.json")
    assert alert.id == ("guardduty:arn:aws:guardduty:us-east-2:111111111111:detector/"
                        "1ac1bfceda6679698215d5d0EXAMPLE/finding/a6c556fcbc9bea427a19f8b787099a0b")
    assert alert.severity is Severity.LOW  # Label LOW
    assert alert.category == "Stealth"
    assert alert.source == "AWS GuardDuty"
    assert alert.created_at == datetime(2023, 9, 19, 15, 5, 22, 487000, tzinfo=UTC)
    assert iocs(alert) == [("ip", "52.94.133.131")]
    assert [a.hostname for a in alert.assets] == ["AWS::IAM::AccessKey:ASIATMJPC7EXAMPLE"]


def test_asff_batch_yields_one_alert_per_finding():
    loaded = load(FIXTURES / "asff_batch.json")
    assert loaded.stream.format == "guardduty"
    first, second = loaded.alerts
    assert first.severity is Severity.HIGH  # Normalized 70, no label
    assert first.source == "AWS Security Hub"
    assert first.category == "AWS-Foundational-Security-Best-Practices"
    assert [(a.hostname, a.ip) for a in first.assets] == [
        ("arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890", "10.0.12.34")]
    assert set(iocs(first)) == {
        ("domain", "bad.example.com"),
        ("hash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")}
    assert first.raw["Title"] == "EC2.8 EC2 instances should use IMDSv2"  # the finding itself
    assert second.severity is Severity.CRITICAL
    assert second.id == "guardduty:finding-2"
    (error,) = loaded.errors
    assert error.line == 1 and error.reason == "expected a JSON object, got a string"


# --- Shapes found in the wild: boto3's PascalCase, AWS envelopes, non-findings.

def _pascal_finding(**extra) -> dict:
    """A GuardDuty finding as boto3 / the CLI spell it (written for these tests)."""
    return {
        "SchemaVersion": "2.0", "AccountId": "1234567891234", "Region": "eu-west-1",
        "Arn": "arn:aws:guardduty:eu-west-1:1234567891234:detector/d1/finding/f1",
        "Id": "f1", "Type": "Backdoor:Runtime/C&CActivity.B!DNS", "Severity": 8,
        "Title": "C&C domain queried from i-0abc", "Description": "A process queried ...",
        "CreatedAt": "2026-11-24T10:00:00.000Z", "UpdatedAt": "2026-11-24T11:00:00.000Z",
        "Resource": {"ResourceType": "Instance", "InstanceDetails": {
            "InstanceId": "i-0abc",
            "NetworkInterfaces": [{"PrivateIpAddress": "10.0.0.7"}]}},
        "Service": {
            "Action": {"DnsRequestAction": {"Domain": "evil.example", "Protocol": "UDP"},
                       "NetworkConnectionAction": {"RemoteIpDetails": {
                           "IpAddressV4": "203.0.113.50"}}},
            "AdditionalInfo": {"Value": '{"threatListName":"GeneratedFinding","sample":true}',
                               "Type": "default"}},
        **extra,
    }


def _write(tmp_path, value) -> object:
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(value, indent=2))
    return path


def _check_pascal(alert) -> None:
    assert alert.id == "guardduty:arn:aws:guardduty:eu-west-1:1234567891234:detector/d1/finding/f1"
    assert (alert.title, alert.severity, alert.category) == (
        "C&C domain queried from i-0abc", Severity.HIGH, "Backdoor")
    assert alert.source == "AWS GuardDuty"
    assert "sample" in alert.tags  # from AdditionalInfo.Value, a JSON string
    assert [(a.hostname, a.ip) for a in alert.assets] == [("i-0abc", "10.0.0.7")]
    assert set(iocs(alert)) == {("domain", "evil.example"), ("ip", "203.0.113.50")}


def test_an_eventbridge_event_with_a_pascal_case_detail(tmp_path):
    event = {"version": "0", "id": "e1", "detail-type": "GuardDuty Finding",
             "source": "aws.guardduty", "account": "1234567891234",
             "time": "2026-11-24T11:00:05Z", "region": "eu-west-1", "resources": [],
             "detail": _pascal_finding()}
    loaded = load(_write(tmp_path, event))
    assert loaded.stream.format == "guardduty"
    [alert] = loaded.alerts
    _check_pascal(alert)
    assert alert.raw == event


def test_pascal_case_findings_in_an_array_and_in_a_findings_batch(tmp_path):
    for value in ([_pascal_finding()], {"Findings": [_pascal_finding()]}):
        [alert] = load(_write(tmp_path, value)).alerts
        _check_pascal(alert)


def test_a_pascal_case_finding_is_not_mistaken_for_asff(tmp_path):
    # It has SchemaVersion and Id as ASFF does; read as ASFF it lost severity and type.
    [alert] = load(_write(tmp_path, _pascal_finding())).alerts
    assert "severity-unknown" not in alert.tags and alert.category == "Backdoor"


def test_a_finding_without_the_sample_flag_is_no_sample(tmp_path):
    finding = _pascal_finding()
    finding["Service"]["AdditionalInfo"]["Value"] = '{"threatListName":"Amazon"}'
    [alert] = load(_write(tmp_path, finding)).alerts
    assert "sample" not in alert.tags


def _cloudtrail_call() -> dict:
    return {"version": "0", "id": "c1", "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.guardduty", "account": "12345678901234",
            "time": "2026-11-24T10:00:00Z", "region": "eu-west-1", "resources": [],
            "detail": {"eventSource": "guardduty.amazonaws.com",
                       "eventName": "CreateSampleFindings", "eventType": "AwsApiCall",
                       "requestParameters": {"detectorId": "d1"}}}


def test_a_cloudtrail_call_about_guardduty_is_skipped_as_not_a_finding(tmp_path):
    loaded = load(_write(tmp_path, _cloudtrail_call()))
    assert (loaded.stream.format, loaded.alerts, loaded.errors) == ("guardduty", [], [])
    assert dict(loaded.stream.skip_reasons) == {
        "CloudTrail API call CreateSampleFindings, not a finding": 1}


def test_events_inside_sqs_and_sns_envelopes_are_unwrapped(tmp_path):
    finding_event = {"detail-type": "GuardDuty Finding", "source": "aws.guardduty",
                     "detail": _pascal_finding()}

    def sns(event):
        return {"Type": "Notification", "MessageId": "m", "Message": json.dumps(event)}

    sqs = {"Records": [
        {"eventSource": "aws:sqs", "body": json.dumps(sns(_cloudtrail_call()))},
        {"eventSource": "aws:sqs", "body": json.dumps(sns(finding_event))}]}
    loaded = load(_write(tmp_path, sqs))
    assert loaded.errors == []
    [alert] = loaded.alerts
    _check_pascal(alert)
    assert dict(loaded.stream.skip_reasons) == {
        "CloudTrail API call CreateSampleFindings, not a finding": 1}
