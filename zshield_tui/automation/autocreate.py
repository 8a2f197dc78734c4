"""Auto-create: per target, create a ticket when the alert's severity is at or above the
target's threshold, and never twice for one alert.

This is a pure decision. The sync engine calls `decide_auto_create` on ingest and on
every sync, passing what already exists for the alert (its tickets and its outbox
entries); an alert with a ticket, or a pending/done create in the outbox, for a target
gets no second decision there. Calling it twice with the same `existing` gives the same
answer, and once the first decision is queued the second call gives none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zshield_tui.domain import Alert, Severity
from zshield_tui.rules_config import OnCall, Rule

from .assign import assign
from .rules import route

RELEASED = frozenset({"cancelled"})


@dataclass(frozen=True)
class Existing:
    """Something already made for an alert on a target: a ticket or an outbox entry.
    A create the outbox cancelled does not count; pending, running, failed (still being
    retried) and done ones do."""

    target: str
    kind: str = "ticket"          # ticket | outbox | audit (a failed auto-create)
    operation: str = "create"     # outbox only
    status: str = ""              # outbox only: pending | running | failed | done | cancelled


def existing_in_store(conn, alert_id: str) -> list[Existing]:
    """What the store already holds for `alert_id`: the `existing` argument the sync
    engine passes to `decide_auto_create`, read in its own transaction."""
    from zshield_tui.store.automation_rows import existing_for

    return [Existing(target, kind, op, status)
            for target, kind, op, status in existing_for(conn, alert_id)]


@dataclass(frozen=True)
class Decision:
    """Create a ticket for `alert_id` on `target`; `rule` is None when no rule routed it."""

    alert_id: str
    target: str
    project: str | None
    group: str | None
    assignee: str | None
    rule: str | None
    reason: str
    oncall: bool = False
    """The assignee came from an on-call rotation (it depends on the time)."""


def _threshold(target) -> Severity | None:
    auto = getattr(target, "auto_create", None)
    if auto is None or not auto.enabled:
        return None
    return Severity(auto.min_severity)


def _taken(existing: Iterable[Existing]) -> set[str]:
    taken = set()
    for item in existing:
        if item.kind == "ticket" or (item.operation == "create" and item.status not in RELEASED):
            taken.add(item.target)
    return taken


def decide_auto_create(alert: Alert, targets: list, existing: Iterable[Existing] = (),
                       *, rules: list[Rule] | None = None,
                       oncall: dict[str, OnCall] | None = None,
                       now: datetime | None = None) -> list[Decision]:
    """The tickets to create now for `alert`: at most one per target.

    The routing rule (first match) picks the target and project or group; a rule that
    routes to a target without auto-create yields nothing. With no matching rule every
    auto-create target whose threshold the alert meets gets a ticket, with the mapping's
    own project and no assignee.
    """
    taken = _taken(existing)
    by_name = {t.name: t for t in targets}
    match = route(alert, rules or [])
    moment = now or alert.created_at
    if match is not None:
        then = match.rule.then
        target = by_name.get(then.target)
        floor = _threshold(target) if target is not None else None
        if floor is None or alert.severity.rank < floor.rank or then.target in taken:
            return []
        who = assign(then, alert, oncall or {}, moment)
        reason = (f"{alert.severity.value} >= {floor.value} on {then.target}; "
                  f"{match.explain()}; assignee: {who.reason}")
        return [Decision(alert.id, then.target, then.project, then.group, who.assignee,
                         match.rule.name, reason, who.oncall)]
    decisions = []
    for target in targets:
        floor = _threshold(target)
        if floor is None or alert.severity.rank < floor.rank or target.name in taken:
            continue
        decisions.append(Decision(alert.id, target.name, None, None, None, None,
                                  f"{alert.severity.value} >= {floor.value} on {target.name}"
                                  "; no rule matched"))
    return decisions


def auto_create_plan(conn, config: Any, alert: Alert, *, config_file: Path,
                     now: datetime | None = None, targets: list | None = None
                     ) -> list[Decision]:
    """What the sync engine calls on ingest and on every sync: the config's targets with
    the staging gate applied (the rules screen's switches, production paused until
    staged), what the store already holds for the alert, and the decision. Queue each
    decision in the outbox (then audit it with `audit.record_auto_create`) in the same
    transaction, so a second call decides nothing.

    `targets`: `effective_targets(...)` when the caller already has them (a pass over many
    alerts reads the gate once, not once per alert)."""
    from .staging import effective_targets

    if targets is None:
        targets = effective_targets(conn, config, config_file)
    return decide_auto_create(alert, targets, existing_in_store(conn, alert.id),
                              rules=config.rules, oncall=config.oncall, now=now)
