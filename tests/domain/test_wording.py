"""Counts and durations read as people say them."""

from __future__ import annotations

from zshield_tui.domain.wording import counted, duration


def test_counts_take_the_plural_only_when_not_one():
    assert counted(1, "alert") == "1 alert"
    assert counted(0, "alert") == "0 alerts"
    assert counted(3, "child", "children") == "3 children"
    assert counted(1, "child", "children") == "1 child"


def test_durations_use_the_two_largest_units():
    assert duration(7199 * 60) == "4d 23h"
    assert duration(2 * 3600 + 10 * 60 + 59) == "2h 10m"
    assert duration(3 * 86400) == "3d"
    assert duration(45 * 60) == "45m"
    assert duration(20) == "under 1m"
    assert duration(-90 * 60) == "1h 30m"
