"""Rendering: the documented examples give exactly the documented payloads; lists render
item by item; empty optional fields are omitted; any alert renders or yields errors."""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zshield_tui.domain import IOC, Alert, AlertState, Asset, Evidence, Severity
from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW, parse_mapping
from zshield_tui.mapping.preview import preview_alert
from zshield_tui.mapping.render import render_draft
from zshield_tui.mapping.target import EXAMPLE_TARGETS

JIRA_PAYLOAD = {"fields": {
    "project": {"key": "SEC"},
    "issuetype": {"name": "Bug"},
    "summary": "PowerShell download cradle on web-01",
    "description": "Encoded command fetched a payload.\nParent: w3wp.exe\n\nSeverity: high\n"
                   "Source: EDR\nMITRE ATT&CK: T1059.001",
    "priority": {"name": "High"},
    "labels": ["zpoa-shield", "execution"],
    "assignee": "ana@yourorg.com",
}}

SNOW_PAYLOAD = {
    "short_description": "PowerShell download cradle on web-01",
    "description": "Encoded command fetched a payload.\nParent: w3wp.exe",
    "severity": "1",
    "category": "Security",
    "subcategory": "execution",
    "assignment_group": "Security Operations",
    "caller_id": "zpoa-shield-service",
}


def test_the_documented_jira_example_renders_the_expected_payload(alert, jira_mapping,
                                                                  jira_target):
    draft = render_draft(alert, jira_mapping, jira_target)
    assert draft.errors == {} and draft.omitted == []
    assert draft.payload == JIRA_PAYLOAD
    assert draft.target == "example-jira"


def test_the_documented_servicenow_example_renders_the_expected_payload(alert, snow_mapping,
                                                                        snow_target):
    draft = render_draft(alert, snow_mapping, snow_target)
    assert draft.errors == {} and draft.omitted == []
    assert draft.payload == SNOW_PAYLOAD


def test_empty_optional_fields_and_list_items_are_omitted(alert, jira_mapping, jira_target):
    bare = alert.model_copy(update={"assigned_analyst": None, "category": ""})
    draft = render_draft(bare, jira_mapping, jira_target)
    assert draft.omitted == ["assignee"]
    assert "assignee" not in draft.payload["fields"]
    assert draft.payload["fields"]["labels"] == ["zpoa-shield"]  # the empty item is dropped
    assert draft.valid


def test_an_empty_list_is_omitted_and_literals_pass_through(alert, jira_target):
    mapping = parse_mapping(json.dumps({"project": "{{ 'SEC' }}", "issue_type": "Bug",
                                        "field_mapping": {"summary": "x", "labels": ["{{''}}"],
                                                          "customfield_1": 3.5}}))
    draft = render_draft(alert, mapping, jira_target)
    assert draft.omitted == ["labels"]
    assert draft.payload["fields"]["customfield_1"] == 3.5
    assert draft.payload["fields"]["project"] == {"key": "SEC"}


def test_errors_in_list_items_name_the_item(alert, jira_target):
    mapping = parse_mapping(json.dumps({"project": "SEC", "issue_type": "Bug", "field_mapping":
                                        {"summary": "x", "labels": ["ok", "{{ alert.team }}"]}}))
    draft = render_draft(alert, mapping, jira_target)
    assert draft.errors == {"labels": [
        "labels[1]: alert.team is undefined: the alert has no field 'team'"]}


def test_a_mapping_for_the_other_system_is_an_error(alert, snow_mapping, jira_target):
    draft = render_draft(alert, snow_mapping, jira_target)
    assert draft.errors["(mapping)"] == [
        "a servicenow mapping cannot create tickets in jira target 'example-jira'"]


# -- any alert: renders, or yields field errors; never an exception ---------------------

text = st.text(string.printable + "éß漢{}[]%#\u2028\x00", max_size=40)
optional = st.none() | text
alerts = st.builds(
    Alert,
    id=st.text(string.ascii_letters + string.digits + " -_/.:", min_size=1, max_size=30),
    title=text.filter(bool),
    description=st.text(max_size=300),
    severity=st.sampled_from(list(Severity)),
    source=text, category=text, mitre_technique=optional, assigned_analyst=optional,
    state=st.sampled_from(list(AlertState)),
    created_at=st.datetimes(timezones=st.none() | st.timezones()),
    parent_id=optional,
    tags=st.lists(text, max_size=3),
    assets=st.lists(st.builds(Asset, hostname=optional, ip=optional, owner=optional),
                    max_size=3),
    iocs=st.lists(st.builds(IOC, type=text, value=text), max_size=3),
    evidence=st.lists(st.builds(Evidence, name=text, path=text), max_size=2),
    playbook=st.lists(text, max_size=3),
    raw=st.dictionaries(text, st.none() | st.integers() | text, max_size=3),
)
EXTRA = parse_mapping(json.dumps({"project": "SEC", "issue_type": "Bug", "field_mapping": {
    "summary": "{{ alert.title | truncate(250) }}",
    "description": "{{ alert.assets | assets_text }}\n{{ alert.iocs | iocs_text }}\n"
                   "{{ alert.playbook | lines }}\n{{ alert.created_at | iso }}\n"
                   "{{ alert.raw.get('rule') | default('-', true) }}",
    "labels": ["{{ alert.source }}", "{{ alert.tags | join('-') }}"],
    "priority": "{{ alert.severity | jira_priority }}",
}}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alert=alerts)
def test_any_alert_renders_or_yields_field_errors(alert):
    for mapping, target in ((parse_mapping(EXAMPLE_JIRA), "example-jira"),
                            (parse_mapping(EXAMPLE_SNOW), "example-snow"),
                            (EXTRA, "example-jira")):
        preview = preview_alert(alert, mapping, EXAMPLE_TARGETS[target])
        draft = preview.draft
        assert all(isinstance(p, str) and p for ps in draft.errors.values() for p in ps)
        assert set(draft.errors).isdisjoint(draft.omitted)
        json.dumps(preview.request.body)  # the request is always sendable JSON
