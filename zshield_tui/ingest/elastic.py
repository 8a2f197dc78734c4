"""Elastic Security alerts (Kibana `kibana.alert.*`), legacy 7.x signals (`signal.*`),
and any ECS document that says it is an alert (`event.kind: alert`), bare or wrapped.

Wrappers: an es_archive document `{"type": "doc", "value": {"source": ...}}`, a search
hit `{"_source": ...}` and a search response `{"hits": {"hits": [...]}}`. Keys are flat
(`"kibana.alert.rule.name"`), nested (`"host": {"name": ...}`) or both in one document,
so every read goes through a getter.
"""

from __future__ import annotations

from typing import Any

from zshield_tui.domain import Alert, Severity

from . import ecs
from .common import (
    SEVERITY_UNKNOWN,
    TIME_UNKNOWN,
    Context,
    mitre_tags,
    native_id,
    record_id,
    severity_from_text,
    techniques,
)
from .ecs import Getter
from .errors import RecordProblem, Skipped
from .fields import as_list, as_number, dig, first_text, first_time, lookup, text

# A 7.x signal spells `kibana.alert.X` as `signal.X`, except these.
_LEGACY = {"severity": "signal.rule.severity", "risk_score": "signal.rule.risk_score",
           "uuid": "signal.uuid"}
_NO_RULE = Skipped("Elastic signal without a rule")


def unwrap(record: dict[str, Any]) -> dict[str, Any]:
    """The alert document out of its es_archive or search-hit wrapper."""
    if record.get("type") == "doc":
        source = dig(record, "value", "source")
        if isinstance(source, dict):
            return source
    source = record.get("_source")
    return source if isinstance(source, dict) else record


def _doc_id(record: dict[str, Any]) -> Any:
    return dig(record, "value", "id") if record.get("type") == "doc" else record.get("_id")


def _is_kibana(alert: dict[str, Any]) -> bool:
    if isinstance(dig(alert, "kibana", "alert"), dict):
        return True
    return any(isinstance(key, str) and key.startswith("kibana.alert.") for key in alert)


def _is_signal(alert: dict[str, Any]) -> bool:
    if isinstance(alert.get("signal"), dict) and "@timestamp" in alert:
        return True
    return any(isinstance(key, str) and key.startswith("signal.rule.") for key in alert)


def _is_ecs_alert(alert: dict[str, Any]) -> bool:
    # Wazuh 5 writes ECS too, with a `wazuh` object: wazuh.py reads those.
    return lookup(alert, "event.kind") == "alert" and "wazuh" not in alert


def detect(record: dict[str, Any]) -> bool:
    """Any `kibana.alert.*` field, a 7.x `signal`, an ECS `event.kind: alert`, or a
    search response whose first hit is one of these."""
    hits = _hits(record)
    if hits is not None:
        return bool(hits) and isinstance(hits[0], dict) and detect(hits[0])
    alert = unwrap(record)
    return _is_kibana(alert) or _is_signal(alert) or _is_ecs_alert(alert)


def _hits(record: dict[str, Any]) -> list | None:
    hits = dig(record, "hits", "hits")
    return hits if isinstance(hits, list) else None


def expand(record: dict[str, Any]) -> list[Any]:
    """The hits of a search response; any other record is one document."""
    hits = _hits(record)
    return [record] if hits is None else hits


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One alert; `raw` keeps the record as read."""
    alert = unwrap(record)
    if _is_kibana(alert):
        return _detection(record, alert, ctx, ecs.getter(alert))
    if _is_signal(alert):
        if not _legacy_rule(alert):
            return _NO_RULE  # Kibana's own fixtures hold `"signal": {}`
        return _detection(record, alert, ctx, _legacy_getter(alert))
    ident = native_id("elastic", _doc_id(record)) or record_id("elastic", alert)
    product = first_text(lookup(alert, "observer.product"), lookup(alert, "event.module"))
    source = f"{product[:1].upper()}{product[1:]} (Elastic)" if product else "Elastic"
    return ecs.to_alert(alert, ctx, ident=ident, source=source, raw=record)


def _legacy_rule(alert: dict[str, Any]) -> bool:
    return bool(text(lookup(alert, "signal.rule.name")))


def _legacy_getter(alert: dict[str, Any]) -> Getter:
    def get(path: str) -> Any:
        if path.startswith("kibana.alert."):
            rest = path.removeprefix("kibana.alert.")
            return lookup(alert, _LEGACY.get(rest, f"signal.{rest}"))
        return lookup(alert, path)
    return get


def _detection(record: dict[str, Any], alert: dict[str, Any], ctx: Context,
               get: Getter) -> Alert:
    """A detection-engine alert (8.x) or signal (7.x), read through `get`."""
    title = _title(get)
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

    reason = first_text(get("kibana.alert.reason"),
                        get("kibana.alert.attack_discovery.summary_markdown_with_replacements"),
                        get("kibana.alert.attack_discovery.summary_markdown"))
    rule_description = text(get("kibana.alert.rule.description"))
    description = "\n\n".join(p for p in (reason, rule_description) if p)
    found = ecs.entities(get)
    return Alert(
        id=(native_id("elastic", get("kibana.alert.uuid"))
            or (native_id("elastic", _doc_id(record)) if _is_signal(alert) else None)
            or record_id("elastic", alert)),
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


def _title(get: Getter) -> str:
    # An Attack Discovery names the attack it found; its rule is only the schedule.
    discovery = first_text(get("kibana.alert.attack_discovery.title_with_replacements"),
                           get("kibana.alert.attack_discovery.title"))
    if discovery:
        return discovery
    # A rule with rule_name_override names each alert after a field of the source event.
    override = first_text(get("kibana.alert.rule.rule_name_override"),
                          get("kibana.alert.rule.parameters.rule_name_override"))
    if override:
        named = first_text(get(override))
        if named:
            return named
    return first_text(get("kibana.alert.rule.name"), get("kibana.alert.rule.parameters.name"))


def _severity(get: Getter) -> tuple[Severity, list[str]]:
    found = severity_from_text(get("kibana.alert.severity")) or severity_from_text(
        get("kibana.alert.rule.severity"))
    if found is not None:
        return found, []
    # Kibana's own risk-score bands, used when a rule sets only the score.
    risk = as_number(get("kibana.alert.risk_score"))
    if risk is None:
        return Severity.MEDIUM, [SEVERITY_UNKNOWN]
    return ecs.risk_severity(risk), []


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
    return techniques(ids + ecs.technique_ids(get))
