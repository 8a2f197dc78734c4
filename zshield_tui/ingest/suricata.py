"""Suricata EVE JSON: `alert` events become alerts, and so does a `drop` event carrying the
alert that made an IPS drop the packet (Suricata logs it there when the alert itself was
discarded); every other event type is skipped."""

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
    record_id,
    techniques,
)
from .errors import RecordProblem, Skipped
from .fields import as_dict, as_list, as_number, dig, first_text, parse_time, text

# alert.severity is the classtype priority: 1 is the most severe, and custom priorities
# run up to 255, so everything from 4 on is informational.
_BY_PRIORITY = {1: Severity.HIGH, 2: Severity.MEDIUM, 3: Severity.LOW}
# One Skipped per event type, built once: a big file skips hundreds of thousands of flows.
_SKIPS: dict[str, Skipped] = {}
_ALERTING = ("alert", "drop")


def detect(record: dict[str, Any]) -> bool:
    """Every EVE event has an `event_type` and a `timestamp`."""
    return isinstance(record.get("event_type"), str) and "timestamp" in record


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One alert event (or drop with its alert); skipped for dns, flow, http, stats and
    other events, and for a drop without an alert."""
    kind = record.get("event_type")
    alert = record.get("alert")
    if kind not in _ALERTING or (kind == "drop" and not isinstance(alert, dict)):
        return _skipped(kind)
    if not isinstance(alert, dict):
        raise RecordProblem("alert: missing or not an object")
    meta = as_dict(alert.get("metadata"))

    severity, tags = _severity(alert.get("severity"), meta)
    mitre = techniques(as_list(meta.get("mitre_technique_id")))
    tags += mitre_tags(mitre)
    tags += cve_tags(as_list(meta.get("cve")))

    created = parse_time(record.get("timestamp")) or parse_time(dig(record, "flow", "start"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    rule = ":".join(text(alert.get(k)) or "?" for k in ("gid", "signature_id", "rev"))
    title = first_text(alert.get("signature")) or f"Suricata signature {rule}"
    entities = _entities(record, alert)
    host = text(record.get("host"))
    return Alert(
        id=record_id("suricata", record),
        title=title,
        description=_description(record, alert, title, rule),
        severity=severity,
        source=f"Suricata {host}" if host else "Suricata",
        category=text(alert.get("category")),
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=entities.assets,
        iocs=entities.iocs,
        raw=record,
    )


def _skipped(kind: Any) -> Skipped:
    name = text(kind) or "untyped"
    found = _SKIPS.get(name)
    if found is None:
        found = Skipped(f"Suricata {name} event")
        if len(_SKIPS) < 256:  # event types are few; a hostile file's are not kept
            _SKIPS[name] = found
    return found


def _severity(value: Any, meta: dict[str, Any]) -> tuple[Severity, list[str]]:
    number = as_number(value)
    if number is None or number < 1 or not number.is_integer():
        return Severity.MEDIUM, [SEVERITY_UNKNOWN]
    severity = _BY_PRIORITY.get(int(number), Severity.INFORMATIONAL)
    # ET's own rating is an independent signal; only its top grade lifts a priority-1 hit.
    if severity is Severity.HIGH and _first_word(meta.get("signature_severity")) == "critical":
        severity = Severity.CRITICAL
    return severity, []


def _first_word(value: Any) -> str:
    values = as_list(value)
    return text(values[0]).lower() if values else ""


def _entities(record: dict[str, Any], alert: dict[str, Any]) -> Entities:
    found = Entities()
    # Rules using the `target:` keyword say which side is ours; otherwise judge by address.
    target, source = as_dict(alert.get("target")), as_dict(alert.get("source"))
    if target or source:
        found.host(ip=target.get("ip"))
        found.remote(source.get("ip"))
    else:
        found.address(record.get("src_ip"))
        found.address(record.get("dest_ip"))

    http = record.get("http")
    if isinstance(http, dict):
        hostname = text(http.get("hostname"))
        if hostname:
            found.ioc("ip" if is_ip(hostname) else "domain", hostname)
        url = text(http.get("url"))
        if url.startswith("/") and hostname:
            found.ioc("url", f"http://{hostname}{url}")
        elif "://" in url:
            found.ioc("url", url)
    found.ioc("domain", dig(record, "tls", "sni"))
    dns = record.get("dns")
    if isinstance(dns, dict):
        for query in as_list(dns.get("query")) or [dns]:
            found.ioc("domain", dig(query, "rrname"))
    fileinfo = record.get("fileinfo")
    if isinstance(fileinfo, dict):
        for key in ("md5", "sha1", "sha256"):
            found.file_hash(fileinfo.get(key))
    return found


def _description(record: dict[str, Any], alert: dict[str, Any], title: str, rule: str) -> str:
    lines = [title, f"Rule {rule}"]
    category = text(alert.get("category"))
    if category:
        lines.append(f"Category: {category}")
    proto = text(record.get("proto"))
    src = _endpoint(record.get("src_ip"), record.get("src_port"))
    dst = _endpoint(record.get("dest_ip"), record.get("dest_port"))
    if src or dst:
        lines.append(f"{proto} {src or '?'} -> {dst or '?'}".strip())
    action = text(alert.get("action"))
    if action:
        lines.append(f"Action: {action}")
    sensor = first_text(record.get("host"), record.get("in_iface"))
    if sensor:
        lines.append(f"Sensor: {sensor}")
    payload = text(record.get("payload_printable"))
    if payload:
        lines.append(f"Payload: {payload[:500]}")
    return "\n".join(lines)


def _endpoint(ip: Any, port: Any) -> str:
    address, number = text(ip), text(port)
    if not address:
        return ""
    if ":" in address and number:  # IPv6 needs brackets before a port
        return f"[{address}]:{number}"
    return f"{address}:{number}" if number else address
