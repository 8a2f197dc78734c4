"""Automatic actions land in the alert's audit trail with the rule that caused them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.automation.conftest import record_pass
from tests.factories import make_alert
from zshield_tui.automation.audit import record_auto_create, record_escalation
from zshield_tui.automation.autocreate import decide_auto_create
from zshield_tui.automation.escalation import TicketState, decide_escalation
from zshield_tui.domain import Severity
from zshield_tui.store import upsert_alerts
from zshield_tui.store.records import audit_trail


def test_auto_create_and_escalation_are_audited_with_their_rule(store, config):
    alert = make_alert(1, severity=Severity.CRITICAL)
    upsert_alerts(store.conn, [alert], fmt="zshield")
    [decision] = decide_auto_create(alert, config.targets, rules=config.rules,
                                    oncall=config.oncall)
    record_auto_create(store, decision, key="SOCCRIT-7")
    created = datetime(2026, 11, 24, 10, tzinfo=UTC)
    ticket = TicketState(alert.id, "jira-sec", "SOCCRIT-7", "To Do", created)
    escalation = decide_escalation(ticket, config.escalation,
                                   lambda: created + timedelta(minutes=45), config.oncall)
    record_escalation(store, escalation)
    trail = audit_trail(store, alert.id)
    assert [(e.actor, e.action, e.new_value) for e in trail] == [
        ("rule:critical to SOC-CRIT", "auto_create", "SOCCRIT-7"),
        ("rule:escalation", "escalate", "SOCCRIT-7"),
    ]
    assert "critical to SOC-CRIT" in trail[0].detail


def test_the_recorded_escalation_stops_a_second_one_in_the_same_window(store, config):
    from zshield_tui.automation.escalation import last_escalated

    alert = make_alert(1, severity=Severity.CRITICAL)
    upsert_alerts(store.conn, [alert], fmt="zshield")
    created = datetime(2026, 11, 24, 10, tzinfo=UTC)
    clock = [created + timedelta(minutes=31)]
    done = 0
    for minutes in (31, 40, 59, 61):
        clock[0] = created + timedelta(minutes=minutes)
        last = last_escalated(store.conn).get((alert.id, "SOC-9"))
        ticket = TicketState(alert.id, "jira-sec", "SOC-9", "To Do", created, last)
        decision = decide_escalation(ticket, config.escalation, lambda: clock[0])
        if decision:
            record_escalation(store, decision, at=clock[0])
            done += 1
    assert done == 2          # at 31 and at 61 minutes


def test_the_entry_points_the_sync_engine_calls(store, config, tmp_path, monkeypatch):
    from zshield_tui.automation.autocreate import auto_create_plan
    from zshield_tui.automation.escalation import escalations_due

    monkeypatch.setenv("ZSHIELD_RUNS", str(tmp_path / "runs.json"))
    alert = make_alert(1, severity=Severity.CRITICAL)
    upsert_alerts(store.conn, [alert], fmt="zshield")
    config_file = tmp_path / "config.toml"
    assert auto_create_plan(store.conn, config, alert, config_file=config_file) == []
    record_pass(store.conn, config, config_file, "jira-sec")   # production: staged first
    [decision] = auto_create_plan(store.conn, config, alert, config_file=config_file)
    record_auto_create(store, decision, key="SOCCRIT-1")
    store.conn.execute("INSERT INTO ticket (alert_id, target, key) VALUES (?, ?, ?)",
                       (alert.id, decision.target, "SOCCRIT-1"))
    assert auto_create_plan(store.conn, config, alert, config_file=config_file) == []
    created = datetime(2026, 11, 24, 10, tzinfo=UTC)
    ticket = TicketState(alert.id, "jira-sec", "SOCCRIT-1", "To Do", created)
    later = created + timedelta(minutes=35)
    [due] = escalations_due(store.conn, config, [ticket], lambda: later)
    record_escalation(store, due, at=later)
    assert escalations_due(store.conn, config, [ticket], lambda: later) == []
