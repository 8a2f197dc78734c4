"""Every automatic action goes to the alert's audit trail with the rule that caused it.

The actor is `rule:NAME` (or `automation` when no rule routed the alert), so the alert's
detail view and `zshield show` say which rule did what.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session

from zshield_tui.store.alerts import iso
from zshield_tui.store.store import Store
from zshield_tui.store.tables import AuditRecord

from .autocreate import Decision
from .escalation import EscalationDecision

AUTO_CREATE, ESCALATE, ASSIGN = "auto_create", "escalate", "auto_assign"


def actor_for(rule: str | None) -> str:
    """`rule:critical to SOC-CRIT`, or `automation` for a threshold without a rule."""
    return f"rule:{rule}" if rule else "automation"


def record_action(store: Store, alert_id: str, action: str, *, rule: str | None,
                  new_value: str | None = None, detail: dict | None = None,
                  at: datetime | None = None) -> None:
    """Writes one automatic action to the audit table in its own transaction."""
    with Session(store.engine) as session:
        session.add(AuditRecord(
            alert_id=alert_id, at=iso(at or datetime.now(UTC)), actor=actor_for(rule),
            action=action, new_value=new_value,
            detail=json.dumps(detail, ensure_ascii=False) if detail else None))
        session.commit()


def record_auto_create(store: Store, decision: Decision, *, key: str | None = None,
                       at: datetime | None = None) -> None:
    """An auto-created ticket (the key once the sync engine has it)."""
    record_action(store, decision.alert_id, AUTO_CREATE, rule=decision.rule,
                  new_value=key or decision.target, at=at,
                  detail={"target": decision.target, "project": decision.project,
                          "group": decision.group, "assignee": decision.assignee,
                          "reason": decision.reason})


def record_escalation(store: Store, decision: EscalationDecision, *, rule: str = "escalation",
                      at: datetime | None = None) -> None:
    """An escalation carried out on a ticket."""
    record_action(store, decision.alert_id, ESCALATE, rule=rule, new_value=decision.key, at=at,
                  detail={"target": decision.target, "window": decision.window,
                          "raise_priority": decision.raise_priority,
                          "assignee": decision.assignee, "reason": decision.reason})
