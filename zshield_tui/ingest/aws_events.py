"""How AWS delivers findings around the finding itself: SQS and SNS envelopes whose
payload is a JSON string, EventBridge events, and boto3's PascalCase spelling.

Pure shape work, no alert: guardduty.py decides what a delivered event means.
"""

from __future__ import annotations

import json
from typing import Any

# EventBridge detail-types that carry a finding; anything else from aws.guardduty or
# aws.securityhub (a CloudTrail record of an API call about GuardDuty) is no finding.
FINDING_DETAIL_TYPES = frozenset({"GuardDuty Finding", "Security Hub Findings - Imported",
                                  "Security Hub Findings - Custom Action"})
SOURCES = frozenset({"aws.guardduty", "aws.securityhub"})
_DEPTH = 4  # SQS -> SNS -> EventBridge is 2 levels of JSON in strings; more is not AWS


def is_event(record: dict[str, Any]) -> bool:
    """An EventBridge event from GuardDuty or Security Hub, whatever it reports."""
    source = record.get("source")
    return isinstance(source, str) and source in SOURCES and "detail-type" in record


def is_finding_event(record: dict[str, Any]) -> bool:
    """An EventBridge event whose detail-type says it carries a finding."""
    kind = record.get("detail-type")
    return isinstance(kind, str) and kind in FINDING_DETAIL_TYPES


def messages(record: dict[str, Any], depth: int = _DEPTH) -> list[Any] | None:
    """The events inside an SQS batch (`Records[].body`), an SNS delivery to Lambda
    (`Records[].Sns.Message`) or an SNS notification (`Message`), unwrapped down to the
    first object that is neither; None when the record is no such envelope."""
    if depth == 0:
        return None
    if record.get("Type") == "Notification" and isinstance(record.get("Message"), str):
        inner = [_parsed(record["Message"])]
    elif isinstance(record.get("Records"), list):
        inner = [_record_payload(item) for item in record["Records"]]
        if not inner or all(item is None for item in inner):
            return None
    else:
        return None
    out: list[Any] = []
    for item in inner:
        deeper = messages(item, depth - 1) if isinstance(item, dict) else None
        out.extend([item] if deeper is None else deeper)
    return out


def _record_payload(item: Any) -> Any:
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("body"), str) and item.get("eventSource") == "aws:sqs":
        return _parsed(item["body"])
    sns = item.get("Sns")
    if isinstance(sns, dict) and isinstance(sns.get("Message"), str):
        return _parsed(sns["Message"])
    return None


def _parsed(text: str) -> Any:
    """The JSON a message body holds; the text itself when it is not JSON (an error
    then names it as a string, not an object)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def is_pascal_finding(value: Any) -> bool:
    """A GuardDuty finding as boto3 and the CLI spell it (`Type`, `Service`, ...)."""
    return (isinstance(value, dict) and isinstance(value.get("Type"), str)
            and isinstance(value.get("Service"), dict))


def camel(value: Any, depth: int = 0) -> Any:
    """boto3's PascalCase keys as the API's camelCase (`RemoteIpDetails` ->
    `remoteIpDetails`), so one reader serves both spellings. AdditionalInfo's `Value`,
    a JSON string in boto3, becomes the object the API has there."""
    if depth > 32:
        return value
    if isinstance(value, list):
        return [camel(item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    out = {(key[:1].lower() + key[1:] if isinstance(key, str) else key): camel(item, depth + 1)
           for key, item in value.items()}
    info = out.get("additionalInfo")
    if isinstance(info, dict) and isinstance(info.get("value"), str):
        extra = _parsed(info["value"])
        if isinstance(extra, dict):
            out["additionalInfo"] = {**extra, "type": info.get("type")}
    return out
