"""On-call arithmetic: shifts follow the rotation's local calendar, so the handover stays at
the same wall-clock time across daylight-saving changes; overrides take one local day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zshield_tui.automation.oncall import describe, now_and_next, on_call, shift_at
from zshield_tui.rules_config import OnCall

TEAM = ["ana", "bo", "cy"]


def rotation(**fields) -> OnCall:
    return OnCall.model_validate({"members": TEAM, **fields})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_weekly_rotation_in_utc_hands_over_at_the_start_time():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z")
    assert on_call(r, at("2026-11-23T09:00:00Z")) == "ana"
    assert on_call(r, at("2026-11-30T08:59:59Z")) == "ana"
    assert on_call(r, at("2026-11-30T09:00:00Z")) == "bo"
    assert on_call(r, at("2026-12-07T09:00:00Z")) == "cy"
    assert on_call(r, at("2026-12-14T09:00:00Z")) == "ana"   # wraps around


def test_the_calendar_week_boundary_is_not_a_handover():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z")
    sunday_night, monday_morning = at("2026-11-29T23:59:00Z"), at("2026-11-30T00:00:00Z")
    assert on_call(r, sunday_night) == on_call(r, monday_morning) == "ana"


def test_before_the_start_the_rotation_runs_backwards():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z")
    assert on_call(r, at("2026-11-23T08:59:00Z")) == "cy"
    assert on_call(r, at("2026-11-10T00:00:00Z")) == "bo"


def test_daily_handover_stays_at_nine_in_berlin_across_spring_forward():
    # Clocks in Europe/Berlin go from 02:00 to 03:00 on 2026-03-29.
    r = rotation(rotation="daily", start="2026-03-27T09:00:00", timezone="Europe/Berlin")
    assert on_call(r, at("2026-03-28T08:00:00Z")) == "bo"       # 09:00 CET
    assert on_call(r, at("2026-03-29T06:59:00Z")) == "bo"       # 08:59 CEST
    assert on_call(r, at("2026-03-29T07:00:00Z")) == "cy"       # 09:00 CEST
    shift = shift_at(r, at("2026-03-28T12:00:00Z"))
    assert shift.end - shift.start == timedelta(hours=23)


def test_daily_handover_in_berlin_across_fall_back_lasts_25_hours():
    # Clocks in Europe/Berlin go from 03:00 back to 02:00 on 2026-10-25.
    r = rotation(rotation="daily", start="2026-10-24T09:00:00", timezone="Europe/Berlin")
    shift = shift_at(r, at("2026-10-24T12:00:00Z"))
    assert (shift.member, shift.start, shift.end) == (
        "ana", at("2026-10-24T07:00:00Z"), at("2026-10-25T08:00:00Z"))
    assert shift.end - shift.start == timedelta(hours=25)


def test_weekly_in_new_york_across_the_november_change():
    # America/New_York leaves daylight time on 2026-11-01: the Monday handover at 09:00
    # local is 13:00 UTC before and 14:00 UTC after.
    r = rotation(rotation="weekly", start="2026-10-26T09:00:00", timezone="America/New_York")
    assert on_call(r, at("2026-10-26T13:00:00Z")) == "ana"
    assert on_call(r, at("2026-11-02T13:30:00Z")) == "ana"      # 08:30 EST
    assert on_call(r, at("2026-11-02T14:00:00Z")) == "bo"       # 09:00 EST
    shift = shift_at(r, at("2026-10-28T00:00:00Z"))
    assert shift.end - shift.start == timedelta(days=7, hours=1)


def test_weekly_in_new_york_across_the_march_change():
    # 2026-03-08: daylight time starts; that week is an hour shorter.
    r = rotation(rotation="weekly", start="2026-03-02T09:00:00", timezone="America/New_York")
    shift = shift_at(r, at("2026-03-05T00:00:00Z"))
    assert shift.end == at("2026-03-09T13:00:00Z")
    assert shift.end - shift.start == timedelta(days=7) - timedelta(hours=1)


def test_a_handover_in_the_skipped_hour_moves_to_after_the_jump():
    r = rotation(rotation="daily", start="2026-03-27T02:30:00", timezone="Europe/Berlin")
    shift = shift_at(r, at("2026-03-29T12:00:00Z"))
    # 02:30 does not exist on 2026-03-29 in Berlin; it is taken as 03:30 CEST.
    assert shift.start == at("2026-03-29T01:30:00Z")


def test_a_start_with_an_offset_is_read_in_the_rotation_zone():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z", timezone="Europe/Berlin")
    # 09:00Z is 10:00 CET: the handover is at 10:00 Berlin time every Monday.
    assert on_call(r, at("2026-11-30T08:59:00Z")) == "ana"
    assert on_call(r, at("2026-11-30T09:00:00Z")) == "bo"


def test_an_override_takes_one_day_and_the_rotation_resumes():
    r = rotation(rotation="daily", start="2026-11-23T09:00:00Z",
                 overrides=[{"date": "2026-11-25", "member": "dee"}])
    assert on_call(r, at("2026-11-25T08:59:00Z")) == "bo"
    assert on_call(r, at("2026-11-25T09:00:00Z")) == "dee"
    assert on_call(r, at("2026-11-26T09:00:00Z")) == "ana"     # day 3: the rotation's own


def test_an_override_inside_a_week_splits_the_shift():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z",
                 overrides=[{"date": "2026-11-25", "member": "dee"}])
    current, following = now_and_next(r, at("2026-11-24T12:00:00Z"))
    assert (current.member, current.end, following.member) == (
        "ana", at("2026-11-25T09:00:00Z"), "dee")
    current, following = now_and_next(r, at("2026-11-25T12:00:00Z"))
    assert current.override and following.member == "ana"
    assert following.start == at("2026-11-26T09:00:00Z")
    assert following.end == at("2026-11-30T09:00:00Z")


def test_now_and_next_and_describe():
    r = rotation(rotation="weekly", start="2026-11-23T09:00:00Z", timezone="Europe/Berlin")
    text = describe("primary", r, at("2026-11-24T12:00:00Z"))
    assert text == "primary: ana until 2026-11-30 10:00 Europe/Berlin, then bo"


def test_a_naive_moment_is_refused():
    r = rotation(rotation="daily", start="2026-11-23T09:00:00Z")
    with pytest.raises(ValueError, match="timezone-aware"):
        on_call(r, datetime(2026, 11, 24))
