"""The interface shared by the Jira and ServiceNow connectors.

Everything is async (httpx.AsyncClient) and returns typed results; failures raise the
ConnectorError family from errors.py. Shapes here are the common denominator: a Jira
issue and a ServiceNow incident both become a RemoteTicket.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from zshield_tui.connectors.enrichment import CmdbResult, SlaStatus
from zshield_tui.connectors.errors import (
    ConnectorError,
    NotFoundError,
    Unsupported,
    ValidationError,
)
from zshield_tui.domain.metadata import CreateMetadata, FieldSpec

__all__ = [
    "RUNBOOK_HEADER", "Connector", "CreateMetadata", "CreateResult", "FieldSpec", "Move",
    "RemoteAttachment", "RemoteComment", "RemoteTicket", "Transition", "is_runbook",
    "runbook_text",
]

RUNBOOK_HEADER = "[zshield runbook]"   # the playbook note's first words, on every system
# Remote status category -> alert state, when workflow.inbound does not name the status:
# Jira's statusCategory keys, and the categories of ServiceNow's states (states.py).
INBOUND_BY_CATEGORY = {"indeterminate": "in_progress", "done": "resolved"}
Move = tuple[str, str, Mapping[str, Any] | None]   # (ticket, state name, fields): move_many


def runbook_text(steps: Iterable[str], alert_id: str = "") -> str:
    """The playbook as one note: the marked title line, then the numbered steps."""
    title = f"{RUNBOOK_HEADER} Playbook" + (f" for alert {alert_id}" if alert_id else "")
    return "\n".join([title, *(f"{n}. {step}" for n, step in enumerate(steps, 1))])


def is_runbook(body: str) -> bool:
    """Whether a comment is zshield's playbook note (never brought back as a local note)."""
    return body.startswith(RUNBOOK_HEADER)


@dataclass(frozen=True)
class RemoteTicket:
    """A ticket as the remote system reports it."""

    key: str                 # SEC-412, INC0010042, SIR0010042
    remote_id: str           # Jira issue id, ServiceNow sys_id
    url: str                 # the page a person opens in a browser
    status: str              # the status / state name as shown remotely
    status_category: str = ""  # Jira statusCategory.key (new/indeterminate/done); SN: state value
    updated_at: datetime | None = None
    created_at: datetime | None = None  # escalation windows count from here
    correlation_key: str | None = None  # the alert id the ticket was created for, if known
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to_status: str
    to_category: str = ""


@dataclass(frozen=True)
class RemoteComment:
    """A comment (Jira) or work note / additional comment (ServiceNow)."""

    id: str
    author: str
    body: str                # plain text (ADF and journal markup flattened)
    created_at: datetime
    kind: str = "comment"    # comment | work_note


@dataclass(frozen=True)
class RemoteAttachment:
    """A file on a ticket: Jira attachment or ServiceNow sys_attachment row."""

    id: str
    filename: str
    size: int


@dataclass(frozen=True)
class CreateResult:
    ticket: RemoteTicket
    created: bool            # False: an existing ticket for this correlation key was found


@dataclass(frozen=True)
class Upload:
    """What attach() sends: a file on disk, or bytes made in memory (the IOC list)."""

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    @classmethod
    def of(cls, path: Path | None, name: str | None, data: bytes | None, *,
           target: str) -> Upload:
        """Sized before anything is read; an unreadable file is refused, not retried."""
        if data is not None:
            if not name:
                raise ValidationError("an upload from memory needs a file name",
                                      fields={"name": "missing"}, target=target)
            return cls(name, len(data), data=data)
        if path is None:
            raise ValidationError("nothing to upload: give a path or data",
                                  fields={"path": "missing"}, target=target)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise _unreadable(path, exc, target) from None
        return cls(name or path.name, size, path=path)

    def content(self, *, target: str) -> bytes:
        """Read once into memory (bounded by the size check) so a retry resends it whole."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise _unreadable(self.path, exc, target) from None


def _unreadable(path: Path, exc: OSError, target: str) -> ValidationError:
    return ValidationError(f"cannot read evidence file {path}: {exc.strerror or exc}",
                           fields={"path": str(path)}, target=target)


class Connector(ABC):
    """One configured target. Instances hold an httpx.AsyncClient: use `async with`.

    Beyond the abstract methods every system implements, a connector says what it can do
    (the capability flags) and decides what differs between systems (the methods under
    "capabilities", whose defaults fit a system without the extra): the sync layer asks,
    it never checks which system it talks to. The class-level ones need no connection,
    so a target can ask them before it has credentials (queueing a close, routing a draft).
    """

    name: str
    kind: ClassVar[str]  # "jira" | "servicenow": the target kind this class serves

    supports_cmdb: ClassVar[bool] = False         # link_assets resolves assets to CIs
    supports_sla: ClassVar[bool] = False          # slas reads the ticket's SLA timers
    batches_state_changes: ClassVar[bool] = False  # move_many sends many in one call
    # A create with a field the system does not have succeeds, the value dropped without
    # a word (ServiceNow): a staging run must check the fields against create_metadata.
    drops_unknown_fields: ClassVar[bool] = False
    assignee_field: ClassVar[str] = "assignee"
    # Alert state -> the transition / state name that carries it out, when
    # workflow.outbound is silent.
    default_outbound: ClassVar[Mapping[str, str]] = {}

    async def __aenter__(self) -> Connector:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    @abstractmethod
    async def aclose(self) -> None: ...

    @abstractmethod
    async def test_connection(self) -> str:
        """Who we are authenticated as (for the settings view); raises AuthError etc."""

    @abstractmethod
    async def create(self, payload: dict[str, Any], *, correlation_key: str) -> CreateResult:
        """Creates the ticket, or returns the one already made for `correlation_key`."""

    @abstractmethod
    async def get(self, key: str) -> RemoteTicket: ...

    @abstractmethod
    async def update(self, key: str, fields: dict[str, Any]) -> None: ...

    @abstractmethod
    async def transitions(self, key: str) -> list[Transition]:
        """Jira: the transitions available now; ServiceNow: the states the table allows."""

    @abstractmethod
    async def transition(self, key: str, name: str, fields: dict[str, Any] | None = None
                         ) -> RemoteTicket:
        """Moves the ticket by transition / state name; a missing name is a NotFoundError
        listing what is available."""

    @abstractmethod
    async def add_comment(self, key: str, body: str, *, internal: bool = True) -> RemoteComment:
        """Jira comment; ServiceNow work note (internal) or additional comment."""

    @abstractmethod
    async def comments(self, key: str, *, since: datetime | None = None) -> list[RemoteComment]:
        ...

    @abstractmethod
    async def attach(self, key: str, path: Path | None = None, *, name: str | None = None,
                     data: bytes | None = None) -> str:
        """Uploads a file, or `data` under `name` (no temp file for generated content);
        returns the remote attachment id. Size is checked first: a file that cannot be
        read or is over the limit is a ValidationError, nothing sent."""

    @abstractmethod
    async def max_upload_bytes(self) -> int:
        """The largest file the target takes: the sync layer reads no evidence file past
        it (plus one byte, to tell)."""

    @abstractmethod
    async def attachments(self, key: str) -> list[RemoteAttachment]:
        """The files on the ticket now (what a rerun checks before uploading again)."""

    @abstractmethod
    async def updated_since(self, since: datetime) -> list[RemoteTicket]:
        """Tickets created by zshield and updated at or after `since` (all pages)."""

    @abstractmethod
    async def find_by_correlation(self, correlation_key: str) -> RemoteTicket | None: ...

    @abstractmethod
    async def create_metadata(self, scope: str | None = None) -> CreateMetadata: ...

    @abstractmethod
    async def resolve_user(self, who: str) -> str:
        """Email or name -> the id the remote wants (accountId, username, sys_id)."""

    # -- capabilities: per system, with the defaults of a system without the extra --------
    @classmethod
    def default_inbound(cls, category: str, *, table: str = "") -> str | None:
        """The alert state a remote status category means (RemoteTicket.status_category),
        when workflow.inbound does not name the status; `table`: where the ticket lives,
        for systems whose states differ by table."""
        return INBOUND_BY_CATEGORY.get(category)

    @classmethod
    def draft_fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The ticket's fields inside a create payload (the default: the payload is them)."""
        return dict(payload)

    @classmethod
    def with_draft_fields(cls, payload: Mapping[str, Any], fields: Mapping[str, Any]
                          ) -> dict[str, Any]:
        """The payload with its fields replaced by `fields`."""
        return dict(fields)

    @classmethod
    def routed(cls, payload: Mapping[str, Any], *, project: str | None = None,
               group: str | None = None, assignee: str | None = None) -> dict[str, Any]:
        """The draft with what a routing rule chose overriding the mapping; a choice the
        system has no place for is left out. The default: the assignee only."""
        fields = cls.draft_fields(payload)
        if assignee:
            fields[cls.assignee_field] = assignee
        return cls.with_draft_fields(payload, fields)

    @classmethod
    def closing_fields(cls, close: Mapping[str, str], state: str) -> dict[str, Any]:
        """The configured `close` fields sent with a move to the alert state `state`
        (the default: none; the system takes none)."""
        return {}

    def is_done(self, ticket: RemoteTicket) -> bool:
        """Whether the ticket is finished, what a target's `when_closed` acts on (the
        default: its status category is done)."""
        return ticket.status_category == "done"

    async def reopen(self, key: str) -> str:
        """Takes a done ticket back into work through the workflow, never by writing its
        status; returns the status it now has. The default: the first transition offered
        that leads to a status not done; NotFoundError when there is none."""
        available = await self.transitions(key)
        match = next((t for t in available if t.to_category and t.to_category != "done"),
                     None)
        if match is None:
            names = ", ".join(f"{t.name} (-> {t.to_status})" for t in available) or "none"
            raise NotFoundError(f"{key}: no transition leads out of done to reopen it; "
                                f"available: {names}", target=self.name)
        return (await self.transition(key, match.name)).status

    def ticket_ref(self, key: str, remote_id: str | None = None) -> str:
        """What to address a ticket by, given what is known of it (the default: its key)."""
        return key

    async def assign(self, key: str, who: str) -> None:
        """Makes `who` (a name or email, resolved by the connector) the ticket's assignee."""
        await self.update(key, {self.assignee_field: who})

    def assignee_fields(self, user: str) -> dict[str, Any]:
        """The update fields that assign the ticket to `user`, an id resolve_user gave."""
        return {self.assignee_field: user}

    def raised_priority_fields(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """The update fields that raise the priority of a ticket with these fields one step;
        nothing at the top (the default: no priority to raise)."""
        return {}

    async def move(self, key: str, name: str, fields: Mapping[str, Any] | None = None, *,
                   status: str = "") -> str:
        """Moves the ticket by the outbound transition / state `name`; returns the status it
        now has. `status`: what the caller last saw (a hint, may be stale). NotFoundError
        when there is no such move from where the ticket is."""
        return (await self.transition(key, name, dict(fields) if fields else None)).status

    async def move_many(self, moves: Sequence[Move]) -> list[RemoteTicket | ConnectorError]:
        """Many moves, an answer or an error per item in order (the default: one by one;
        with `batches_state_changes`, fewer calls). A name the system has no state for
        fails them all (NotFoundError): it is the target's config, not the ticket."""
        out: list[RemoteTicket | ConnectorError] = []
        for key, name, fields in moves:
            try:
                out.append(await self.transition(key, name, dict(fields) if fields else None))
            except ConnectorError as exc:
                out.append(exc)
        return out

    async def ensure_runbook(self, key: str, steps: Sequence[str], *, alert_id: str = ""
                             ) -> None:
        """The playbook on the ticket once: looked for first, so a rerun sends nothing (the
        default: a comment starting with RUNBOOK_HEADER)."""
        if not any(is_runbook(c.body) for c in await self.comments(key)):
            await self.add_comment(key, runbook_text(steps, alert_id))

    async def link_assets(self, key: str, assets: Iterable[tuple[str | None, str | None]]
                          ) -> CmdbResult:
        """Resolves (hostname, ip) pairs to configuration items and points the ticket at
        the first. Only with `supports_cmdb`."""
        raise Unsupported("this system has no CMDB to link assets in", target=self.name)

    async def slas(self, key: str) -> list[SlaStatus]:
        """The ticket's SLA timers, oldest first. Only with `supports_sla`."""
        raise Unsupported("this system keeps no SLA timers", target=self.name)

    def configuration_item(self, ticket: RemoteTicket) -> str | None:
        """The name of the configuration item the ticket points at (the default: none)."""
        return None

    # -- parent and child tickets ------------------------------------------------------------
    def child_fields(self, parent_key: str) -> dict[str, Any]:
        """Create fields that make the new ticket a child of `parent_key` as it is made
        (the default: none; the child is linked after with link_parent)."""
        return {}

    async def link_parent(self, child: str, parent_key: str, *, parent_id: str = "") -> None:
        """Makes the ticket `parent_key` (remote id `parent_id` when known) the remote
        parent of `child` (a ticket_ref). Once: a rerun finds the link and sends nothing."""
        raise Unsupported("this system has no parent/child links", target=self.name)

    def resolution(self, ticket: RemoteTicket) -> str:
        """How the remote says the ticket was resolved, for a note (the default: its
        status)."""
        return ticket.status
