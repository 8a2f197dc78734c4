"""What ECS-shaped documents share, whoever wrote them: Elastic alerts (elastic.py) and
Wazuh 5 engine output (wazuh.py). Every read goes through a getter over dotted paths,
because one document may spell a field flat, nested or both.
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
    severity_from_text,
    syslog_severity,
    techniques,
)
from .errors import RecordProblem
from .fields import as_dict, as_list, first_text, first_time, lookup, text

Getter = Callable[[str], Any]

HASHES = ("md5", "sha1", "sha256", "sha512")


def getter(document: dict[str, Any]) -> Getter:
    """`get("host.name")` over the document, flat, nested or mixed."""
    return lambda path: lookup(document, path)


def risk_severity(score: float) -> Severity:
    """Kibana's own risk-score bands (0-100; Attack Discovery goes past 100)."""
    if score > 73:
        return Severity.CRITICAL
    if score > 47:
        return Severity.HIGH
    if score > 21:
        return Severity.MEDIUM
    return Severity.LOW


def severity(get: Getter) -> tuple[Severity, list[str]]:
    """A named severity first (vulnerability.severity, the syslog severity an
    integration kept), then event.risk_score; event.severity is a number whose scale
    each source picks, so it is not guessed at."""
    named = (severity_from_text(get("vulnerability.severity"))
             or syslog_severity(get("log.syslog.severity.name"))
             or severity_from_text(get("log.level")))
    if named is not None:
        return named, []
    score = get("event.risk_score")
    if isinstance(score, int | float) and not isinstance(score, bool):
        return risk_severity(score), []
    return Severity.MEDIUM, [SEVERITY_UNKNOWN]


def technique_ids(get: Getter) -> list[Any]:
    """ECS threat.* ATT&CK ids, subtechniques first (the more specific). Wazuh 5 writes
    each as a list."""
    ids: list[Any] = []
    for path in ("threat.technique.subtechnique.id", "threat.technique.id"):
        ids += as_list(get(path))
    return ids


def entities(get: Getter) -> Entities:
    """Hosts of ours, the other parties, and the indicators ECS names."""
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
    for name in HASHES:
        found.file_hash(get(f"file.hash.{name}"))
        found.file_hash(get(f"process.hash.{name}"))
    # Sysmon-style hashes, as Wazuh 5 writes them: ["SHA256=90AC...", "MD5=3EC9..."].
    for item in as_list(get("process.hash")):
        if isinstance(item, str) and "=" in item:
            kind, _, value = item.partition("=")
            if kind.lower() in HASHES:
                found.file_hash(value)
    found.ioc("file", get("file.path"))
    found.ioc("url", get("url.full"))
    found.ioc("domain", get("dns.question.name"))

    # 8.x writes one threat.indicator object; 7.x signals a list of them.
    indicators = [as_dict(item) for item in as_list(get("threat.indicator"))]
    for enrichment in as_list(get("threat.enrichments")):
        indicators.append(as_dict(lookup(enrichment, "indicator")))
        matched(found, as_dict(lookup(enrichment, "matched")))
    for indicator in indicators:
        _indicator(found, indicator)
        matched(found, as_dict(indicator.get("matched")))
    return found


def _indicator(found: Entities, indicator: dict[str, Any]) -> None:
    """An ECS threat.indicator object (the intel that matched)."""
    found.remote(lookup(indicator, "ip"))
    found.ioc("domain", lookup(indicator, "domain"))
    found.ioc("url", lookup(indicator, "url.full"))
    found.ioc("email", lookup(indicator, "email.address"))
    for name in HASHES:
        found.file_hash(lookup(indicator, f"file.hash.{name}"))


def matched(found: Entities, match: dict[str, Any]) -> None:
    """The event value an indicator-match rule matched, typed by the field it came from."""
    field, atomic = text(match.get("field")), match.get("atomic")
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


def to_alert(document: dict[str, Any], ctx: Context, *, ident: str, source: str,
             raw: dict[str, Any]) -> Alert:
    """An ECS document that is an alert (a rule matched): named after its rule."""
    get = getter(document)
    title = first_text(get("rule.name"), *as_list(get("message"))[:1], get("event.action"))
    if not title:
        raise RecordProblem("rule.name: missing")
    level, tags = severity(get)
    mitre = techniques(technique_ids(get))
    tags += mitre_tags(mitre)
    created = first_time(get("@timestamp"), get("timestamp"), get("event.created"),
                         get("event.start"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)
    parts = [text(get("rule.description")), text(get("event.reason")),
             *(text(m) for m in as_list(get("message")))]
    found = entities(get)
    return Alert(
        id=ident,
        title=title,
        description="\n\n".join(dict.fromkeys(p for p in parts if p and p != title)),
        severity=level,
        source=source,
        category=first_text(*as_list(get("event.category")), get("rule.category")),
        mitre_technique=mitre[0] if mitre else None,
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=raw,
    )
