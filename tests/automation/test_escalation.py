"""Escalation with a fake clock: a ticket still "new" after the window is escalated once
per window, and never once it has left the new state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zshield_tui.automation.escalation import (
    TicketState,
    decide_all,
    decide_escalation,
    format_age,
)
from zshield_tui.connectors.priority import raised_priority

CREATED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def ticket(status: str = "To Do", escalated: datetime | None = None) -> TicketState:
    return TicketState("ZS-1", "jira-sec", "SOC-1", status, CREATED, escalated)


def test_nothing_happens_inside_the_window(config):
    clock = FakeClock(CREATED + timedelta(minutes=29, seconds=59))
    assert decide_escalation(ticket(), config.escalation, clock) is None


def test_at_the_window_the_ticket_is_escalated_with_priority_oncall_and_comment(config):
    clock = FakeClock(CREATED + timedelta(minutes=30))
    decision = decide_escalation(ticket(), config.escalation, clock, config.oncall)
    assert decision.window == 1
    assert decision.raise_priority
    assert decision.assignee == "ana@yourorg.com"
    assert decision.comment == "Escalated: unacknowledged for 30m"


def test_once_per_window_as_the_clock_runs(config):
    clock = FakeClock(CREATED)
    escalated_at = None
    windows = []
    for _ in range(100):                       # 100 minutes, one sync a minute
        clock.advance(minutes=1)
        decision = decide_escalation(ticket(escalated=escalated_at), config.escalation, clock)
        if decision:
            windows.append((decision.window, clock.now - CREATED))
            escalated_at = clock.now
    assert windows == [(1, timedelta(minutes=30)), (2, timedelta(minutes=60)),
                       (3, timedelta(minutes=90))]


def test_a_missed_run_catches_up_with_one_escalation(config):
    clock = FakeClock(CREATED + timedelta(hours=3))
    decision = decide_escalation(ticket(), config.escalation, clock)
    assert decision.window == 6
    assert decide_escalation(ticket(escalated=clock.now), config.escalation, clock) is None


def test_an_acknowledged_ticket_is_left_alone(config):
    clock = FakeClock(CREATED + timedelta(hours=3))
    assert decide_escalation(ticket("In Progress"), config.escalation, clock) is None
    assert decide_escalation(ticket("new"), config.escalation, clock) is not None


def test_decide_all_without_escalation_config_decides_nothing(config):
    clock = FakeClock(CREATED + timedelta(hours=3))
    assert decide_all([ticket()], None, clock) == []
    assert len(decide_all([ticket(), ticket("Done")], config.escalation, clock)) == 1


def test_priority_goes_up_one_step_and_age_reads_well():
    assert raised_priority("Medium") == "High"
    assert raised_priority("Highest") == "Highest"
    assert raised_priority("3") == "2"
    assert format_age(timedelta(hours=1, minutes=5)) == "1h 05m"
    assert format_age(timedelta(days=2, hours=3)) == "2d 3h"
