"""`zshield rules stage`: a production target's tickets sent for real to its staging twin.

The newest alerts the rules would auto-create on the target are rendered exactly as its
auto-create would render them (its mapping, the routing rule's project, group and
assignee), then queued as creates on the twin through the normal outbox and sent. The run
passes when every one became a ticket; it is recorded with the fingerprint of the mapping,
rules and filters it tested (automation/staging.py), which is what lets production
auto-create run. There is no way to record a pass without sending.

Alerts that already have a ticket on the twin are skipped: a create finds an existing
ticket by its correlation key instead of making one, so it would test nothing new.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zshield_tui.sync.engine import SyncEngine

SCAN_LIMIT = 20_000   # newest alerts looked at for candidates: a bound, not a promise


class StageError(Exception):
    """A staging run cannot start; `usage` says whether the command line is at fault
    (exit 2) or the data (no alert left to stage: exit 1)."""

    def __init__(self, message: str, *, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class StageResult:
    """A recorded staging run: what was created on the twin and what went wrong."""

    target: str
    twin: str
    ok: bool
    asked: int
    tickets: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    run_id: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"target": self.target, "twin": self.twin, "ok": self.ok, "asked": self.asked,
                "tickets": self.tickets, "problems": self.problems, "run": self.run_id}


def run_stage(engine: SyncEngine, target_name: str, count: int, *, actor: str,
              now: datetime | None = None) -> StageResult:
    """Stages `count` alerts of `target_name` on its twin and records the run."""
    from zshield_tui.automation.staging import fingerprint
    from zshield_tui.store import staging_rows
    from zshield_tui.store.syncrepo import transaction
    from zshield_tui.sync.automate import draft_for

    config, conn = engine.config, engine.store.conn
    target, twin = _check(engine, target_name, count)
    # What is tested is what the files say now, before anything is sent.
    tested = fingerprint(config, engine.config_file, target)
    plan = _candidates(engine, target, twin.name, count)
    if not plan:
        raise StageError(f"no alert left that the rules would auto-create on {target.name} "
                         f"(at or above {target.auto_create.min_severity}, without a ticket "
                         f"on {twin.name}); ingest a few, then stage again", usage=False)
    drafts, problems = {}, []
    for alert, decision in plan:
        payload, errors = draft_for(engine, alert, decision)
        for name, messages in errors.items():
            problems.append(f"{alert.id}: invalid {name}: {'; '.join(messages)}")
        drafts[alert.id] = payload
    if not problems and twin.connector_class.drops_unknown_fields:
        problems = _check_fields(engine, target.name, twin, plan)
    tickets: list[dict[str, str]] = []
    if not problems:   # a mapping that fails here sends nothing: the run already failed
        tickets, problems = _send(engine, twin.name, drafts)
    ok = not problems and len(tickets) == len(plan)
    with transaction(conn):
        run_id = staging_rows.record_staging_run(
            conn, target.name, twin.name, tested, ok=ok, tickets=tickets, problems=problems,
            actor=actor, at=now or datetime.now(UTC))
    return StageResult(target.name, twin.name, ok, len(plan), tickets, problems, run_id)


def check_request(config: Any, name: str, count: int) -> Any:
    """The configured production target to stage; StageError when the options cannot
    be staged (checked before the database is opened)."""
    if count < 1:
        raise StageError("--count: must be 1 or more")
    by_name = {t.name: t for t in config.targets}
    if name not in by_name:
        raise StageError(f"--target: no target {name!r}; known: {', '.join(by_name) or 'none'}")
    target = by_name[name]
    if target.staging:
        raise StageError(f"--target: {name} is a staging target; its auto-create needs no "
                         "staging run (stage the production target whose twin it is)")
    if target.staging_twin is None:
        raise StageError(f"--target: {name} has no staging_twin; add staging_twin = \"NAME\" "
                         "naming a target with staging = true")
    return target


def _check(engine: SyncEngine, name: str, count: int) -> tuple[Any, Any]:
    from zshield_tui.sync.targets import TargetError

    target = check_request(engine.config, name, count)
    try:
        prod, twin = engine.target(name), engine.target(target.staging_twin)
    except TargetError as exc:
        raise StageError(str(exc)) from None
    if prod.mapping is None:
        raise StageError(f"--target: {name} has no mapping file to stage")
    if (prod.kind, prod.config.deployment) != (twin.kind, twin.config.deployment):
        raise StageError(f"--target: the staging twin {twin.name} is {_kind(twin)}, {name} "
                         f"is {_kind(prod)}: a twin must be the same kind of system")
    return target, twin


def _kind(target: Any) -> str:
    return " ".join(p for p in (target.kind, target.config.deployment) if p)


def _candidates(engine: SyncEngine, target: Any, twin: str, count: int
                ) -> list[tuple[Any, Any]]:
    """(alert, decision) for the newest alerts the rules route to `target` (as if its
    auto-create were on), skipping those already on the twin."""
    from zshield_tui.automation.autocreate import (
        RELEASED,
        decide_auto_create,
        existing_in_store,
    )
    from zshield_tui.domain import Severity
    from zshield_tui.store import get_alert
    from zshield_tui.store.staging_rows import newest_at_or_above

    conn, config = engine.store.conn, engine.config
    floor = Severity(target.auto_create.min_severity)
    shim = SimpleNamespace(name=target.name, auto_create=SimpleNamespace(
        enabled=True, min_severity=floor.value))
    found = []
    for alert_id in newest_at_or_above(conn, floor.rank, limit=SCAN_LIMIT):
        if any(e.target == twin and (e.kind == "ticket" or (
                e.kind == "outbox" and e.status not in RELEASED))
               for e in existing_in_store(conn, alert_id)):
            continue   # a cancelled create (a failed run) is staged again
        alert = get_alert(conn, alert_id)
        if alert is None:
            continue
        decisions = decide_auto_create(alert, [shim], rules=config.rules, oncall=config.oncall,
                                       now=engine.clock())
        if decisions:
            found.append((alert, decisions[0]))
            if len(found) == count:
                break
    return found


def _check_fields(engine: SyncEngine, name: str, twin: Any, plan: list[tuple[Any, Any]]
                  ) -> list[str]:
    """A system that drops unknown fields on create would pass a mapping with a typo:
    every draft is checked against the fields the twin says a create may hold."""
    from zshield_tui.connectors.errors import ConnectorError
    from zshield_tui.mapping.validate import validate_draft
    from zshield_tui.sync.targets import make_connector

    table = engine.target(name).table

    async def fetch() -> Any:
        async with make_connector(twin, engine.env) as connector:
            return await connector.create_metadata(table)

    try:
        metadata = asyncio.run(fetch())
    except ConnectorError as exc:
        return [f"{twin.name}: the fields of {table} could not be read: {exc}"]
    problems = []
    for alert, decision in plan:
        draft = engine.render(alert, decision.target)
        checked = validate_draft(draft, twin.kind, metadata, table=table).draft
        problems += [f"{alert.id}: invalid {field}: {'; '.join(messages)}"
                     for field, messages in checked.errors.items()]
    return problems


def _send(engine: SyncEngine, twin: str, drafts: dict[str, dict[str, Any]]
          ) -> tuple[list[dict[str, str]], list[str]]:
    """Queues and sends the creates on the twin; what became a ticket, and what did not
    (whatever did not is cancelled: a staging run does not go on in the background)."""
    from zshield_tui.store import syncrepo as repo
    from zshield_tui.store.syncrepo import transaction

    conn = engine.store.conn
    with transaction(conn):
        for alert_id, payload in drafts.items():
            if repo.open_op(conn, twin, alert_id, "create") is None:
                repo.enqueue(conn, twin, alert_id, "create", {"draft": payload})
    report = asyncio.run(engine.drain([twin]))
    errors = {r.alert_id: r.detail for r in report.results if not r.ok}
    tickets, problems = [], []
    for alert_id in drafts:
        ticket = repo.ticket_for(conn, alert_id, twin)
        if ticket is not None:
            tickets.append({"alert_id": alert_id, "key": ticket.key, "url": ticket.url or ""})
            continue
        left = repo.open_op(conn, twin, alert_id, "create")
        why = errors.get(alert_id) or (left.last_error if left else None) \
            or report.stopped.get(twin) or "no ticket was created"
        problems.append(f"{alert_id}: {why}")
        if left is not None:
            repo.cancel(conn, left.id)
    return tickets, problems


def stage_summary(result: StageResult) -> str:
    """`staging run on jira-stage: 5 of 5 created, passed`."""
    verdict = "passed: auto-create may run" if result.ok else "FAILED: auto-create stays paused"
    return (f"staging run of {result.target} on {result.twin}: {len(result.tickets)} of "
            f"{result.asked} created, {verdict}")

