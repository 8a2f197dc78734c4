"""The application core: every change an analyst makes, the same for the CLI and the TUI.

Each change is one call that records it locally and queues it in one transaction, then
tries to send it to the targets it was queued for, and returns a typed result (results.py)
that the CLI prints and the TUI shows. What could not be sent stays queued for
`zshield sync` or the open TUI's background pass.

Calls are synchronous and open their own store and event loop: the CLI calls them
directly, the TUI from thread workers, so the network never runs on Textual's loop. The
config is read once and again only when its file changes.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zshield_tui.store import Store

from .preview import PreviewSetup, live_metadata, newest_alerts, preview_setup
from .results import (
    AssignResult,
    NoteResult,
    PushResult,
    ResolveResult,
    Scope,
    Sent,
    SyncResult,
    TargetInfo,
    TargetStatus,
    TicketRow,
)
from .staging import StageResult, check_request, run_stage
from .whatif import WhatIf, run_whatif

if TYPE_CHECKING:
    from zshield_tui.automation.staging import Gate, Verdict
    from zshield_tui.config import Config, TargetConfig
    from zshield_tui.domain import Alert, CreateMetadata
    from zshield_tui.mapping.files import Mapping as MappingFile
    from zshield_tui.store.syncrepo import OutboxOp
    from zshield_tui.sync.engine import SyncEngine

Progress = Callable[[Any], None]


class Core:
    """The core for one database and config file. `env` supplies secrets (default: the
    process environment); `options` per target go to its connector (tests: transports)."""

    def __init__(self, config_file: Path, database: Path, *, config: Config | None = None,
                 env: Mapping[str, str] | None = None,
                 options: Mapping[str, dict[str, Any]] | None = None,
                 actor: str | None = None) -> None:
        self.config_file = config_file
        self.database = database
        self.env = env
        self.options = options
        self._actor = actor
        self._config = config
        self._config_stamp = _stamp(config_file) if config is not None else None
        self._unusable: dict[str, str] = {}   # target -> why the last pass could not use it

    @property
    def metadata_dir(self) -> Path:
        """Where each target's last create metadata is kept."""
        from zshield_tui.paths import data_dir

        return data_dir() / "metadata"

    # -- config -----------------------------------------------------------------------------
    @property
    def config(self) -> Config:
        """The config as its file is now: read again only when the file changed. Raises
        ConfigError when it cannot be used."""
        from zshield_tui.config import load_config

        stamp = _stamp(self.config_file)
        if self._config is None or stamp != self._config_stamp:
            self._config = load_config(self.config_file)
            self._config_stamp = stamp
        return self._config

    @property
    def actor(self) -> str:
        """Who makes this core's changes: as given, else `[user] name`, else the login
        (an unreadable config still lets the analyst work; the app says why)."""
        from zshield_tui.config import ConfigError

        if self._actor:
            return self._actor
        try:
            name = self.config.user.name
        except ConfigError:
            name = None
        return name or login_name()

    def target_names(self) -> list[str]:
        """Configured targets; an unreadable config counts as none (the caller says why)."""
        from zshield_tui.config import ConfigError

        try:
            return [t.name for t in self.config.targets]
        except ConfigError:
            return []

    @contextmanager
    def engine(self, *, settle: float = 3.0, create: bool = False) -> Iterator[SyncEngine]:
        """A sync engine over a fresh store, for one call. `settle`: how long a drain
        waits for retries before leaving them queued."""
        from zshield_tui.sync.engine import SyncEngine

        with Store(self.database, create=create) as store:
            yield SyncEngine(store, self.config, self.config_file, env=self.env,
                             options=self.options, settle=settle, actor=self.actor)

    # -- changes ----------------------------------------------------------------------------
    def push(self, alert_ids: Sequence[str], target: str, *, dry_run: bool = False,
             progress: Progress | None = None, settle: float = 3.0) -> PushResult:
        """Creates (or finds, never duplicates) the alerts' tickets on one target.
        Raises TargetError or MappingError when the target cannot be used."""
        from zshield_tui.store.syncrepo import ticket_for
        from zshield_tui.sync.worker import DrainReport

        with self.engine(settle=settle) as engine:
            engine.target(target)
            plan = engine.plan_push(alert_ids, target)
            report = DrainReport()
            if not dry_run:
                engine.queue_push(plan)
                report = asyncio.run(engine.drain([target], progress))
            tickets = {a: t.key for a in alert_ids
                       if (t := ticket_for(engine.store.conn, a, target)) is not None}
            left = [] if dry_run else _still_queued(engine, [target])
        return PushResult(plan, Sent([target], report, left), tickets, dry_run)

    # The analyst's changes (note, resolve, assign) take `versions`: each alert's version
    # as the analyst's view showed it (the TUI's rows). An alert someone changed since is
    # left alone and reported in `refused`, naming who and what; the others go ahead.
    # Without `versions` (the CLI, which reads the alert and writes at once, with no view
    # an analyst could have gone stale on) they act on the current version.

    def add_note(self, alert_ids: Sequence[str], text: str, *,
                 versions: Mapping[str, int] | None = None,
                 progress: Progress | None = None, settle: float = 3.0) -> NoteResult:
        """Adds the note to each alert and sends it to every ticket linked to them.
        Raises KeyError for an alert that does not exist (nothing is added then)."""
        from zshield_tui.store.versions import StaleChange

        with self.engine(settle=settle) as engine:
            _require(engine, alert_ids)
            targets: set[str] = set()
            added, refused = [], []
            for alert_id in alert_ids:
                try:
                    targets.update(engine.queue_comment(alert_id, text, author=self.actor,
                                                        seen=_seen(versions, alert_id)))
                    added.append(alert_id)
                except StaleChange as stale:
                    refused.append(stale)
            sent = self._send(engine, sorted(targets), progress)
        return NoteResult(added, sent, refused)

    def resolve(self, alert_ids: Sequence[str], *, children: bool,
                versions: Mapping[str, int] | None = None,
                progress: Progress | None = None, settle: float = 5.0) -> ResolveResult:
        """Resolves the alerts and moves every linked ticket; their children follow as
        `[automation] children_on_parent_resolved` says (with it "none", `children`
        resolves them too). Raises KeyError for an alert that does not exist."""
        from zshield_tui.store.alerts import child_ids
        from zshield_tui.store.syncrepo import tickets_of
        from zshield_tui.store.versions import StaleChange

        with self.engine(settle=settle) as engine:
            _require(engine, alert_ids)
            resolved: list[str] = []
            refused: list[StaleChange] = []
            for alert_id in alert_ids:
                try:
                    resolved += engine.queue_state(alert_id, "resolved", children=children,
                                                   seen=_seen(versions, alert_id))
                except StaleChange as stale:
                    refused.append(stale)
            conn = engine.store.conn
            # `resolved` holds the children a cascade took along (cascade.py) as well.
            kept = [a for a in alert_ids if a not in {r.alert_id for r in refused}]
            touched = [*kept, *resolved,
                       *(c for a in kept for c in child_ids(conn, a) if children)]
            targets = sorted({t.target for a in touched for t in tickets_of(conn, a)})
            sent = self._send(engine, targets, progress)
        return ResolveResult(resolved, sent, refused)

    def assign(self, alert_ids: Sequence[str], who: str, *,
               versions: Mapping[str, int] | None = None,
               progress: Progress | None = None, settle: float = 3.0) -> AssignResult:
        """Assigns the alerts and sends the assignee to every linked ticket."""
        from zshield_tui.store.versions import StaleChange

        with self.engine(settle=settle) as engine:
            _require(engine, alert_ids)
            targets: set[str] = set()
            assigned, refused = [], []
            for alert_id in alert_ids:
                try:
                    named = engine.queue_assign(alert_id, who, seen=_seen(versions, alert_id))
                except StaleChange as stale:
                    refused.append(stale)
                    continue
                assigned.append(alert_id)
                targets.update(named)
            sent = self._send(engine, sorted(targets), progress)
        return AssignResult(assigned, sent, refused)

    def sync_once(self, *, progress: Progress | None = None,
                  settle: float = 30.0) -> SyncResult:
        """One pass: auto-create, send what is due, poll every target, escalate. A target
        that cannot be used is reported and remembered for `status` until it works."""
        with self.engine(settle=settle, create=True) as engine:
            report, polled = asyncio.run(engine.sync_once(progress))
            self._unusable = {**{n: p.error for n, p in polled.items() if p.error},
                              **report.stopped}
            names = list(engine.targets)
            return SyncResult(Sent(names, report, _still_queued(engine, None)), polled,
                              engine.automation)

    def create_arrivals(self, *, progress: Progress | None = None,
                        settle: float = 3.0) -> tuple[Any, Sent]:
        """Auto-create for the alerts stored since the last pass, and send what that
        queued, without polling the targets: what the daemon does as alerts arrive.
        Returns the AutoCreateReport and what was sent."""
        from zshield_tui.sync.automate import auto_create_new

        with self.engine(settle=settle, create=True) as engine:
            created = auto_create_new(engine)
            targets = sorted(name for name, n in created.queued.items() if n)
            return created, self._send(engine, targets, progress)

    def retry(self, op_id: int) -> bool:
        """A failed (or waiting) op is due again now."""
        from zshield_tui.store.syncrepo import retry

        with Store(self.database) as store:
            return retry(store.conn, op_id)

    def cancel(self, op_id: int) -> bool:
        """An unfinished op is dropped (its local change stays)."""
        from zshield_tui.store.syncrepo import cancel

        with Store(self.database) as store:
            return cancel(store.conn, op_id)

    def test_connection(self, name: str) -> str:
        """Who the target says we are; raises ConnectorError (KeyError: no such target)."""
        from zshield_tui.connectors.factory import connector_for

        targets = {t.name: t for t in self.config.targets}

        async def ask() -> str:
            async with connector_for(targets[name], env=self.env, quick=True) as connector:
                return await connector.test_connection()

        return asyncio.run(ask())

    def _send(self, engine: SyncEngine, targets: list[str],
              progress: Progress | None) -> Sent:
        from zshield_tui.sync.worker import DrainReport

        # drain() with no names means every target: a change that queued nothing sends nothing.
        report = asyncio.run(engine.drain(targets, progress)) if targets else DrainReport()
        return Sent(targets, report, _still_queued(engine, targets))

    def whatif(self, days: int, *, target: str | None = None, dry_run: bool = False,
               now: datetime | None = None) -> WhatIf:
        """The what-if replay over the last `days` days, with the targets paused for
        staging (see core/whatif.py). Raises WhatIfError for bad options."""
        return run_whatif(self.config, self.config_file, self.database, self.metadata_dir,
                          days=days, target=target, dry_run=dry_run, now=now)

    # -- staging first ----------------------------------------------------------------------
    def stage(self, target: str, count: int = 5, *, settle: float = 10.0) -> StageResult:
        """Sends the newest `count` alerts the rules would auto-create on `target` to its
        staging twin, for real, and records the run (core/staging.py). Raises StageError."""
        check_request(self.config, target, count)
        with self.engine(settle=settle) as engine:
            return run_stage(engine, target, count, actor=self.actor)

    def staging_gates(self) -> dict[str, Gate]:
        """Per target: auto-create wanted, and why a production one is paused."""
        from zshield_tui.automation.staging import gates

        with Store(self.database) as store:
            return gates(store.conn, self.config, self.config_file)

    def may_enable_auto_create(self, target: str) -> Verdict:
        """Whether the rules screen may switch auto-create on for `target` now."""
        from zshield_tui.automation.staging import Verdict, pause_reason

        by_name = {t.name: t for t in self.config.targets}
        with Store(self.database) as store:
            reason = pause_reason(store.conn, self.config, self.config_file, by_name[target])
        return Verdict(reason is None, (reason,) if reason else ())

    def set_auto_create(self, target: str, enabled: bool) -> Verdict:
        """The rules screen's switch, through the staging gate (on a production target, on
        needs a passing staging run of today's mapping, rules and filters)."""
        from zshield_tui.automation.staging import set_auto_create

        with Store(self.database) as store:
            return set_auto_create(store.conn, self.config, self.config_file, target, enabled,
                                   actor=self.actor)

    # -- the mapping preview --------------------------------------------------------------
    def preview_setup(self) -> PreviewSetup:
        """The targets a mapping can be previewed against (the examples without any),
        each with its mapping text and cached metadata."""
        from zshield_tui.config import ConfigError

        try:
            config = self.config
        except ConfigError:
            config = None  # the app shows the config error; the examples still preview
        return preview_setup(config, self.config_file, self.metadata_dir)

    def live_metadata(self, target: TargetConfig, mapping: MappingFile
                      ) -> tuple[CreateMetadata | None, str | None]:
        """The target's create metadata now (kept as the cached copy), or the cached
        copy and why the target was not reached."""
        return live_metadata(target, mapping, self.metadata_dir)

    def alert(self, alert_id: str) -> Alert | None:
        from zshield_tui.store import get_alert

        with Store(self.database, create=False) as store:
            return get_alert(store.conn, alert_id)

    def newest_alerts(self, count: int) -> Iterator[Alert]:
        """The newest `count` alerts (the batch check), read lazily in the caller's
        thread."""
        return newest_alerts(self.database, count)

    # -- what the views show ----------------------------------------------------------------
    def status(self) -> list[TargetStatus]:
        """Per configured target: pending and failed ops, and the newest error (or why the
        last pass could not use it)."""
        from zshield_tui.automation.staging import gates
        from zshield_tui.config import ConfigError
        from zshield_tui.store.syncrepo import target_counts

        names = self.target_names()
        with Store(self.database) as store:
            counts = target_counts(store.conn)
            try:
                paused = {n: g.paused for n, g in
                          gates(store.conn, self.config, self.config_file).items()}
            except ConfigError:
                paused = {}
        unusable = self._unusable
        return [TargetStatus(n, c.pending, c.failed, unusable.get(n) or c.last_error,
                             paused.get(n))
                if (c := counts.get(n)) else TargetStatus(n, 0, 0, unusable.get(n),
                                                          paused.get(n))
                for n in names]

    def outbox(self) -> list[OutboxOp]:
        """Unfinished ops, oldest first."""
        from zshield_tui.store.syncrepo import list_ops

        with Store(self.database) as store:
            return list_ops(store.conn)

    def scope(self, alert_ids: Sequence[str], *, children: bool = False) -> Scope:
        """The alerts, their children (when the action takes them along) and every linked
        ticket of both."""
        from zshield_tui.store.alerts import child_ids
        from zshield_tui.store.syncrepo import tickets_of

        ids = list(dict.fromkeys(alert_ids))
        with Store(self.database) as store:
            kids = list(dict.fromkeys(
                c for a in ids for c in child_ids(store.conn, a) if c not in ids)) \
                if children else []
            tickets = [t for a in (*ids, *kids) for t in tickets_of(store.conn, a)]
        return Scope(ids, kids, tickets)

    def tickets(self) -> list[TicketRow]:
        """Every linked ticket, newest link first."""
        from zshield_tui.store.syncrepo import all_tickets

        with Store(self.database) as store:
            rows = all_tickets(store.conn)
        return [TicketRow(t.alert_id, t.target, t.key, t.url or "", t.status or "",
                          json.loads(t.sla) if t.sla else None, t.configuration_item,
                          t.last_synced_at, t.error, t.remote_parent)
                for t in rows]

    def target_infos(self) -> list[TargetInfo]:
        """The configured targets with auto-create as the rules screen left it (and whether
        staging first holds it back); raises ConfigError when the config cannot be read."""
        env = os.environ if self.env is None else self.env
        found = self.staging_gates()
        out = []
        for t in self.config.targets:
            gate = found[t.name]
            auth = t.auth.model_dump()
            envs = {v: bool(env.get(v)) for k, v in auth.items() if k.endswith("_env") and v}
            out.append(TargetInfo(
                t.name, t.kind, t.url, t.deployment, auth["method"],
                auth.get("email") or auth.get("username") or auth.get("client_id"), envs,
                t.mapping, t.staging, gate.wanted, t.auto_create.min_severity, gate.paused))
        return out


def login_name() -> str:
    """The operating system login; `analyst` where there is none (a container's uid)."""
    import getpass

    try:
        return getpass.getuser() or "analyst"
    except (OSError, KeyError):
        return "analyst"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _require(engine: SyncEngine, alert_ids: Sequence[str]) -> None:
    """KeyError naming the first alert that does not exist, before anything is changed."""
    from zshield_tui.store.syncrepo import alert_state

    for alert_id in alert_ids:
        if alert_state(engine.store.conn, alert_id) is None:
            raise KeyError(alert_id)


def _seen(versions: Mapping[str, int] | None, alert_id: str) -> int | None:
    return None if versions is None else versions.get(alert_id)


def _still_queued(engine: SyncEngine, targets: Sequence[str] | None) -> list[OutboxOp]:
    return [o for o in engine.pending() if targets is None or o.target in targets]
