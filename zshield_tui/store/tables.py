"""SQLModel mappings of the tables that schema.py creates.

The schema itself comes from the migrations (so every released version upgrades
in place); these classes map it for the ORM paths: tickets, notes, outbox, audit. A test
checks that both agree column for column. Times are stored as ISO 8601 UTC text
(`store.alerts.iso`), which sorts correctly and reads well in the sqlite3 shell.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class AlertRecord(SQLModel, table=True):
    __tablename__ = "alert"

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    title: str
    description: str = ""
    severity: int  # Severity.rank
    source: str = ""
    category: str = ""
    mitre_technique: str | None = None
    assigned_analyst: str | None = None
    state: str = "new"
    created_at: str
    parent_id: str | None = Field(default=None, index=True)
    tags: str = "[]"       # JSON
    assets: str = "[]"     # JSON
    iocs: str = "[]"       # JSON
    playbook: str = "[]"   # JSON
    raw: str = "{}"        # JSON
    format: str = "zshield"
    ingested_at: str
    updated_at: str
    version: int = 0       # analysts' changes so far (store/versions.py)


class EvidenceRecord(SQLModel, table=True):
    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(foreign_key="alert.id")
    name: str
    path: str
    origin: str | None = None  # folder of the alert file that named it; None: roots only


class TicketRecord(SQLModel, table=True):
    __tablename__ = "ticket"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(foreign_key="alert.id", index=True)
    target: str
    key: str
    remote_id: str = ""
    url: str = ""
    status: str = ""
    sla: str | None = None  # JSON
    configuration_item: str | None = None
    last_synced_at: str | None = None
    error: str | None = None
    synced_state: str | None = None  # the alert state both sides last agreed on
    remote_created_at: str | None = None  # escalation windows count from here
    remote_parent: str | None = None  # the parent's ticket key, once linked remotely


class AttachmentRecord(SQLModel, table=True):
    """A file attached to a ticket: one row per alert, target and name (once-only)."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(foreign_key="alert.id")
    target: str
    name: str
    remote_id: str
    size: int = 0
    attached_at: str


class NoteRecord(SQLModel, table=True):
    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(foreign_key="alert.id")
    body: str
    author: str = ""
    origin: str = "local"
    remote_id: str | None = None  # the comment / journal id; prevents echo on sync
    created_at: str
    sync_state: str | None = None  # local notes: pending | synced | failed


class NoteLinkRecord(SQLModel, table=True):
    """A remote comment id a note is known by on one target (stops echo loops)."""

    __tablename__ = "note_link"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id")
    target: str
    remote_id: str


class OutboxRecord(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    target: str
    alert_id: str
    operation: str
    payload: str = "{}"  # JSON
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: str | None = None
    created_at: str
    claimed_by: str | None = None     # host:pid of the worker holding the op
    claimed_until: str | None = None  # its lease; an expired lease may be taken over
    done_at: str | None = None


class SyncCursorRecord(SQLModel, table=True):
    __tablename__ = "sync_cursor"

    target: str = Field(primary_key=True)
    watermark: str | None = None
    updated_at: str


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str
    at: str
    actor: str
    action: str
    old_value: str | None = None
    new_value: str | None = None
    detail: str | None = None
