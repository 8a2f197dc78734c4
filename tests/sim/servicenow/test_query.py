"""The encoded-query subset: operators, ^OR binding, ordering, ignored clauses."""

from __future__ import annotations

from zshield_tui.sim.servicenow.query import matches, parse, split_terms

COLUMNS = ["state", "number", "short_description", "priority", "sys_created_on"]
ROWS = [
    {"state": "1", "number": "INC0010001", "short_description": "Disk full on web-01",
     "priority": "3", "sys_created_on": "2026-11-24 09:00:00"},
    {"state": "2", "number": "INC0010002", "short_description": "Phishing mail",
     "priority": "1", "sys_created_on": "2026-11-24 10:00:00"},
    {"state": "10", "number": "SIR0010001", "short_description": "Malware on db-01",
     "priority": "2", "sys_created_on": "2026-11-24 11:00:00"},
]


def numbers(query: str) -> list[str]:
    parsed = parse(query, COLUMNS)
    return [r["number"] for r in ROWS if matches(parsed, r.get)]


def test_equality_and_inequality():
    assert numbers("state=1") == ["INC0010001"]
    assert numbers("state!=1") == ["INC0010002", "SIR0010001"]


def test_in_like_and_ranges():
    assert numbers("stateIN1,10") == ["INC0010001", "SIR0010001"]
    assert numbers("short_descriptionLIKEweb-01") == ["INC0010001"]
    assert numbers("sys_created_on>=2026-11-24 10:00:00") == ["INC0010002", "SIR0010001"]
    assert numbers("sys_created_on<=2026-11-24 10:00:00") == ["INC0010001", "INC0010002"]
    assert numbers("state>=3") == ["SIR0010001"]   # numeric, not text, comparison


def test_or_binds_tighter_than_and():
    assert numbers("state=1^ORstate=2^priority=1") == ["INC0010002"]


def test_clauses_on_unknown_columns_are_silently_dropped():
    assert numbers("no_such_field=zzz^state=1") == ["INC0010001"]
    assert numbers("no_such_field=zzz") == [r["number"] for r in ROWS]


def test_order_by_is_parsed():
    parsed = parse("state=1^ORDERBYpriority^ORDERBYDESCnumber", COLUMNS)
    assert parsed.order == [("priority", False), ("number", True)]


def test_doubled_caret_is_part_of_the_value():
    assert split_terms("correlation_id=a^^b^state=1") == ["correlation_id=a^b", "state=1"]
