"""Wazuh alerts: alerts.json lines, also inside a Logstash or Indexer-hit `_source`; and
Wazuh 5 engine output, ECS-shaped (`rule.name` without id or level, a `wazuh` object),
read by ecs.py."""

from __future__ import annotations

from typing import Any

from zshield_tui.domain import Alert, Severity

from . import ecs
from .common import (
    SEVERITY_UNKNOWN,
    TIME_UNKNOWN,
    Context,
    Entities,
    cve_tags,
    mitre_tags,
    record_id,
    techniques,
)
from .errors import RecordProblem, Skipped
from .fields import as_dict, as_list, as_number, dig, first_text, first_time, text

_NO_RULE = Skipped("Wazuh event that matched no rule")


def unwrap(record: dict[str, Any]) -> dict[str, Any]:
    """The alert itself, out of a Logstash envelope or an Indexer search hit."""
    inner = record.get("_source")
    if isinstance(inner, dict) and isinstance(inner.get("rule"), dict):
        return inner
    return record


def _is_engine5(alert: dict[str, Any]) -> bool:
    return isinstance(alert.get("wazuh"), dict) and isinstance(alert.get("event"), dict)


def detect(record: dict[str, Any]) -> bool:
    """A `rule` object with a `level`, next to an `agent`; or a Wazuh 5 event."""
    alert = unwrap(record)
    rule = alert.get("rule")
    if isinstance(rule, dict) and "level" in rule and "agent" in alert:
        return True
    return _is_engine5(alert) and "agent" in alert


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One Wazuh alert; `raw` keeps the record as read, envelope included. A Wazuh 5
    event that matched no rule is no alert: skipped."""
    alert = unwrap(record)
    rule = alert.get("rule")
    if _is_engine5(alert) and not (isinstance(rule, dict) and "level" in rule):
        if not text(dig(alert, "rule", "name")):
            return _NO_RULE
        return ecs.to_alert(alert, ctx, ident=record_id("wazuh", alert), source="Wazuh",
                            raw=record)
    if not isinstance(rule, dict):
        raise RecordProblem("rule: missing or not an object")

    severity, tags = _severity(rule.get("level"))
    mitre = techniques(as_list(dig(rule, "mitre", "id")))
    tags += mitre_tags(mitre)
    groups = [g for g in (text(g) for g in as_list(rule.get("groups"))) if g]
    tags += groups
    tags += cve_tags([dig(alert, "data", "vulnerability", "cve")])

    # The event generator writes the literal "{timestamp}"; fall back rather than fail.
    created = first_time(
        alert.get("timestamp"), alert.get("@timestamp"),
        *as_list(dig(record, "fields", "timestamp"))[:1], record.get("@timestamp"),
    )
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    rule_id = text(rule.get("id"))
    title = first_text(rule.get("description")) or f"Wazuh rule {rule_id or '?'}"
    found = _entities(alert)
    return Alert(
        # Wazuh's own `id` repeats across managers and in generated data: hash the alert
        # (not the envelope), so the same alert read from alerts.json or the indexer
        # gets the same id.
        id=record_id("wazuh", alert),
        title=title,
        description=_description(alert, title, rule_id, rule.get("level")),
        severity=severity,
        source="Wazuh",
        category=groups[-1] if groups else "",  # the last group is the most specific
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )


def _severity(level: Any) -> tuple[Severity, list[str]]:
    number = as_number(level)
    if number is None:
        return Severity.MEDIUM, [SEVERITY_UNKNOWN]
    if number >= 15:
        return Severity.CRITICAL, []
    if number >= 12:
        return Severity.HIGH, []
    if number >= 7:
        return Severity.MEDIUM, []
    if number >= 4:
        return Severity.LOW, []
    return Severity.INFORMATIONAL, []


def _entities(alert: dict[str, Any]) -> Entities:
    found = Entities()
    agent = as_dict(alert.get("agent"))
    found.host(agent.get("name"), agent.get("ip"))
    found.host(dig(alert, "predecoder", "hostname"))
    data = as_dict(alert.get("data"))
    for key in ("srcip", "dstip"):
        found.address(data.get(key))
    return found


def _description(alert: dict[str, Any], title: str, rule_id: str, level: Any) -> str:
    lines = [title, f"Rule {rule_id or '?'}, level {text(level) or '?'}"]
    location = text(alert.get("location"))
    if location:
        lines.append(f"Location: {location}")
    full_log = text(alert.get("full_log"))
    if full_log:
        lines += ["", full_log]
    return "\n".join(lines)
