"""Pure pieces: severity mapping, journal display parsing, rate-limit waits, states."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from zshield_tui.connectors.errors import ValidationError
from zshield_tui.connectors.servicenow import states
from zshield_tui.connectors.servicenow.journal import parse_time, split_history
from zshield_tui.connectors.servicenow.payload import map_severity
from zshield_tui.connectors.servicenow.retry import RetryPolicy
from zshield_tui.connectors.servicenow.sla import to_status


@pytest.mark.parametrize(("severity", "impact", "urgency"), [
    ("critical", "1", "1"), ("high", "1", "2"), ("medium", "2", "2"), ("low", "2", "3"),
    ("informational", "3", "3"), ("2", "2", "2")])
def test_incident_severity_table(severity, impact, urgency):
    body = map_severity("incident", {"severity": severity, "priority": "1"})
    assert body == {"impact": impact, "urgency": urgency}


def test_explicit_impact_wins_over_severity():
    assert map_severity("incident", {"severity": "low", "impact": "1"})["impact"] == "1"


def test_unknown_severity_is_refused():
    with pytest.raises(ValidationError):
        map_severity("incident", {"severity": "apocalyptic"})


def test_security_incident_severity_scale():
    assert map_severity("sn_si_incident", {"severity": "critical"}) == {"severity": "1"}
    assert map_severity("sn_si_incident", {"severity": "low"}) == {"severity": "3"}


def test_journal_history_splits_into_entries():
    text = ("2026-11-24 10:05:00 - Ana Analyst (Work notes)\nSecond\nwith two lines\n\n"
            "2026-11-24 10:00:00 - Bo Admin (Work Notes)\nFirst\n\n")
    entries = split_history(text, "work_notes")
    assert [(e.author, e.body) for e in entries] == [("Ana Analyst", "Second\nwith two lines"),
                                                     ("Bo Admin", "First")]
    assert entries[1].created_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert split_history(text, "comments") == []
    assert split_history(text, "work_notes")[0].id == entries[0].id   # stable ids


def _response(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_rate_limit_wait_prefers_retry_after_then_the_unix_reset():
    policy = RetryPolicy(clock=lambda: 1_000.0)
    assert policy.server_delay(_response(**{"Retry-After": "12"})) == 12.0
    assert policy.server_delay(_response(**{"X-RateLimit-Reset": "1030"})) == 30.0
    assert policy.server_delay(_response(**{"X-RateLimit-Reset": "900"})) == 0.0
    assert policy.server_delay(_response()) is None


def test_backoff_is_capped():
    policy = RetryPolicy(base_delay=1, max_delay=5, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]


def test_state_names_and_aliases():
    assert states.find_state("incident", "resolve").value == "6"
    assert states.find_state("incident", "in_progress").value == "2"
    assert states.find_state("incident", "cancelled").value == "8"
    assert states.find_state("sn_si_incident", "canceled").value == "7"
    assert states.find_state("sn_si_incident", "resolved").value == "3"
    assert states.find_state("sn_si_incident", "100").label == "Review"
    assert states.find_state("incident", "Teleported") is None


def test_sla_row_without_display_values():
    status = to_status({"sla": "abc", "stage": "paused", "has_breached": "true",
                        "percentage": "120.5", "planned_end_time": "2026-11-24 13:00:00",
                        "time_left": "1970-01-01 00:00:00", "active": "true"})
    assert status.has_breached and status.percentage == 120.5 and status.stage == "paused"
    assert status.planned_end == datetime(2026, 11, 24, 13, tzinfo=UTC)


def test_table_api_times_parse_as_utc_and_nonsense_names_the_format():
    assert parse_time("2026-11-25 21:00:05") == datetime(2026, 11, 25, 21, 0, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="%Y-%m-%d %H:%M:%S"):
        parse_time("25/11/2026 21:00")
