"""AWS GuardDuty findings and Security Hub ASFF findings.

Shapes: a GuardDuty finding (GetFindings / S3 export, camelCase; boto3 and the CLI spell
the same in PascalCase), alone, in an array, in a `{"Findings": [...]}` batch or inside an
EventBridge event's `detail`; and ASFF (PascalCase), alone, as a batch or inside a
Security Hub EventBridge event's `detail.findings`. Any of them may arrive through SQS or
SNS (aws_events). Other EventBridge events from these services, such as the CloudTrail
record of a `CreateSampleFindings` call, are recognised and skipped: they are no finding.
"""

from __future__ import annotations

from typing import Any

from zshield_tui.domain import Alert, Severity

from .aws_events import camel, is_event, is_finding_event, is_pascal_finding, messages
from .common import (
    SEVERITY_UNKNOWN,
    TIME_UNKNOWN,
    Context,
    Entities,
    native_id,
    record_id,
    severity_from_text,
)
from .errors import RecordProblem, Skipped
from .fields import as_dict, as_list, as_number, dig, first_text, first_time, text

SAMPLE = "sample"  # tag: AWS-generated sample findings, which a pipeline may want to drop

_INDICATORS = {"IPV4_ADDRESS": "ip", "IPV6_ADDRESS": "ip", "DOMAIN": "domain", "URL": "url",
               "EMAIL_ADDRESS": "email", "HASH_MD5": "hash", "HASH_SHA1": "hash",
               "HASH_SHA256": "hash", "HASH_SHA512": "hash"}


def _is_finding(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("type"), str)
            and isinstance(value.get("service"), dict))


def _is_asff(value: Any) -> bool:
    # boto3's GuardDuty finding has SchemaVersion and Id too, but a `Type` and a `Service`.
    return isinstance(value, dict) and "SchemaVersion" in value and (
        "ProductArn" in value or "Id" in value) and not is_pascal_finding(value)


def _is_any_finding(value: Any) -> bool:
    return _is_finding(value) or is_pascal_finding(value) or _is_asff(value)


def _batch(record: dict[str, Any]) -> list | None:
    findings = record.get("Findings")
    if findings is None:
        findings = dig(record, "detail", "findings")
    return findings if isinstance(findings, list) else None


def detect(record: dict[str, Any]) -> bool:
    """A finding (camelCase with `schemaVersion` or `severity`, or PascalCase), ASFF, an
    EventBridge event from GuardDuty or Security Hub, a batch of findings, or any of
    these in an SQS or SNS envelope."""
    if _is_finding(record) and ("schemaVersion" in record or "severity" in record):
        return True
    if is_pascal_finding(record) or _is_asff(record) or is_event(record):
        return True
    detail = record.get("detail")
    if _is_finding(detail) or is_pascal_finding(detail):
        return True
    batch = _batch(record)
    if batch:
        return _is_any_finding(batch[0])
    inner = messages(record)
    return bool(inner) and isinstance(inner[0], dict) and detect(inner[0])


def expand(record: dict[str, Any]) -> list[Any]:
    """The findings a record holds: one, each of a batch, or what an envelope carries."""
    batch = _batch(record)
    if batch is not None:
        return batch
    inner = messages(record)
    if inner is None:
        return [record]
    return [found for item in inner
            for found in (expand(item) if isinstance(item, dict) else [item])]


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One finding; `raw` keeps the record as read (for a batch, the one finding)."""
    if _is_asff(record):
        return _from_asff(record, ctx)
    if is_event(record) and not is_finding_event(record):
        return Skipped(_not_a_finding(record))
    finding = _finding(record)
    if finding is None:
        raise RecordProblem("type: missing; not a GuardDuty finding")

    kind = text(finding.get("type"))
    title = first_text(finding.get("title"), kind)
    severity, tags = _severity(finding.get("severity"))
    if dig(finding, "service", "additionalInfo", "sample") is True:
        tags.append(SAMPLE)
    created = first_time(finding.get("createdAt"), finding.get("updatedAt"),
                         dig(finding, "service", "eventFirstSeen"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)
    found = _entities(finding)
    return Alert(
        # The ARN equals the ASFF Id of the same finding, so both shapes share one alert.
        id=(native_id("guardduty", finding.get("arn")) or native_id("guardduty", finding.get("id"))
            or record_id("guardduty", finding)),
        title=title,
        description=text(finding.get("description")),
        severity=severity,
        source="AWS GuardDuty",
        category=kind.split(":", 1)[0],  # ThreatPurpose, e.g. Recon, UnauthorizedAccess
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )


def _finding(record: dict[str, Any]) -> dict[str, Any] | None:
    """The camelCase finding: an EventBridge event's detail or the record, either one
    respelt from PascalCase."""
    for value in (record.get("detail"), record):
        if _is_finding(value):
            return value
        if is_pascal_finding(value):
            return camel(value)
    return None


def _not_a_finding(event: dict[str, Any]) -> str:
    kind = text(event.get("detail-type"))
    if kind.startswith("AWS API Call"):
        call = text(dig(event, "detail", "eventName")) or "?"
        return f"CloudTrail API call {call}, not a finding"
    return f"EventBridge event {kind!r}, not a finding"


def _severity(value: Any) -> tuple[Severity, list[str]]:
    number = as_number(value)
    if number is None:
        named = severity_from_text(value)
        return (named, []) if named else (Severity.MEDIUM, [SEVERITY_UNKNOWN])
    if number >= 9:
        return Severity.CRITICAL, []
    if number >= 7:
        return Severity.HIGH, []
    if number >= 4:
        return Severity.MEDIUM, []
    return Severity.LOW, []  # anything below 1.0 counts as low too


def _entities(finding: dict[str, Any]) -> Entities:
    found = Entities()
    resource = as_dict(finding.get("resource"))
    instance = as_dict(resource.get("instanceDetails"))
    instance_id = text(instance.get("instanceId"))
    interfaces = as_list(instance.get("networkInterfaces"))
    for interface in interfaces:
        found.host(instance_id, dig(interface, "privateIpAddress"))
    if not interfaces:
        found.host(instance_id)
    for bucket in as_list(resource.get("s3BucketDetails")):
        found.host(dig(bucket, "name"))
    found.host(dig(resource, "eksClusterDetails", "name"))
    _remote_parties(found, dig(finding, "service", "action"), depth=0)
    return found


def _remote_parties(found: Entities, node: Any, depth: int) -> None:
    """Every remoteIpDetails and DNS domain under service.action, whatever the action type."""
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            _remote_parties(found, item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "remoteIpDetails":
            found.remote(dig(value, "ipAddressV4"))
            found.remote(dig(value, "ipAddressV6"))
        elif key == "domain" and isinstance(value, str):
            found.ioc("domain", value)
        else:
            _remote_parties(found, value, depth + 1)


def _from_asff(finding: dict[str, Any], ctx: Context) -> Alert:
    title = first_text(finding.get("Title"), *as_list(finding.get("Types")))
    if not title:
        raise RecordProblem("Title: missing")
    severity, tags = _asff_severity(finding)
    fields = as_dict(finding.get("ProductFields"))
    sample_field = fields.get("aws/guardduty/service/additionalInfo/sample")
    if finding.get("Sample") is True or sample_field == "true":
        tags.append(SAMPLE)
    created = first_time(finding.get("CreatedAt"), finding.get("FirstObservedAt"),
                         finding.get("UpdatedAt"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)
    kind = first_text(*as_list(finding.get("Types")),
                      *as_list(dig(finding, "FindingProviderFields", "Types")))
    product = first_text(finding.get("ProductName"), fields.get("aws/securityhub/ProductName"))
    found = _asff_entities(finding, fields)
    return Alert(
        id=native_id("guardduty", finding.get("Id")) or record_id("guardduty", finding),
        title=title,
        description=text(finding.get("Description")),
        severity=severity,
        source=f"AWS {product}" if product else "AWS Security Hub",
        # "TTPs/Defense Evasion/Stealth:IAMUser-..." -> "Stealth", like GuardDuty's own type.
        category=kind.split(":", 1)[0].rsplit("/", 1)[-1],
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=finding,
    )


def _asff_severity(finding: dict[str, Any]) -> tuple[Severity, list[str]]:
    named = severity_from_text(dig(finding, "Severity", "Label")) or severity_from_text(
        dig(finding, "FindingProviderFields", "Severity", "Label"))
    if named is not None:
        return named, []
    score = as_number(dig(finding, "Severity", "Normalized"))
    if score is None:
        return Severity.MEDIUM, [SEVERITY_UNKNOWN]
    for floor, severity in ((90, Severity.CRITICAL), (70, Severity.HIGH),
                            (40, Severity.MEDIUM), (1, Severity.LOW)):
        if score >= floor:
            return severity, []
    return Severity.INFORMATIONAL, []


def _asff_entities(finding: dict[str, Any], fields: dict[str, Any]) -> Entities:
    found = Entities()
    for item in as_list(finding.get("Resources")):
        addresses = as_list(dig(item, "Details", "AwsEc2Instance", "IpV4Addresses"))
        found.host(dig(item, "Id"), addresses[0] if addresses else None)
    network = as_dict(finding.get("Network"))
    found.address(network.get("SourceIpV4"))
    found.address(network.get("DestinationIpV4"))
    # ProductFields is a flat string map with "/" in its keys.
    for key, value in fields.items():
        if isinstance(key, str) and key.endswith("remoteIpDetails/ipAddressV4"):
            found.remote(value)
    for indicator in as_list(finding.get("ThreatIntelIndicators")):
        kind = _INDICATORS.get(text(dig(indicator, "Type")).upper())
        if kind == "hash":
            found.file_hash(dig(indicator, "Value"))
        elif kind:
            found.ioc(kind, dig(indicator, "Value"))
    return found
