"""Elastic Security detection alerts (Kibana, ECS), bare or wrapped.

Wrappers: an es_archive document `{"type": "doc", "value": {"source": ...}}` and a
search hit `{"_source": ...}`. Keys are flat (`"kibana.alert.rule.name"`), nested
(`"host": {"name": ...}`) or both in one document, so every read goes through `lookup`.
"""

from __future__ import annotations

from collections.abc import Callable
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
    severity_from_text,
    techniques,
)
from .errors import RecordProblem
from .fields import as_dict, as_list, as_number, dig, first_text, first_time, lookup, text

Getter = Callable[[str], Any]


def unwrap(record: dict[str, Any]) -> dict[str, Any]:
    """The alert document out of its es_archive or search-hit wrapper."""
    if record.get("type") == "doc":
        source = dig(record, "value", "source")
        if isinstance(source, dict):
            return source
    source = record.get("_source")
    return source if isinstance(source, dict) else record


def detect(record: dict[str, Any]) -> bool:
    """Any `kibana.alert.*` field, flat or nested."""
    alert = unwrap(record)
    if isinstance(dig(alert, "kibana", "alert"), dict):
        return True
    return any(isinstance(key, str) and key.startswith("kibana.alert.") for key in alert)


def to_alert(record: dict[str, Any], ctx: Context) -> Alert:
    """One detection alert; `raw` keeps the record as read."""
    alert = unwrap(record)

    def get(path: str) -> Any:
        return lookup(alert, path)

    title = _title(alert)
    if not title:
        raise RecordProblem("kibana.alert.rule.name: missing")

    severity, tags = _severity(get)
    mitre = _techniques(get)
    tags += mitre_tags(mitre)
    tags += [t for t in (text(t) for t in as_list(get("kibana.alert.rule.tags"))) if t]

    created = first_time(get("@timestamp"), get("kibana.alert.start"),
                         get("kibana.alert.original_time"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    reason = text(get("kibana.alert.reason"))
    rule_description = text(get("kibana.alert.rule.description"))
    description = "\n\n".join(p for p in (reason, rule_description) if p)
    found = _entities(get)
    return Alert(
        id=native_id("elastic", get("kibana.alert.uuid")) or record_id("elastic", alert),
        title=title,
        description=description,
        severity=severity,
        source="Elastic Security",
        category=first_text(*as_list(get("kibana.alert.original_event.category")),
                            get("kibana.alert.rule.category")),
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )


def _title(alert: dict[str, Any]) -> str:
    # A rule with rule_name_override names each alert after a field of the source event.
    override = first_text(lookup(alert, "kibana.alert.rule.rule_name_override"),
                          lookup(alert, "kibana.alert.rule.parameters.rule_name_override"))
    if override:
        named = first_text(lookup(alert, override))
        if named:
            return named
    return first_text(lookup(alert, "kibana.alert.rule.name"),
                      lookup(alert, "kibana.alert.rule.parameters.name"))


def _severity(get: Getter) -> tuple[Severity, list[str]]:
    found = severity_from_text(get("kibana.alert.severity")) or severity_from_text(
        get("kibana.alert.rule.severity"))
    if found is not None:
        return found, []
    # Kibana's own risk-score bands, used when a rule sets only the score.
    risk = as_number(get("kibana.alert.risk_score"))
    if risk is None:
        return Severity.MEDIUM, [SEVERITY_UNKNOWN]
    if risk > 73:
        return Severity.CRITICAL, []
    if risk > 47:
        return Severity.HIGH, []
    if risk > 21:
        return Severity.MEDIUM, []
    return Severity.LOW, []


def _techniques(get: Getter) -> list[str]:
    """Rule threat mappings, subtechnique before its technique (the more specific id)."""
    ids: list[Any] = []
    threats = as_list(get("kibana.alert.rule.threat")) or as_list(
        get("kibana.alert.rule.parameters.threat"))
    for threat in threats:
        for technique in as_list(dig(threat, "technique")):
            for sub in as_list(dig(technique, "subtechnique")):
                ids.append(dig(sub, "id"))
            ids.append(dig(technique, "id"))
    # ECS threat.* copied from the source event, when the event itself carried ATT&CK ids.
    ids += as_list(get("threat.technique.subtechnique.id"))
    ids += as_list(get("threat.technique.id"))
    return techniques(ids)


_HASHES = ("md5", "sha1", "sha256", "sha512")


def _entities(get: Getter) -> Entities:
    found = Entities()
    hostname = first_text(get("host.name"), get("host.hostname"))
    addresses = [a for a in as_list(get("host.ip")) if text(a)]
    for address in addresses:
        found.host(hostname, address)
    if not addresses:
        found.host(hostname)
    found.address(get("source.ip"))
    found.address(get("destination.ip"))

    # Loaded libraries (`dll`) are context, often signed and whitelisted: not indicators.
    for name in _HASHES:
        found.file_hash(get(f"file.hash.{name}"))
        found.file_hash(get(f"process.hash.{name}"))
    found.ioc("file", get("file.path"))
    found.ioc("url", get("url.full"))
    found.ioc("domain", get("dns.question.name"))

    indicators = [as_dict(get("threat.indicator"))]
    for enrichment in as_list(get("threat.enrichments")):
        indicators.append(as_dict(dig(enrichment, "indicator")))
        _matched(found, as_dict(dig(enrichment, "matched")))
    for indicator in indicators:
        _indicator(found, indicator)
    return found


def _indicator(found: Entities, indicator: dict[str, Any]) -> None:
    """An ECS threat.indicator object (the intel that matched)."""
    found.remote(lookup(indicator, "ip"))
    found.ioc("domain", lookup(indicator, "domain"))
    found.ioc("url", lookup(indicator, "url.full"))
    found.ioc("email", lookup(indicator, "email.address"))
    for name in _HASHES:
        found.file_hash(lookup(indicator, f"file.hash.{name}"))


def _matched(found: Entities, matched: dict[str, Any]) -> None:
    """The event value an indicator-match rule matched, typed by the field it came from."""
    field, atomic = text(matched.get("field")), matched.get("atomic")
    if field.endswith(".ip"):
        found.remote(atomic)
    elif field.endswith(("url.full", "url.original")):
        found.ioc("url", atomic)
    elif ".hash." in field:
        found.file_hash(atomic)
    elif field.endswith("domain"):
        found.ioc("domain", atomic)
    elif field.endswith(("host.name", "hostname")):
        found.ioc("hostname", atomic)
