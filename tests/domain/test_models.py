from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from zshield_tui.domain import Alert, Severity


def test_severity_parses_names_and_abbreviations_in_any_case():
    assert Severity.parse("CRIT") is Severity.CRITICAL
    assert Severity.parse(" info ") is Severity.INFORMATIONAL
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        Severity.parse("urgent")


def test_severity_ranks_order_the_scale():
    ranks = [s.rank for s in Severity]
    assert ranks == [4, 3, 2, 1, 0]
    assert all(Severity.from_rank(s.rank) is s for s in Severity)


def test_alert_times_are_made_utc():
    plus3 = timezone(timedelta(hours=3))
    alert = Alert(id="a", title="t", severity="high",
                  created_at=datetime(2026, 11, 24, 13, 0, tzinfo=plus3))
    assert alert.created_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    naive = Alert(id="b", title="t", severity="low", created_at=datetime(2026, 11, 24, 10))
    assert naive.created_at.tzinfo is UTC


def test_unknown_fields_in_an_alert_are_refused_by_name():
    with pytest.raises(ValidationError, match="severty"):
        Alert(id="a", title="t", severity="high", severty="x",
              created_at=datetime(2026, 11, 24, tzinfo=UTC))
