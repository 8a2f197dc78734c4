"""GuardDuty findings in their three shapes, and Security Hub ASFF batches."""

from __future__ import annotations

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
