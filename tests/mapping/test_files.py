"""Mapping files load as documented, and a bad one says which file and which JSON pointer."""

from __future__ import annotations

import pytest

from zshield_tui.mapping.files import (
    EXAMPLE_JIRA,
    EXAMPLE_SNOW,
    JiraMapping,
    MappingError,
    ServiceNowMapping,
    load_mapping,
    parse_mapping,
    save_mapping,
)


def test_the_documented_examples_load_as_jira_and_servicenow_mappings():
    jira, snow = parse_mapping(EXAMPLE_JIRA), parse_mapping(EXAMPLE_SNOW)
    assert isinstance(jira, JiraMapping) and (jira.project, jira.issue_type) == ("SEC", "Bug")
    assert jira.field_mapping["labels"] == ["zpoa-shield", "{{alert.category}}"]
    assert isinstance(snow, ServiceNowMapping) and snow.table == "sn_si_incident"
    assert snow.field_mapping["category"] == "Security"


def test_a_file_loads_and_its_errors_name_the_file_and_json_pointer(tmp_path):
    path = tmp_path / "jira.json"
    path.write_text('{"project": "SEC", "issue_type": "Bug", "labels": [],'
                    ' "field_mapping": {"summary": {"x": 1}, "labels": ["a", 3]}}')
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "/labels: unknown key" in message
    assert "/field_mapping/summary: expected a string template" in message
    assert "/field_mapping/labels/1: expected a string template" in message


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"table": "incident",\n "field_mapping": {,}}')
    with pytest.raises(MappingError, match=rf"^{path}:2:\d+: invalid JSON"):
        load_mapping(path)


@pytest.mark.parametrize(("text", "expected"), [
    ('[]', "/: expected a JSON object"),
    ('{"field_mapping": {}}', 'needs "project" and "issue_type"'),
    ('{"project": "SEC", "field_mapping": {}}', "/issue_type: required key missing"),
    ('{"table": "bad table", "field_mapping": {}}', "/table: String should match"),
    ('{"table": "x", "field_mapping": {"a/b~c": null}}', "/field_mapping/a~1b~0c: expected"),
])
def test_shape_errors_point_at_the_key(text, expected):
    with pytest.raises(MappingError, match="m.json") as caught:
        parse_mapping(text, "m.json")
    assert expected in str(caught.value)


def test_a_missing_file_is_a_mapping_error(tmp_path):
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "nope.json")


def test_saving_keeps_the_previous_file_as_a_backup(tmp_path):
    path = tmp_path / "m.json"
    assert save_mapping(path, EXAMPLE_SNOW) is None  # nothing to back up yet
    backup = save_mapping(path, EXAMPLE_JIRA)
    assert backup == tmp_path / "m.json.bak"
    assert backup.read_text() == EXAMPLE_SNOW and path.read_text() == EXAMPLE_JIRA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.json.bak"]
