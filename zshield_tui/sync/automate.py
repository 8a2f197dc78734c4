"""Automation, run by the sync layer: auto-create and escalation turned into outbox ops.

Auto-create runs on ingest, for exactly the alerts the ingest stored (new or changed), and
on every sync pass, for the alerts that arrived since the last pass. Each decision becomes
a `create` op and an `auto_create` audit row in one transaction, so a second pass (or a
rerun after a crash) finds the op and decides nothing. A draft whose mapping fails
validation is audited as `auto_create_failed` instead (shown on the alert) and never tried
again automatically: `zshield push` it once the mapping is fixed.

The sync pass reads only alerts past a cursor (the `@auto-create` row of `sync_cursor`,
see store.automation_rows) and at or above the lowest enabled threshold, both in SQL, so
a million stored alerts cost nothing. With no cursor yet, the first pass starts at the
newest alert: switching auto-create on (or syncing an old database for the first time)
never floods the queue with history. While auto-create is off everywhere the cursor still
follows the newest alert, for the same reason: a production target paused for staging
(automation/staging.py) does not catch up on what arrived during the pause once a staging
run passes.

Escalation runs after each poll: tickets still in a "new" status once their window is up
get an `escalate` op (carried out by escalate_op.py) and an `escalate` audit row in one
transaction; that audit row is what makes it once per window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from zshield_tui.automation.audit import (
    record_auto_create,
    record_auto_create_failed,
    record_escalation,
)
from zshield_tui.automation.autocreate import Decision, auto_create_plan
from zshield_tui.automation.escalation import EscalationDecision, TicketState, escalations_due
from zshield_tui.automation.staging import Gate, effective_targets, gates
from zshield_tui.domain import Alert, Severity
from zshield_tui.store import automation_rows as rows
from zshield_tui.store import get_alert
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import parse_iso
from zshield_tui.store.syncrepo import transaction

from .recurrence import queue_ticket
from .targets import TargetError

if TYPE_CHECKING:
    import sqlite3

    from .engine import SyncEngine

CHUNK = 500   # alerts decided per transaction: short write locks, a crash redoes one chunk


@dataclass
class AutoCreateReport:
    """What one auto-create run queued, per target, and what it could not."""

    queued: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    """(alert id, target, errors by field) of drafts whose mapping did not validate."""
    paused: dict[str, str] = field(default_factory=dict)
    """Target -> why its auto-create waits for a staging run (it created nothing)."""

    def line(self, *, paused: bool = True) -> str:
        """`auto-create: 3 queued (jira-sec 2, snow-sir 1)`; with `paused`, the targets
        waiting for a staging run too (the daemon logs those once, on its own)."""
        parts = ", ".join(f"{name} {n}" for name, n in sorted(self.queued.items()))
        text = f"auto-create: {self.queued.total()} queued" + (f" ({parts})" if parts else "")
        if self.failed:
            text += f", {len(self.failed)} failed (invalid mapping, see `zshield show`)"
        if paused and self.paused:
            text += (f"; paused until staged: {', '.join(sorted(self.paused))} "
                     "(see `zshield rules show`)")
        return text


@dataclass
class AutomationReport:
    """What a sync pass's automation did."""

    created: AutoCreateReport = field(default_factory=AutoCreateReport)
    escalated: list[EscalationDecision] = field(default_factory=list)


def lowest_threshold(targets: Iterable[Any]) -> Severity | None:
    """The lowest `min_severity` among targets with auto-create on; None when all are off."""
    floors = [Severity(t.auto_create.min_severity) for t in targets if t.auto_create.enabled]
    return min(floors, key=lambda s: s.rank) if floors else None


def auto_create_floor(conn: Any, config: Any, config_file: Path) -> Severity | None:
    """The lowest threshold of the targets where auto-create is wanted (paused ones too,
    so that an ingest can say they are paused): ingest only keeps the ids of alerts at or
    above it."""
    wanted = [SimpleNamespace(auto_create=SimpleNamespace(enabled=g.wanted,
                                                          min_severity=g.min_severity))
              for g in gates(conn, config, config_file).values()]
    return lowest_threshold(wanted)


def _gated(engine: SyncEngine, report: AutoCreateReport) -> list:
    """The targets as the staging gate allows them now; the paused ones go in the report."""
    conn = engine.store.conn
    found: dict[str, Gate] = gates(conn, engine.config, engine.config_file)
    report.paused = {name: g.paused for name, g in found.items() if g.paused}
    return effective_targets(conn, engine.config, engine.config_file, found)


def auto_create_alerts(engine: SyncEngine, alert_ids: Iterable[str]) -> AutoCreateReport:
    """Queues the auto-creates due for exactly these alerts (what an ingest just stored)."""
    report = AutoCreateReport()
    targets = _gated(engine, report)
    if lowest_threshold(targets) is None:
        return report
    ids = list(dict.fromkeys(alert_ids))
    conn = engine.store.conn
    for start in range(0, len(ids), CHUNK):
        with transaction(conn):
            repo.exclusive(conn)   # another daemon deciding for the same alerts waits
            for alert_id in ids[start:start + CHUNK]:
                _queue(engine, conn, alert_id, targets, report)
    return report


def auto_create_new(engine: SyncEngine) -> AutoCreateReport:
    """Queues the auto-creates due for alerts stored since the last pass; the first pass
    (no cursor) only marks where the next one starts."""
    report = AutoCreateReport()
    conn = engine.store.conn
    targets = _gated(engine, report)
    floor = lowest_threshold(targets)
    top = rows.max_seq(conn)
    cursor = rows.auto_create_cursor(conn)
    while cursor is not None and floor is not None:
        with transaction(conn):
            repo.exclusive(conn)
            batch = rows.alerts_after(conn, cursor, floor.rank, limit=CHUNK)
            for _, alert_id in batch:
                _queue(engine, conn, alert_id, targets, report)
            if batch:
                cursor = batch[-1][0]
                rows.set_auto_create_cursor(conn, cursor)
        if len(batch) < CHUNK:
            break
    if cursor is None or cursor < top:
        # Everything up to `top` below the threshold needs no look either.
        with transaction(conn):
            rows.set_auto_create_cursor(conn, top)
    return report


def _queue(engine: SyncEngine, conn: sqlite3.Connection, alert_id: str, targets: list,
           report: AutoCreateReport) -> None:
    """Decides for one alert and queues (or audits as failed) each decision, inside the
    caller's transaction."""
    alert = get_alert(conn, alert_id)
    if alert is None:
        return
    now = engine.clock()
    for decision in auto_create_plan(conn, engine.config, alert, config_file=engine.config_file,
                                     now=now, targets=targets):
        payload, errors = draft_for(engine, alert, decision)
        if errors:
            record_auto_create_failed(conn, decision, errors, at=now)
            report.failed.append((alert.id, decision.target, errors))
            continue
        if not queue_ticket(conn, engine.target(decision.target), alert.id, payload,
                            engine.group_key(alert, decision.target)):
            continue   # a push from another process queued it first
        record_auto_create(conn, decision, at=now)
        report.queued[decision.target] += 1


def draft_for(engine: SyncEngine, alert: Alert, decision: Decision
           ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The create payload the target's mapping renders, with the rule's routing applied;
    or the errors that stop it."""
    try:
        target = engine.target(decision.target)
        draft = engine.render(alert, target.name)
    except TargetError as exc:
        return {}, {"(mapping)": [str(exc)]}
    if draft.errors:
        return {}, draft.errors
    # What the rule chose overrides the mapping; the connector resolves names.
    return target.connector_class.routed(draft.payload, project=decision.project,
                                         group=decision.group,
                                         assignee=decision.assignee), {}


def queue_escalations(engine: SyncEngine) -> list[EscalationDecision]:
    """Queues the escalations due now on linked tickets still in a "new" status; tickets
    whose remote creation time the poller has not seen yet wait for it."""
    escalation = engine.config.escalation
    if escalation is None:
        return []
    conn = engine.store.conn
    now = engine.clock()
    with transaction(conn):
        repo.exclusive(conn)   # two daemons must not both find an escalation due
        tickets = [TicketState(alert_id, target, key, status, parse_iso(created))
                   for alert_id, target, key, status, created
                   in rows.unacknowledged_tickets(conn, escalation.new_states)
                   if target in engine.targets]
        decisions = escalations_due(conn, engine.config, tickets, lambda: now)
        for decision in decisions:
            repo.enqueue(conn, decision.target, decision.alert_id, "escalate", {
                "key": decision.key, "window": decision.window,
                "raise_priority": decision.raise_priority, "assignee": decision.assignee,
                "comment": decision.comment, "new_states": escalation.new_states})
            record_escalation(conn, decision, at=now)
    return decisions
