"""What-if replay: for the current rules and thresholds, the tickets the alerts of the
last N days would have made, per day, per target, per project or group and assignee, and
the alerts whose mapping would fail.

Every target is replayed as if auto-create were on at its threshold (that is the question
an analyst asks before switching it on). Routing depends only on a few columns, so it is
decided once per distinct (severity, category, source, tags, owners) and reused: on 100k
alerts that is a few hundred rule evaluations. Full alerts are built only for the alerts
that would get a ticket, and only when a mapping check was asked for.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from zshield_tui.domain import Alert, Asset, Severity
from zshield_tui.rules_config import parse_duration
from zshield_tui.store.alerts import get_alert, iso, parse_iso
from zshield_tui.store.automation_rows import children_between, routing_rows

from .autocreate import decide_auto_create

# (alert, target name) -> the draft's errors by field; empty when it would validate.
MappingCheck = Callable[[Alert, str], dict[str, list[str]]]


@dataclass
class Failure:
    """An alert whose draft would not validate on `target`."""

    alert_id: str
    target: str
    errors: dict[str, list[str]]


@dataclass
class WhatIf:
    """The replay's counts; `per_day` has every day of the period, zeros included."""

    days: int
    since: datetime
    until: datetime
    alerts: int = 0
    tickets: int = 0
    per_day: dict[str, int] = field(default_factory=dict)
    per_target: Counter[str] = field(default_factory=Counter)
    per_destination: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_assignee: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_rule: Counter[str] = field(default_factory=Counter)
    recurrences: Counter[str] = field(default_factory=Counter)
    """Per target: alerts its `group_by` would attach to an earlier one's ticket (not in
    `tickets`); the replay takes every ticket as still open."""
    failures: list[Failure] = field(default_factory=list)
    # Child alerts' tickets among `tickets`: what their parents' resolutions would close or
    # note (`children_on_parent_resolved`; none counted when it is "none").
    cascade_setting: str = "close"
    cascades: int = 0

    def as_json(self) -> dict[str, Any]:
        """One JSON-ready document (the `--json` output)."""
        return {
            "days": self.days, "since": iso(self.since), "until": iso(self.until),
            "alerts": self.alerts, "tickets": self.tickets, "per_day": self.per_day,
            "per_target": dict(sorted(self.per_target.items())),
            "per_destination": [{"target": t, "destination": d, "tickets": n}
                                for (t, d), n in sorted(self.per_destination.items())],
            "per_assignee": [{"target": t, "assignee": a, "tickets": n}
                             for (t, a), n in sorted(self.per_assignee.items())],
            "per_rule": dict(sorted(self.per_rule.items())),
            "cascades": {"setting": self.cascade_setting, "child_tickets": self.cascades},
            "recurrences": dict(sorted(self.recurrences.items())),
            "mapping_failures": [{"alert_id": f.alert_id, "target": f.target,
                                  "errors": f.errors} for f in self.failures],
        }


def _as_enabled(targets: list, thresholds: dict[str, str], only: str | None) -> list:
    shims = []
    for target in targets:
        if only is not None and target.name != only:
            continue
        floor = thresholds.get(target.name, target.auto_create.min_severity)
        shims.append(SimpleNamespace(
            name=target.name, auto_create=SimpleNamespace(enabled=True, min_severity=floor)))
    return shims


def replay(conn: sqlite3.Connection, config: Any, days: int, *, now: datetime,
           thresholds: dict[str, str] | None = None, target: str | None = None,
           check: MappingCheck | None = None,
           progress: Callable[[int], None] | None = None) -> WhatIf:
    """Replays the alerts created in the `days` days before `now` through the rules.

    `thresholds` replaces targets' `min_severity` (target -> severity) to try another one;
    `target` counts only that target's tickets; `check` renders and validates each
    would-be ticket (see `mapping_check`); `progress` is told every 10,000 alerts."""
    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days}")
    until = now.astimezone(UTC)
    since = until - timedelta(days=days)
    result = WhatIf(days, since, until)
    first = since.date()
    result.per_day = {(first + timedelta(days=i)).isoformat(): 0
                      for i in range((until.date() - first).days + 1)}
    targets = _as_enabled(config.targets, thresholds or {}, target)
    # All rules stay: with `target`, an alert routed elsewhere by an earlier rule must not
    # fall through to a later rule for `target` (first match wins).
    rules = config.rules
    automation = getattr(config, "automation", None)
    result.cascade_setting = getattr(automation, "children_on_parent_resolved", "close")
    children = children_between(conn, since, until) if result.cascade_setting != "none" \
        else set()
    cache: dict[tuple, list] = {}
    grouping = _Grouping(config)
    for alert_id, rank, category, source, tags, assets, created in routing_rows(conn, since, until):
        result.alerts += 1
        if progress is not None and result.alerts % 10000 == 0:
            progress(result.alerts)
        owners = tuple(a.get("owner") for a in json.loads(assets) if a.get("owner"))
        key = (rank, category.lower(), source.lower(), tags, owners)
        decisions = cache.get(key)
        created_at = parse_iso(created)
        if decisions is None or _time_dependent(decisions):
            probe = Alert.model_construct(
                id=alert_id, title="", severity=Severity.from_rank(rank), category=category,
                source=source, tags=json.loads(tags), created_at=created_at,
                assets=[Asset.model_construct(owner=o) for o in owners])
            decisions = decide_auto_create(probe, targets, rules=rules, oncall=config.oncall,
                                           now=created_at)
            cache[key] = decisions
        for decision in decisions:
            if grouping.recurs(conn, alert_id, decision.target, created_at):
                result.recurrences[decision.target] += 1
                continue
            _count(result, decision, created_at.date())
            result.cascades += alert_id in children
            if check is not None:
                full = get_alert(conn, alert_id)
                errors = check(full, decision.target) if full is not None else {}
                if errors:
                    result.failures.append(Failure(alert_id, decision.target, errors))
    return result


class _Grouping:
    """The targets' `group_by` over the replay: the first alert of each key opens a
    window (`group_window`), alerts with that key inside it are recurrences. Full alerts
    are read only for targets that group."""

    def __init__(self, config: Any) -> None:
        self.targets = {t.name: t for t in config.targets
                        if getattr(t, "group_by", None) is not None}
        self.opened: dict[tuple[str, str], datetime] = {}
        self.env: Any = None
        if self.targets:
            from zshield_tui.mapping.environment import default_environment, environment_for
            from zshield_tui.mapping.filters import FilterError, filter_overrides
            try:
                self.env = environment_for(filter_overrides(config))
            except FilterError:
                self.env = default_environment()

    def recurs(self, conn: sqlite3.Connection, alert_id: str, target: str,
               at: datetime) -> bool:
        config = self.targets.get(target)
        if config is None:
            return False
        from zshield_tui.mapping.group_key import group_key

        alert = get_alert(conn, alert_id)
        key = group_key(config.group_by, alert, self.env) if alert is not None else None
        if key is None:
            return False
        first = self.opened.get((target, key))
        if first is not None and abs(at - first) < parse_duration(config.group_window):
            return True
        self.opened[(target, key)] = at
        return False


def _time_dependent(decisions: list) -> bool:
    # An on-call assignee depends on the alert's time; such decisions are not reused.
    return any(d.oncall for d in decisions)


def _count(result: WhatIf, decision, day: date) -> None:
    result.tickets += 1
    result.per_day[day.isoformat()] = result.per_day.get(day.isoformat(), 0) + 1
    result.per_target[decision.target] += 1
    destination = decision.project or decision.group or "(mapping default)"
    result.per_destination[(decision.target, destination)] += 1
    result.per_assignee[(decision.target, decision.assignee or "(unassigned)")] += 1
    result.per_rule[decision.rule or "(no rule)"] += 1
