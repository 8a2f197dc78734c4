"""Correlation labels: readable, valid for Jira, and never shared by two alert ids."""

from __future__ import annotations

import re

from zshield_tui.domain.correlation import (
    correlation_label,
    is_ticket_of,
    legacy_correlation_label,
)

JIRA_LABEL = re.compile(r"[a-z0-9_.-]{1,255}")


def test_labels_stay_readable_and_valid():
    label = correlation_label("ZS-2026-000123")
    assert label.startswith("zshield-zs-2026-000123-") and JIRA_LABEL.fullmatch(label)
    assert JIRA_LABEL.fullmatch(correlation_label("é/" * 200 + "\x1b[2J"))


def test_ids_that_read_alike_get_different_labels():
    pairs = [("x/1", "x:1"), ("Case-1", "case-1"), ("a b", "a-b"), ("ü", "-")]
    for one, two in pairs:
        assert legacy_correlation_label(one) == legacy_correlation_label(two)
        assert correlation_label(one) != correlation_label(two)


def test_the_property_decides_when_present():
    labels = [correlation_label("case-1")]
    assert not is_ticket_of("case-1", labels, "Case-1")
    assert is_ticket_of("Case-1", [], "Case-1")


def test_without_a_property_a_legacy_label_proves_only_an_id_it_cannot_confuse():
    assert is_ticket_of("zs-1", [legacy_correlation_label("zs-1")], None)
    assert not is_ticket_of("ZS-1", [legacy_correlation_label("ZS-1")], None)
    assert is_ticket_of("ZS-1", [correlation_label("ZS-1")], None)
