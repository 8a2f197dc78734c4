"""Tickets, notes and the audit trail of one alert, through the ORM.

These paths touch a handful of rows at a time, where the ORM's clarity is worth its cost.
SQLModel is imported here and only here, so the TUI's first paint does not pay for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from zshield_tui.domain import Ticket

from .alerts import parse_iso
from .recurrence import shared_ticket_ids
from .store import Store
from .tables import AuditRecord, TicketRecord


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    old_value: str | None
    new_value: str | None
    detail: str | None


def linked_tickets(store: Store, alert_id: str) -> list[Ticket]:
    """The alert's tickets, and those it shares as a recurrence (their `alert_id` is the
    group's first alert)."""
    shared = shared_ticket_ids(store.conn, alert_id)
    with Session(store.engine) as session:
        rows = session.exec(
            select(TicketRecord).where(or_(TicketRecord.alert_id == alert_id,
                                           col(TicketRecord.id).in_(shared)))
            .order_by(TicketRecord.id)
        ).all()
    return [
        Ticket(
            alert_id=r.alert_id, target=r.target, key=r.key, remote_id=r.remote_id, url=r.url,
            status=r.status, sla=json.loads(r.sla) if r.sla else None,
            configuration_item=r.configuration_item, error=r.error,
            remote_parent=r.remote_parent,
            last_synced_at=parse_iso(r.last_synced_at) if r.last_synced_at else None,
        )
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
