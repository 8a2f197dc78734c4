"""Falco `json_output` events, plain or as forwarded by falcosidekick (which adds `uuid`)."""

from __future__ import annotations

import re
from typing import Any

from zshield_tui.domain import Alert, Severity

from .common import (
    SEVERITY_UNKNOWN,
    TIME_UNKNOWN,
    Context,
    Entities,
    mitre_tags,
    native_id,
    record_id,
    syslog_severity,
    techniques,
)
from .errors import RecordProblem
from .fields import as_dict, as_list, first_time, text

# Stock rules tag ATT&CK both as technique ids (T1059) and as tactics (mitre_execution).
_ATTACK_TAG = re.compile(r"T\d{4}(\.\d{3})?|mitre_.*", re.IGNORECASE)


def detect(record: dict[str, Any]) -> bool:
    """`rule`, `priority` and `output`: the fields every Falco event carries."""
    return isinstance(record.get("rule"), str) and "priority" in record and "output" in record


def to_alert(record: dict[str, Any], ctx: Context) -> Alert:
    """One Falco event."""
    rule = text(record.get("rule"))
    if not rule:
        raise RecordProblem("rule: missing")
    labels = [t for t in (text(t) for t in as_list(record.get("tags"))) if t]
    mitre = techniques(labels)

    severity = syslog_severity(record.get("priority"))  # Falco's priorities are syslog's
    tags = mitre_tags(mitre) + [t for t in labels if t not in mitre]
    if severity is None:
        severity = Severity.MEDIUM
        tags.append(SEVERITY_UNKNOWN)

    fields = as_dict(record.get("output_fields"))
    # `evt.time.iso8601` is an integer of nanoseconds despite its name.
    created = first_time(record.get("time"), fields.get("evt.time"),
                         fields.get("evt.time.iso8601"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    found = Entities()
    found.host(record.get("hostname"))
    container = text(fields.get("container.id"))
    if container and container != "host":  # "host" means the event was not in a container
        found.host(container)
    source = text(record.get("source"))
    category = next((t for t in labels if not _ATTACK_TAG.fullmatch(t)), source)
    return Alert(
        id=native_id("falco", record.get("uuid")) or record_id("falco", record),
        title=rule,
        description=text(record.get("output")),
        severity=severity,
        source="Falco",
        category=category,
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )
