"""What the application core hands back: plain, typed values the CLI prints and the TUI
shows. Nothing here touches the database or the network."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zshield_tui.store.syncrepo import OutboxOp
    from zshield_tui.store.tickets import LinkedTicket
    from zshield_tui.store.versions import StaleChange
    from zshield_tui.sync.engine import PushPlan
    from zshield_tui.sync.poller import PollReport
    from zshield_tui.sync.worker import DrainReport


@dataclass(frozen=True)
class Sent:
    """What a change queued and what became of it: the targets it went to, what the
    drain reported, which targets it could not use (and why), and what is still queued
    on those targets."""

    targets: list[str]
    report: DrainReport
    still_queued: list[OutboxOp] = field(default_factory=list)

    @property
    def stopped(self) -> dict[str, str]:
        return dict(self.report.stopped)

    @property
    def done(self) -> int:
        return self.report.done


@dataclass(frozen=True)
class PushResult:
    """A push: the plan (queued, already linked, invalid, missing) and what was sent;
    `tickets` maps each alert to its ticket key on the target after the push."""

    plan: PushPlan
    sent: Sent
    tickets: dict[str, str]
    dry_run: bool = False


@dataclass(frozen=True)
class NoteResult:
    """A note added to each alert, sent to every ticket linked to them."""

    alert_ids: list[str]
    sent: Sent
    refused: list[StaleChange] = field(default_factory=list)


@dataclass(frozen=True)
class ResolveResult:
    """Alerts resolved (children included when asked) and their tickets moved; `refused`:
    alerts another analyst changed after the view the resolve was made on."""

    resolved: list[str]
    sent: Sent
    refused: list[StaleChange] = field(default_factory=list)


@dataclass(frozen=True)
class AssignResult:
    assigned: list[str]
    sent: Sent
    refused: list[StaleChange] = field(default_factory=list)


@dataclass(frozen=True)
class SyncResult:
    """One sync pass: what was sent, what each target's poll found, what automation did
    (an AutomationReport)."""

    sent: Sent
    polled: dict[str, PollReport]
    automation: Any


@dataclass(frozen=True)
class TargetStatus:
    name: str
    pending: int
    failed: int
    last_error: str | None
    paused: str | None = None
    """Why auto-create, wanted on this production target, waits for a staging run."""


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
    """One linked ticket as the tickets view lists it."""

    alert_id: str
    target: str
    key: str
    url: str
    status: str
    sla: dict[str, Any] | None
    configuration_item: str | None
    last_synced_at: str | None
    error: str | None
    remote_parent: str | None = None   # the parent's ticket key, once linked remotely


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
    paused: str | None = None       # auto-create wanted but waiting for a staging run
