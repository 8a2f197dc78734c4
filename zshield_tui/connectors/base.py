"""The interface shared by the Jira and ServiceNow connectors.

Everything is async (httpx.AsyncClient) and returns typed results; failures raise the
ConnectorError family from errors.py. Shapes here are the common denominator: a Jira
issue and a ServiceNow incident both become a RemoteTicket.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from zshield_tui.connectors.errors import ValidationError
from zshield_tui.domain.metadata import CreateMetadata, FieldSpec

__all__ = [
    "Connector", "CreateMetadata", "CreateResult", "FieldSpec", "RemoteAttachment",
    "RemoteComment", "RemoteTicket", "Transition",
]


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
    """One configured target. Instances hold an httpx.AsyncClient: use `async with`."""

    name: str
    kind: str  # "jira" | "servicenow"

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
