"""Routing: the first rule whose conditions all hold routes the alert (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass

from zshield_tui.domain import Alert, Severity
from zshield_tui.rules_config import Rule, RuleWhen


@dataclass(frozen=True)
class Match:
    """The rule that routes an alert, its position, and why it matched."""

    rule: Rule
    index: int
    reasons: tuple[str, ...]

    def explain(self) -> str:
        why = "; ".join(self.reasons) or "the rule has no conditions"
        return f"rule {self.index + 1} {self.rule.name!r}: {why}"


def _as_set(value: str | list[str] | None) -> set[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    return {v.lower() for v in values}


def check_when(when: RuleWhen, alert: Alert) -> tuple[bool, list[str]]:
    """Whether every condition holds, with one reason per condition (the failing one last)."""
    reasons: list[str] = []
    if when.min_severity is not None:
        floor = Severity(when.min_severity)
        if alert.severity.rank < floor.rank:
            return False, [*reasons, f"severity {alert.severity.value} < {floor.value}"]
        reasons.append(f"severity {alert.severity.value} >= {floor.value}")
    for name, wanted, actual in (("category", when.category, alert.category),
                                 ("source", when.source, alert.source)):
        allowed = _as_set(wanted)
        if allowed is None:
            continue
        if actual.lower() not in allowed:
            return False, [*reasons, f"{name} {actual!r} not in {sorted(allowed)}"]
        reasons.append(f"{name} is {actual!r}")
    owners = _as_set(when.asset_owner)
    if owners is not None:
        hit = next((a.owner for a in alert.assets if a.owner and a.owner.lower() in owners), None)
        if hit is None:
            return False, [*reasons, f"no asset owned by {sorted(owners)}"]
        reasons.append(f"asset owner {hit!r}")
    tags = _as_set(when.tag)
    if tags is not None:
        hit = next((t for t in alert.tags if t.lower() in tags), None)
        if hit is None:
            return False, [*reasons, f"no tag in {sorted(tags)}"]
        reasons.append(f"tag {hit!r}")
    return True, reasons


def route(alert: Alert, rules: list[Rule]) -> Match | None:
    """The first matching rule, or None when no rule routes the alert."""
    for index, rule in enumerate(rules):
        matched, reasons = check_when(rule.when, alert)
        if matched:
            return Match(rule, index, tuple(reasons))
    return None


def explain_all(alert: Alert, rules: list[Rule]) -> list[tuple[Rule, bool, list[str]]]:
    """Every rule with whether it matches and why (for the rules screen and `rules show`)."""
    return [(rule, *check_when(rule.when, alert)) for rule in rules]


def describe_when(when: RuleWhen) -> str:
    """`severity >= critical, category malware|ransomware`, or `always`: a rule's
    conditions as the rules screen and `zshield rules show` print them."""
    parts = [f"severity >= {when.min_severity}"] if when.min_severity else []
    for name in ("category", "source", "asset_owner", "tag"):
        value = getattr(when, name)
        if value is not None:
            parts.append(f"{name} {value if isinstance(value, str) else '|'.join(value)}")
    return ", ".join(parts) or "always"


def describe_then(rule: Rule) -> str:
    """`jira-sec, project SOCCRIT, assign oncall:primary`: where a rule sends the ticket."""
    then = rule.then
    parts = [then.target]
    parts += [f"project {then.project}"] if then.project else []
    parts += [f"group {then.group}"] if then.group else []
    parts += [f"assign {then.assign}"] if then.assign else []
    return ", ".join(parts)
