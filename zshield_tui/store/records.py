"""Tickets, notes and the audit trail of one alert, through the ORM.

These paths touch a handful of rows at a time, where the ORM's clarity is worth its cost.
SQLModel is imported here and only here, so the TUI's first paint does not pay for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from zshield_tui.domain import AlertState, Note, NoteOrigin, Ticket

from .alerts import iso, parse_iso
from .store import Store
from .tables import AlertRecord, AuditRecord, NoteRecord, TicketRecord


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    old_value: str | None
    new_value: str | None
    detail: str | None


def linked_tickets(store: Store, alert_id: str) -> list[Ticket]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(TicketRecord).where(TicketRecord.alert_id == alert_id).order_by(TicketRecord.id)
        ).all()
    return [
        Ticket(
            alert_id=r.alert_id, target=r.target, key=r.key, remote_id=r.remote_id, url=r.url,
            status=r.status, sla=json.loads(r.sla) if r.sla else None,
            configuration_item=r.configuration_item, error=r.error,
            last_synced_at=parse_iso(r.last_synced_at) if r.last_synced_at else None,
        )
        for r in rows
    ]


def notes(store: Store, alert_id: str) -> list[Note]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(NoteRecord)
            .where(NoteRecord.alert_id == alert_id)
            .order_by(NoteRecord.created_at, NoteRecord.id)
        ).all()
    return [
        Note(alert_id=r.alert_id, body=r.body, author=r.author, origin=NoteOrigin(r.origin),
             created_at=parse_iso(r.created_at))
        for r in rows
    ]


def audit_trail(store: Store, alert_id: str) -> list[AuditEntry]:
    with Session(store.engine) as session:
        rows = session.exec(
            select(AuditRecord).where(AuditRecord.alert_id == alert_id).order_by(AuditRecord.id)
        ).all()
    return [
        AuditEntry(parse_iso(r.at), r.actor, r.action, r.old_value, r.new_value, r.detail)
        for r in rows
    ]


def set_state(store: Store, alert_id: str, state: AlertState, *, actor: str) -> bool:
    """Changes an alert's state and records who did it; returns False if nothing changed.

    The audit row is written in the same transaction, so the trail never misses a change.
    """
    with Session(store.engine) as session:
        alert = session.exec(select(AlertRecord).where(AlertRecord.id == alert_id)).one_or_none()
        if alert is None:
            raise KeyError(alert_id)
        if alert.state == state.value:
            return False
        now = iso(datetime.now(UTC))
        session.add(AuditRecord(alert_id=alert_id, at=now, actor=actor, action="state",
                                old_value=alert.state, new_value=state.value))
        alert.state = state.value
        alert.updated_at = now
        session.add(alert)
        session.commit()
    return True
