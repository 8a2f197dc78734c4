"""Tickets in remote systems and the notes that travel between them and alerts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NoteOrigin(StrEnum):
    LOCAL = "local"    # written by the analyst here; syncs out
    REMOTE = "remote"  # a comment or work note read back from a ticket


class Ticket(BaseModel):
    """A ticket linked to an alert, as last seen in its target."""

    model_config = ConfigDict(extra="forbid")

    alert_id: str
    target: str
    key: str                      # SEC-412, INC0010042, SIR0010042
    remote_id: str = ""           # Jira issue id, ServiceNow sys_id
    url: str = ""
    status: str = ""
    sla: dict[str, Any] | None = None
    configuration_item: str | None = None
    last_synced_at: datetime | None = None
    error: str | None = None
    remote_parent: str | None = None   # the parent alert's ticket, once linked remotely


class Note(BaseModel):
    """An investigation note on an alert."""

    model_config = ConfigDict(extra="forbid")

    alert_id: str
    body: str = Field(min_length=1)
    author: str = ""
    origin: NoteOrigin = NoteOrigin.LOCAL
    created_at: datetime


class TicketDraft(BaseModel):
    """What a mapping renders for one alert and target: the payload plus per-field errors."""

    model_config = ConfigDict(extra="forbid")

    target: str
    payload: dict[str, Any]
    errors: dict[str, list[str]] = Field(default_factory=dict)
    omitted: list[str] = Field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors
