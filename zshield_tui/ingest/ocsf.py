"""OCSF findings: every class of the Findings category (2001 Security Finding, 1.0 and
older; 2002 Vulnerability, 2003 Compliance, 2004 Detection, 2005 Incident, ... in 1.1 and
later). An event of another category (6003 API Activity) is recognised and skipped.

The two generations keep the finding in different objects (`finding` vs `finding_info`;
an Incident Finding lists several in `finding_info_list`); all are read. Producers disagree
on time units and severity, see `_severity`.
"""

from __future__ import annotations

from typing import Any

from zshield_tui.domain import Alert, Severity

from .common import (
    SEVERITY_UNKNOWN,
    TIME_UNKNOWN,
    Context,
    Entities,
    cve_tags,
    is_ip,
    mitre_tags,
    native_id,
    record_id,
    severity_from_text,
    techniques,
)
from .errors import RecordProblem, Skipped
from .fields import as_dict, as_list, as_number, dig, first_text, first_time, text

# The Findings category: class_uid 2000-2999, category_uid 2.
_FINDINGS = range(2000, 3000)
# Okta writes "Detection Findings"; the Falco 0.1.0 mapping spells the key `classname`.
_CLASS_NAMES = frozenset({
    "security finding", "vulnerability finding", "compliance finding", "detection finding",
    "incident finding", "data security finding", "application security posture finding",
    "detection findings"})

_BY_ID = {
    1: Severity.INFORMATIONAL, 2: Severity.LOW, 3: Severity.MEDIUM, 4: Severity.HIGH,
    5: Severity.CRITICAL, 6: Severity.CRITICAL,  # 6 is Fatal
}

# Observable type_id -> IOC type; other types (user names, ports, ...) are no indicators.
_OBSERVABLES = {1: "domain", 2: "ip", 5: "email", 6: "url", 7: "file", 8: "hash"}


def _class(record: dict[str, Any]) -> int | None:
    number = as_number(record.get("class_uid"))
    return int(number) if number is not None and number.is_integer() else None


def detect(record: dict[str, Any]) -> bool:
    """A Findings class_uid, a finding class name with a finding object, or any other
    OCSF event (a class_uid beside OCSF `metadata` with its schema `version`)."""
    uid = _class(record)
    if uid in _FINDINGS:
        return True
    name = text(record.get("class_name")) or text(record.get("classname"))
    has_finding = isinstance(record.get("finding_info"), dict) or isinstance(
        record.get("finding"), dict)
    if name.lower() in _CLASS_NAMES and has_finding:
        return True
    return uid is not None and isinstance(dig(record, "metadata", "version"), str)


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One finding; `raw` keeps the whole object. Events of other categories are
    skipped."""
    uid = _class(record)
    if uid is not None and uid not in _FINDINGS:
        name = text(record.get("class_name"))
        return Skipped(f"OCSF class {uid}{f' ({name})' if name else ''}, not a finding")
    info = _finding(record)
    class_name = first_text(record.get("class_name"), record.get("classname"))
    title = first_text(info.get("title"), record.get("message"), record.get("type_name"),
                       class_name)
    if not title:
        raise RecordProblem("finding_info.title: missing")

    severity, tags = _severity(record)
    mitre = _techniques(record, info)
    tags += mitre_tags(mitre)
    tags += cve_tags(dig(v, "cve", "uid") for v in as_list(record.get("vulnerabilities")))

    created = first_time(
        info.get("created_time_dt"), info.get("created_time"),
        record.get("time_dt"), record.get("time"),
        info.get("first_seen_time_dt"), info.get("first_seen_time"),
        dig(record, "metadata", "logged_time"),
    )
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    uid = native_id("ocsf", info.get("uid")) or native_id("ocsf", dig(record, "metadata", "uid"))
    found = _entities(record)
    return Alert(
        id=uid or record_id("ocsf", record),
        title=title,
        description=first_text(info.get("desc"), record.get("message")),
        severity=severity,
        source=_source(as_dict(dig(record, "metadata", "product"))),
        category=first_text(*as_list(info.get("types")), class_name),
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )


def _finding(record: dict[str, Any]) -> dict[str, Any]:
    info = record.get("finding_info")
    if isinstance(info, dict):
        return info
    listed = as_list(record.get("finding_info_list"))
    return as_dict(listed[0] if listed else record.get("finding"))


def _severity(record: dict[str, Any]) -> tuple[Severity, list[str]]:
    """severity_id, with the spec's escape hatches.

    0 Unknown carries no information: default it and say so. 99 Other and a missing id
    defer to the `severity` caption (QRadar sends no id at all).
    """
    number = as_number(record.get("severity_id"))
    if number in _BY_ID:
        return _BY_ID[int(number)], []
    if number != 0:
        from_caption = severity_from_text(record.get("severity"))
        if from_caption is not None:
            return from_caption, []
    return Severity.MEDIUM, [SEVERITY_UNKNOWN]


def _techniques(record: dict[str, Any], info: dict[str, Any]) -> list[str]:
    ids: list[Any] = []
    for attack in as_list(info.get("attacks")) + as_list(record.get("attacks")):
        ids.append(dig(attack, "sub_technique", "uid"))
        ids.append(dig(attack, "technique", "uid"))
    return techniques(ids)


def _source(product: dict[str, Any]) -> str:
    name, vendor = text(product.get("name")), text(product.get("vendor_name"))
    if not name:
        return vendor or "OCSF"
    if not vendor or vendor.lower() in name.lower():
        return name
    return f"{vendor} {name}"


def _entities(record: dict[str, Any]) -> Entities:
    found = Entities()
    device = as_dict(record.get("device"))
    found.host(first_text(device.get("hostname"), device.get("name")), device.get("ip"))
    # 1.1 names one `resource` (Security Hub's Vulnerability and Compliance Findings).
    for item in as_list(record.get("resources")) + as_list(record.get("resource")):
        resource = as_dict(item)
        uid = first_text(resource.get("uid"), resource.get("name"))
        if is_ip(uid):
            found.host(ip=uid, owner=resource.get("owner"))
        else:
            found.host(uid, owner=resource.get("owner"))
    for evidence in as_list(record.get("evidences")):
        found.remote(dig(evidence, "src_endpoint", "ip"))
        found.host(dig(evidence, "dst_endpoint", "hostname"), dig(evidence, "dst_endpoint", "ip"))
    found.remote(dig(record, "src_endpoint", "ip"))
    found.host(dig(record, "dst_endpoint", "hostname"), dig(record, "dst_endpoint", "ip"))
    for observable in as_list(record.get("observables")):
        kind = _OBSERVABLES.get(as_number(dig(observable, "type_id")))
        value = text(dig(observable, "value"))
        # An observable that is one of our assets (a resource uid) is no indicator.
        if kind and value and not (kind == "ip" and found.has_asset_ip(value)):
            if kind == "hash":
                found.file_hash(value)
            else:
                found.ioc(kind, value)
    return found
