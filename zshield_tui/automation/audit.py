"""Every automatic action goes to the alert's audit trail with the rule that caused it.

The actor is `rule:NAME` (or `automation` when no rule routed the alert), so the alert's
detail view and `zshield show` say which rule did what.

Each function takes the Store (its own transaction) or the store's connection: the sync
layer passes the connection from inside the transaction that queues the action, so the op
and its audit row are one commit and a second pass sees the action already taken.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from zshield_tui.store.alerts import iso
from zshield_tui.store.automation_rows import AUTO_CREATE_FAILED, add_audit
from zshield_tui.store.store import Store
from zshield_tui.store.tables import AuditRecord

from .autocreate import Decision
from .escalation import EscalationDecision

AUTO_CREATE, ESCALATE, ASSIGN = "auto_create", "escalate", "auto_assign"
Where = Store | Any   # the Store, or its connection (sqlite3 or PgConnection)


def actor_for(rule: str | None) -> str:
    """`rule:critical to SOC-CRIT`, or `automation` for a threshold without a rule."""
    return f"rule:{rule}" if rule else "automation"


def record_action(store: Where, alert_id: str, action: str, *, rule: str | None,
                  new_value: str | None = None, detail: dict | None = None,
                  at: datetime | None = None) -> None:
    """Writes one automatic action to the audit table: in its own transaction given the
    Store, in the caller's given its connection."""
    if not isinstance(store, Store):
        add_audit(store, alert_id, at=at or datetime.now(UTC), actor=actor_for(rule),
                  action=action, new_value=new_value,
                  detail=json.dumps(detail, ensure_ascii=False) if detail else None)
        return
    with Session(store.engine) as session:
        session.add(AuditRecord(
            alert_id=alert_id, at=iso(at or datetime.now(UTC)), actor=actor_for(rule),
            action=action, new_value=new_value,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None))
        session.commit()


def record_auto_create(store: Where, decision: Decision, *, key: str | None = None,
                       at: datetime | None = None) -> None:
    """An auto-created ticket (the key once the sync engine has it)."""
    record_action(store, decision.alert_id, AUTO_CREATE, rule=decision.rule,
                  new_value=key or decision.target, at=at,
                  detail={"target": decision.target, "project": decision.project,
                          "group": decision.group, "assignee": decision.assignee,
                          "reason": decision.reason})


def record_auto_create_failed(store: Where, decision: Decision,
                              errors: dict[str, list[str]], *,
                              at: datetime | None = None) -> None:
    """An auto-create whose mapping did not validate: shown on the alert, and what stops
    the next pass from trying again (`push` it by hand once the mapping is fixed)."""
    record_action(store, decision.alert_id, AUTO_CREATE_FAILED, rule=decision.rule,
                  new_value=decision.target, at=at,
                  detail={"target": decision.target, "errors": errors,
                          "reason": decision.reason})


def record_escalation(store: Where, decision: EscalationDecision, *, rule: str = "escalation",
                      at: datetime | None = None) -> None:
    """An escalation carried out on a ticket."""
    record_action(store, decision.alert_id, ESCALATE, rule=rule, new_value=decision.key, at=at,
                  detail={"target": decision.target, "window": decision.window,
                          "raise_priority": decision.raise_priority,
                          "assignee": decision.assignee, "reason": decision.reason})
