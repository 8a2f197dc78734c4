"""The sync API the CLI and the TUI call: push, comment, set_state, close, sync_once.

Each change is recorded locally and queued in one transaction (`queue_*`), then the async
part (`drain`) tries to send it. What could not be sent stays queued for `zshield sync` or
the open TUI; nothing here depends on the process living until the remote answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zshield_tui.automation.escalation import Clock, utc_now
from zshield_tui.config import Config
from zshield_tui.connectors.errors import ConnectorError
from zshield_tui.domain import Alert, TicketDraft
from zshield_tui.store import Store, get_alert
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import child_ids
from zshield_tui.store.syncrepo import transaction
from zshield_tui.store.versions import check_version

from .automate import AutomationReport, auto_create_new, queue_escalations
from .cascade import DONE, Cascade
from .poller import PollReport, poll
from .recurrence import GroupKey, key_for, queue_repush, queue_ticket, recurrence_ticket
from .results import DrainReport, OpResult, Progress
from .targets import Target, TargetError, load_targets, make_connector
from .worker import Worker

if TYPE_CHECKING:
    from zshield_tui.mapping.environment import MappingEnvironment

@dataclass
class PushPlan:
    """What a push will do, before anything is sent."""

    target: str
    queued: list[str] = field(default_factory=list)
    linked: dict[str, str] = field(default_factory=dict)        # alert -> existing key
    invalid: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_keys: dict[str, GroupKey] = field(default_factory=dict)  # target's group_by


class SyncEngine:
    """Sync for one store and config. `options` per target name go to the connector
    (transport, retry policy); `env` supplies secrets; `clock` is what automation reads
    (escalation windows, on-call rotations, audit times)."""

    def __init__(self, store: Store, config: Config, config_file: Path, *,
                 env: Mapping[str, str] | None = None,
                 options: Mapping[str, dict[str, Any]] | None = None,
                 concurrency: int = 8, settle: float = 30.0, base_delay: float = 1.0,
                 actor: str = "analyst", clock: Clock = utc_now) -> None:
        self.store = store
        self.config = config
        self.config_file = config_file
        self.env = env
        self.targets: dict[str, Target] = load_targets(config, config_file, options)
        self.concurrency = concurrency
        self.settle = settle
        self.base_delay = base_delay
        self.actor = actor
        self.clock = clock
        self.automation = AutomationReport()   # what the last sync pass automated
        self.cascade = Cascade(self.targets, config.automation.children_on_parent_resolved)

    def target(self, name: str) -> Target:
        """The target of that name; TargetError lists the known ones."""
        if name not in self.targets:
            known = ", ".join(self.targets) or "none configured"
            raise TargetError(f"no target {name!r}; known: {known}")
        return self.targets[name]

    # -- recording and queueing (synchronous, one transaction each) ---------------------------
    @cached_property
    def _mapping_env(self) -> MappingEnvironment:
        """The mapping filters with the config's overrides: built once, used per draft."""
        from zshield_tui.mapping.environment import environment_for
        from zshield_tui.mapping.filters import filter_overrides

        return environment_for(filter_overrides(self.config))

    def render(self, alert: Alert, target_name: str) -> TicketDraft:
        """The alert's draft through the target's mapping, validated (errors on the draft);
        TargetError when the target has no mapping."""
        from zshield_tui.mapping.preview import preview_alert

        target = self.target(target_name)
        if target.mapping is None:
            raise TargetError(f"target {target_name!r} has no mapping file")
        return preview_alert(alert, target.mapping, target.spec, env=self._mapping_env).draft

    def plan_push(self, alert_ids: Sequence[str], target_name: str) -> PushPlan:
        """Renders each alert's draft; which will be created, which are linked already."""
        target = self.target(target_name)
        if target.mapping is None:
            raise TargetError(f"target {target_name!r} has no mapping file")
        plan = PushPlan(target_name)
        for alert_id in dict.fromkeys(alert_ids):
            existing = repo.ticket_for(self.store.conn, alert_id, target_name)
            shared = recurrence_ticket(self.store.conn, alert_id, target_name)
            if existing is not None or shared is not None:
                plan.linked[alert_id] = existing.key if existing is not None else str(shared)
                continue
            alert = get_alert(self.store.conn, alert_id)
            if alert is None:
                plan.missing.append(alert_id)
                continue
            draft = self.render(alert, target_name)
            if not draft.valid:
                plan.invalid[alert_id] = draft.errors
                continue
            plan.drafts[alert_id] = draft.payload
            plan.queued.append(alert_id)
            key = self.group_key(alert, target_name)
            if key is not None:
                plan.group_keys[alert_id] = key
        return plan

    def queue_push(self, plan: PushPlan) -> int:
        """Queues the plan's creates (one per alert, never a second while one is open)."""
        queued = 0
        target = self.target(plan.target)
        with transaction(self.store.conn) as conn:
            for alert_id in plan.queued:
                if repo.open_op(conn, plan.target, alert_id, "create") is None:
                    queued += bool(queue_ticket(conn, target, alert_id, plan.drafts[alert_id],
                                                plan.group_keys.get(alert_id)))
            for alert_id in plan.linked:
                queue_repush(conn, target, alert_id)   # when_closed, if its ticket is done
        return queued

    def group_key(self, alert: Alert, target_name: str) -> GroupKey | None:
        """The alert's `group_by` key on the target (None: the target does not group)."""
        return key_for(self.target(target_name), alert, self._mapping_env)

    def queue_comment(self, alert_id: str, text: str, *, author: str = "",
                      seen: int | None = None) -> list[str]:
        """Adds a local note and queues it for every linked ticket; returns the targets.
        `seen`: the alert's version the note was written on (StaleChange if it moved on;
        None acts on the current one)."""
        with transaction(self.store.conn) as conn:
            if repo.alert_state(conn, alert_id) is None:
                raise KeyError(alert_id)
            check_version(conn, alert_id, seen)
            targets = self._linked_targets(conn, alert_id)
            note_id = repo.add_note(conn, alert_id, text, author=author or self.actor,
                                    origin="local",
                                    sync_state="pending" if targets else "local")
            for name in targets:
                repo.enqueue(conn, name, alert_id, "comment", {"note_id": note_id, "body": text})
        return targets

    def queue_assign(self, alert_id: str, who: str, *, seen: int | None = None) -> list[str]:
        """Assigns the alert and queues the same assignee for every linked ticket (and one
        still being created); returns the targets. `seen` as for queue_comment."""
        with transaction(self.store.conn) as conn:
            check_version(conn, alert_id, seen)
            if not repo.write_assignee(conn, alert_id, who, self.actor):
                return []
            targets = self._linked_targets(conn, alert_id)
            for name in targets:
                repo.enqueue(conn, name, alert_id, "assign", {"assignee": who})
        return targets

    def _linked_targets(self, conn: Any, alert_id: str) -> list[str]:
        """The configured targets the alert has a ticket on, or one still being created."""
        targets = [t.target for t in repo.tickets_of(conn, alert_id)
                   if t.target in self.targets]
        # One indexed lookup per target, not a scan of the outbox per alert of a bulk note.
        targets += [name for name in self.targets if name not in targets
                    and repo.open_op(conn, name, alert_id, "create")]
        return targets

    def queue_state(self, alert_id: str, state: str, *, children: bool = False,
                    seen: int | None = None) -> list[str]:
        """Sets the state of the alert and queues the ticket moves; returns the alerts
        whose state changed. A resolution takes the children along as
        `children_on_parent_resolved` says (cascade.py), whether or not `children` asks;
        with that setting "none", `children` gives them the alert's state as before.
        `seen` as for queue_comment: it guards the alert the analyst looked at, not the
        children it takes along."""
        changed: list[str] = []
        cascading = state in DONE and self.cascade.setting != "none"
        with transaction(self.store.conn) as conn:
            check_version(conn, alert_id, seen)
            ids = [alert_id, *(child_ids(conn, alert_id) if children and not cascading
                               else [])]
            for aid in ids:
                if repo.alert_state(conn, aid) is None:
                    raise KeyError(aid)
                if repo.write_state(conn, aid, state, self.actor):
                    changed.append(aid)
                for ticket in repo.tickets_of(conn, aid):
                    target = self.targets.get(ticket.target)
                    if target is None or target.outbound(state) is None:
                        continue
                    repo.enqueue(conn, target.name, aid, "transition",
                                 {"state": state, "fields": target.closing_fields(state)})
            if cascading and (alert_id in changed or children):
                changed += self.cascade.run(conn, alert_id, cause=f"{state} by {self.actor}",
                                            resolution=f"{state} by {self.actor}",
                                            actor=self.actor)
        return changed

    # -- sending and polling ---------------------------------------------------------------------
    async def drain(self, targets: Sequence[str] | None = None,
                    progress: Progress | None = None, *, settle: float | None = None
                    ) -> DrainReport:
        """Sends what is due on each target (all of them by default)."""
        report = DrainReport()
        wanted = [t for t in (targets or self.targets) if t in self.targets]
        names = {o.target for o in repo.list_ops(self.store.conn, ("pending", "running"))}
        for name in wanted:
            if name not in names:
                continue
            target = self.targets[name]
            try:
                async with make_connector(target, self.env) as connector:
                    worker = Worker(self.store, target, connector,
                                    concurrency=self.concurrency, base_delay=self.base_delay,
                                    progress=progress)
                    part = await worker.drain(settle=self.settle if settle is None else settle)
            except ConnectorError as exc:
                # No usable credentials (a missing secret, a failed token exchange): this
                # target's ops stay pending and the other targets still go.
                report.stopped[name] = str(exc)
                continue
            report.results += part.results
            report.stopped.update(part.stopped)
        return report

    async def poll(self, targets: Sequence[str] | None = None) -> dict[str, PollReport]:
        """Pulls remote status, comments, SLA and CMDB data of linked tickets."""
        out: dict[str, PollReport] = {}
        for name in targets or list(self.targets):
            target = self.targets[name]
            try:
                async with make_connector(target, self.env) as connector:
                    out[name] = await poll(self.store, target, connector, self.cascade)
            except ConnectorError as exc:
                out[name] = PollReport(error=str(exc))   # the next pass tries again
        return out

    async def sync_once(self, progress: Progress | None = None) -> tuple[DrainReport,
                                                                           dict[str, PollReport]]:
        """One pass: queues the auto-creates for alerts stored since the last pass, drains
        the outbox (so they go out now), polls every target, then queues and sends the
        escalations due and what a parent resolved remotely took along. What automation
        did is left in `self.automation`."""
        self.automation = AutomationReport(created=auto_create_new(self))
        report = await self.drain(progress=progress)
        polled = await self.poll()
        self.automation.escalated = queue_escalations(self)
        # A parent resolved remotely takes its children along now, not a pass later.
        if self.automation.escalated or any(p.cascaded for p in polled.values()):
            report.results += (await self.drain(progress=progress)).results
        return report, polled

    async def push(self, alert_ids: Sequence[str], target: str, *, dry_run: bool = False,
                   progress: Progress | None = None) -> tuple[PushPlan, DrainReport]:
        """Plans, queues and sends the creates; with dry_run, only plans."""
        plan = self.plan_push(alert_ids, target)
        if dry_run:
            return plan, DrainReport()
        self.queue_push(plan)
        return plan, await self.drain([target], progress)

    def pending(self, target: str | None = None) -> list[repo.OutboxOp]:
        """Ops not yet done: pending, running or failed."""
        return repo.list_ops(self.store.conn, target=target)


__all__ = ["DrainReport", "OpResult", "PollReport", "Progress", "PushPlan", "SyncEngine",
           "TargetError"]
