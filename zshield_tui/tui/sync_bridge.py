"""The TUI's door to the sync engine, for thread workers.

Each call opens its own Store and runs its own event loop, so network work never runs on
Textual's loop and a slow remote never freezes the screen. Secrets come from the process
environment (the demo sets them there for its own simulators).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zshield_tui.store import Store


@dataclass(frozen=True)
class TargetStatus:
    name: str
    pending: int
    failed: int
    last_error: str | None


@dataclass(frozen=True)
class LinkedTicket:
    alert_id: str
    target: str
    key: str


@dataclass(frozen=True)
class Scope:
    """What an action on some alerts will touch, read before asking to confirm it."""

    alert_ids: list[str]
    children: list[str] = field(default_factory=list)
    tickets: list[LinkedTicket] = field(default_factory=list)

    @property
    def all_ids(self) -> list[str]:
        return [*self.alert_ids, *self.children]

    def per_target(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for ticket in self.tickets:
            counts[ticket.target] = counts.get(ticket.target, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def keys(self) -> dict[tuple[str, str], str]:
        """(alert, target) -> ticket key: a failed op reports its error, not its key."""
        return {(t.alert_id, t.target): t.key for t in self.tickets}


@dataclass(frozen=True)
class TicketRow:
    """One linked ticket as view 2 lists it."""

    alert_id: str
    target: str
    key: str
    url: str
    status: str
    sla: dict[str, Any] | None
    configuration_item: str | None
    last_synced_at: str | None
    error: str | None


@dataclass(frozen=True)
class TargetInfo:
    """A configured target as the settings view shows it: names of the environment
    variables that hold secrets, never their values."""

    name: str
    kind: str
    url: str
    deployment: str | None
    auth: str
    identity: str | None
    secret_envs: dict[str, bool]   # variable -> set in this environment
    mapping: str | None
    staging: bool
    auto_create: bool
    min_severity: str


class SyncBridge:
    """Sync calls for one database and config file."""

    def __init__(self, db_path: Path, config_file: Path) -> None:
        self.db_path = db_path
        self.config_file = config_file
        self._unusable: dict[str, str] = {}   # target -> why the last pass could not use it

    def _engine(self, store: Store, **kwargs: Any):
        from zshield_tui.config import load_config
        from zshield_tui.sync.engine import SyncEngine

        return SyncEngine(store, load_config(self.config_file), self.config_file, **kwargs)

    def target_names(self) -> list[str]:
        """Configured targets; an unreadable config counts as none (the app says why)."""
        from zshield_tui.config import ConfigError, load_config

        try:
            return [t.name for t in load_config(self.config_file).targets]
        except ConfigError:
            return []

    def push(self, alert_ids: Sequence[str], target: str,
             progress: Callable[[Any], None] | None = None):
        """Plans, queues and sends; returns (plan, report)."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=5.0)
            return asyncio.run(engine.push(alert_ids, target, progress=progress))

    def comment(self, alert_id: str, text: str) -> tuple[list[str], int]:
        """Adds the note, sends it; returns (targets, ops still queued)."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=3.0)
            targets = engine.queue_comment(alert_id, text)
            if targets:
                asyncio.run(engine.drain(targets))
            return targets, len(engine.pending())

    def close(self, alert_id: str, children: bool,
              progress: Callable[[Any], None] | None = None) -> tuple[list[str], Any]:
        """Resolves the alert (and children) and moves their tickets."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=5.0)
            changed = engine.queue_state(alert_id, "resolved", children=children)
            return changed, asyncio.run(engine.drain(progress=progress))

    def sync_once(self) -> None:
        """One background pass: send what is due, poll every target. A target that could
        not be reached or used is remembered until a pass reaches it (see `status`)."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=0.0)
            if engine.targets:
                report, polled = asyncio.run(engine.sync_once())
                self._unusable = {**{n: p.error for n, p in polled.items() if p.error},
                                  **report.stopped}

    def status(self) -> list[TargetStatus]:
        """Per configured target: pending and failed ops, and the newest error."""
        from zshield_tui.store.syncrepo import target_counts

        names = self.target_names()
        with Store(self.db_path) as store:
            counts = target_counts(store.conn)
        unusable = self._unusable
        return [TargetStatus(n, c.pending, c.failed, unusable.get(n) or c.last_error)
                if (c := counts.get(n)) else TargetStatus(n, 0, 0, unusable.get(n))
                for n in names]

    def outbox(self) -> list[Any]:
        """Unfinished ops, oldest first."""
        from zshield_tui.store.syncrepo import list_ops

        with Store(self.db_path) as store:
            return list_ops(store.conn)

    def retry(self, op_id: int) -> bool:
        from zshield_tui.store.syncrepo import retry

        with Store(self.db_path) as store:
            return retry(store.conn, op_id)

    def cancel(self, op_id: int) -> bool:
        from zshield_tui.store.syncrepo import cancel

        with Store(self.db_path) as store:
            return cancel(store.conn, op_id)

    # -- many alerts at once (c, x, a on the marked alerts) -----------------------------

    def scope(self, alert_ids: Sequence[str], *, children: bool = False) -> Scope:
        """The alerts, their children (when the action takes them along) and every linked
        ticket of both."""
        from zshield_tui.store.alerts import child_ids
        from zshield_tui.store.syncrepo import tickets_of

        ids = list(dict.fromkeys(alert_ids))
        with Store(self.db_path) as store:
            kids = list(dict.fromkeys(
                c for a in ids for c in child_ids(store.conn, a) if c not in ids)) \
                if children else []
            tickets = [LinkedTicket(a, t.target, t.key) for a in (*ids, *kids)
                       for t in tickets_of(store.conn, a)]
        return Scope(ids, kids, tickets)

    def comment_many(self, alert_ids: Sequence[str], text: str,
                     progress: Callable[[Any], None] | None = None) -> Any:
        """Adds the note to each alert, sends them; returns the DrainReport."""
        return self._queue_and_send(alert_ids, lambda e, a: e.queue_comment(a, text), progress)

    def close_many(self, alert_ids: Sequence[str], children: bool,
                   progress: Callable[[Any], None] | None = None) -> tuple[list[str], Any]:
        """Resolves the alerts (and children) and moves their tickets in one drain."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=5.0)
            changed: list[str] = []
            for alert_id in alert_ids:
                changed += engine.queue_state(alert_id, "resolved", children=children)
            return changed, asyncio.run(engine.drain(progress=progress))

    def assign_many(self, alert_ids: Sequence[str], who: str,
                    progress: Callable[[Any], None] | None = None) -> Any:
        """Assigns the alerts and sends the assignee to every linked ticket; returns the
        DrainReport (what could not be sent stays queued)."""
        return self._queue_and_send(alert_ids, lambda e, a: e.queue_assign(a, who), progress)

    def _queue_and_send(self, alert_ids: Sequence[str], queue: Callable[[Any, str], list[str]],
                        progress: Callable[[Any], None] | None) -> Any:
        """`queue(engine, alert_id)` for each alert, then one drain of the targets it named."""
        from zshield_tui.sync.worker import DrainReport

        with Store(self.db_path) as store:
            engine = self._engine(store, settle=3.0)
            targets: set[str] = set()
            for alert_id in alert_ids:
                targets.update(queue(engine, alert_id))
            if not targets:  # drain() with no names would mean every target
                return DrainReport()
            return asyncio.run(engine.drain(sorted(targets), progress))

    # -- views 2 and 5 ---------------------------------------------------------------------

    def tickets(self) -> list[TicketRow]:
        """Every linked ticket, newest link first."""
        from zshield_tui.store.syncrepo import tickets_by_key

        with Store(self.db_path) as store:
            names = [r[0] for r in store.conn.execute("SELECT DISTINCT target FROM ticket")]
            rows = [t for n in names for t in tickets_by_key(store.conn, n).values()]
        rows.sort(key=lambda t: t.id, reverse=True)
        return [TicketRow(t.alert_id, t.target, t.key, t.url or "",
                          t.status or "", json.loads(t.sla) if t.sla else None,
                          t.configuration_item, t.last_synced_at, t.error)
                for t in rows]

    def target_infos(self) -> list[TargetInfo]:
        """The configured targets with auto-create as the rules screen left it; raises
        ConfigError when the config cannot be read."""
        from zshield_tui.automation.staging import effective_targets
        from zshield_tui.config import load_config

        out = []
        for t in effective_targets(load_config(self.config_file).targets):
            auth = t.auth.model_dump()
            envs = {v: bool(os.environ.get(v)) for k, v in auth.items()
                    if k.endswith("_env") and v}
            out.append(TargetInfo(
                t.name, t.kind, t.url, t.deployment, auth["method"],
                auth.get("email") or auth.get("username") or auth.get("client_id"), envs,
                t.mapping, t.staging, t.auto_create.enabled, t.auto_create.min_severity))
        return out

    def test_connection(self, name: str) -> str:
        """Who the target says we are; raises ConnectorError (or KeyError: no such target)."""
        from zshield_tui.config import load_config
        from zshield_tui.connectors.factory import connector_for

        targets = {t.name: t for t in load_config(self.config_file).targets}

        async def ask() -> str:
            async with connector_for(targets[name], quick=True) as connector:
                return await connector.test_connection()

        return asyncio.run(ask())

