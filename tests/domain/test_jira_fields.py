"""Field shapes decided by the create metadata's schema (type, items, custom).

The fixture is the field entries of a real Cloud createmeta answer, cut from
shared/reference/jira-createmeta-samples (mattermost-plugin-jira, Apache-2.0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zshield_tui.domain.jira_fields import (
    SYSTEM_FIELDS,
    ShapeError,
    field_spec,
    is_labels,
    is_rich,
    is_user,
    shape_value,
)

CLOUD = json.loads((Path(__file__).parents[1] / "fixtures" / "jira" /
                    "createmeta-cloud-fields.json").read_text())


def spec(key: str):
    return field_spec(key, CLOUD[key])


def test_specs_read_type_items_custom_and_allowed_values_from_real_createmeta():
    select = spec("customfield_10076")
    assert (select.type, select.items, select.title) == ("option", "", "MJK - Select List 3")
    assert select.custom.endswith(":select") and select.allowed == ("1", "2")
    multi = spec("customfield_10075")
    assert (multi.type, multi.items) == ("array", "option")
    assert spec("fixVersions").allowed == ("d",)
    assert spec("customfield_10072").type == "number"
    assert not spec("issuetype").allowed  # fixed by the draft, never chosen by value


@pytest.mark.parametrize(("key", "rendered", "sent"), [
    ("customfield_10076", "2", {"value": "2"}),                      # select
    ("customfield_10073", "1", {"value": "1"}),                      # radio buttons
    ("customfield_10075", ["1", "2"], [{"value": "1"}, {"value": "2"}]),  # multi-select
    ("customfield_10068", "2", [{"value": "2"}]),                    # checkboxes, one value
    ("components", ["Endpoint", "Network"], [{"name": "Endpoint"}, {"name": "Network"}]),
    ("fixVersions", "d", [{"name": "d"}]),
    ("versions", ["d"], [{"name": "d"}]),
    ("customfield_10072", "7.5", 7.5),                               # number
    ("customfield_10072", "42", 42),
    ("customfield_10072", 3, 3),                                     # a literal in the mapping
    ("customfield_10069", "2026-11-24T23:30:00-02:00", "2026-11-25"),  # date, counted in UTC
    ("customfield_10069", "2026-11-24", "2026-11-24"),
    ("customfield_10070", "2026-11-24T10:00:00Z", "2026-11-24T10:00:00.000+0000"),
    ("customfield_10070", "2026-11-24", "2026-11-24T00:00:00.000+0000"),
    ("customfield_10071", "web-01", ["web-01"]),                     # labels custom field
    ("labels", ["a", "b"], ["a", "b"]),
    ("customfield_10080", "ana@example.com", "ana@example.com"),     # user: resolved later
    ("customfield_10078", "text", "text"),
    ("customfield_10076", {"id": "10039"}, {"id": "10039"}),         # written as an object
])
def test_each_schema_gets_its_shape(key, rendered, sent):
    assert shape_value(spec(key), rendered) == sent


def test_allowed_values_take_the_sites_spelling():
    select = field_spec("x", {"schema": {"type": "option"},
                              "allowedValues": [{"value": "Malware", "id": "1"}]})
    assert shape_value(select, "malware") == {"value": "Malware"}


def test_empty_items_are_dropped_from_multi_valued_fields():
    assert shape_value(spec("components"), ["Endpoint", ""]) == [{"name": "Endpoint"}]


@pytest.mark.parametrize(("key", "rendered", "problem"), [
    ("customfield_10072", "high", "'high' is not a number"),
    ("customfield_10072", "nan", "'nan' is not a number"),
    ("customfield_10072", True, "True is not a number"),
    ("customfield_10069", "next tuesday", "'next tuesday' is not a date"),
    ("customfield_10070", "24/11/2026", "'24/11/2026' is not a date-time"),
    ("customfield_10076", ["1", "2"], "takes one value; the mapping gives 2"),
])
def test_values_that_cannot_take_the_shape_say_why(key, rendered, problem):
    with pytest.raises(ShapeError, match=problem.replace("(", r"\(")):
        shape_value(spec(key), rendered)


def test_kinds_of_field():
    assert is_user(spec("customfield_10080")) and is_user(SYSTEM_FIELDS["assignee"])
    assert is_rich(spec("customfield_10077")) and is_rich(SYSTEM_FIELDS["description"])
    assert not is_rich(spec("customfield_10078"))  # single-line text is not rich
    assert is_labels(spec("customfield_10071")) and is_labels(SYSTEM_FIELDS["labels"])


def test_system_fields_need_no_metadata():
    assert shape_value(SYSTEM_FIELDS["components"], "Network") == [{"name": "Network"}]
    assert shape_value(SYSTEM_FIELDS["duedate"], "2026-11-24T10:00:00Z") == "2026-11-24"
    assert shape_value(SYSTEM_FIELDS["priority"], "High") == {"name": "High"}
