"""The preview shows each field in the shape the create metadata asks for, and names the
field and its allowed values when a rendered value is not one of them."""

from __future__ import annotations

import dataclasses
import json

from tests.conftest import FIXTURES
from zshield_tui.mapping.files import mapping_from_data
from zshield_tui.mapping.preview import preview_alert
from zshield_tui.mapping.validate import MetadataCache, jira_metadata

METAS = json.loads((FIXTURES / "jira" / "createmeta-cloud-fields.json").read_text())
SUMMARY = {"fieldId": "summary", "name": "Summary", "required": True,
           "schema": {"type": "string", "system": "summary"}}


def metadata():
    fields = [{"fieldId": key, **meta} for key, meta in METAS.items()]
    return jira_metadata({"fields": [SUMMARY, *fields]}, "KT", "Bug")


def mapping(**fields):
    return mapping_from_data({"project": "KT", "issue_type": "Bug", "field_mapping": {
        "summary": "{{alert.title}}", **fields}})


SHAPED = {
    "customfield_10076": "{{ '2' if alert.severity == 'high' else '1' }}",   # select
    "customfield_10075": ["1", "{{ '2' }}"],                                 # multi-select
    "customfield_10072": "{{ alert.assets | length }}",                      # number
    "customfield_10069": "{{ alert.created_at }}",                           # date
    "customfield_10070": "{{ alert.created_at }}",                           # datetime
    "customfield_10080": "{{ alert.assigned_analyst }}",                     # user picker
    "fixVersions": "d",
    "customfield_10071": ["{{ alert.category }}"],                           # labels
}


def test_the_request_shows_every_field_in_its_shape(alert, jira_target):
    preview = preview_alert(alert, mapping(**SHAPED), jira_target, metadata=metadata())
    assert preview.draft.errors == {}
    fields = preview.request.body["fields"]
    assert fields["customfield_10076"] == {"value": "2"}
    assert fields["customfield_10075"] == [{"value": "1"}, {"value": "2"}]
    assert fields["customfield_10072"] == 1
    assert fields["customfield_10069"] == "2026-11-24"
    assert fields["customfield_10070"] == "2026-11-24T10:00:00.000+0000"
    assert fields["customfield_10080"] == {
        "accountId": "<resolved at send time from ana@yourorg.com>"}
    assert fields["fixVersions"] == [{"name": "d"}]
    assert fields["customfield_10071"] == ["execution"]


def test_a_value_not_allowed_names_the_field_and_the_allowed_values(alert, jira_target):
    preview = preview_alert(alert, mapping(customfield_10076="3", fixVersions=["v9"],
                                           customfield_10072="{{ alert.severity }}"),
                            jira_target, metadata=metadata())
    assert preview.draft.errors == {
        "customfield_10076": ["'3' is not allowed in MJK - Select List 3; choose from 1, 2"],
        "fixVersions": ["'v9' is not allowed in Fix versions; choose from d"],
        "customfield_10072": ["'high' is not a number"],
    }
    assert not preview.valid


def test_without_metadata_custom_fields_are_shaped_at_send_time(alert, jira_target):
    preview = preview_alert(alert, mapping(customfield_10076="2", components=["Network"]),
                            jira_target)
    fields = preview.request.body["fields"]
    assert fields["customfield_10076"] == "2"           # unknown shape: as rendered
    assert fields["components"] == [{"name": "Network"}]  # a system field: fixed shape
    assert any(n.startswith("customfield_10076: shaped at send time") for n in
               preview.request.notes)


def test_data_center_text_is_escaped_wiki_markup(alert, jira_target):
    datacenter = dataclasses.replace(jira_target, deployment="datacenter", auth_method="pat")
    hostile = alert.model_copy(update={"description": "*urgent* see [here|http://x] {noformat}"})
    preview = preview_alert(hostile, mapping(description="{{alert.description}}",
                                             customfield_10077="{{alert.description}}"),
                            datacenter, metadata=metadata())
    fields = preview.request.body["fields"]
    escaped = r"\*urgent\* see \[here\|http://x\] \{noformat\}"
    assert fields["description"] == escaped
    assert fields["customfield_10077"] == escaped        # a textarea custom field
    assert fields["summary"] == hostile.title            # single-line text: not wiki


def test_the_cache_keeps_what_decides_a_shape(tmp_path):
    cache = MetadataCache(tmp_path)
    cache.save("jira-sec", metadata())
    loaded = cache.load("jira-sec")
    assert loaded is not None
    assert loaded.fields["customfield_10075"] == metadata().fields["customfield_10075"]
    assert loaded.fields["customfield_10075"].items == "option"


def test_one_label_written_as_text_goes_out_as_a_list(alert, jira_target):
    preview = preview_alert(alert, mapping(labels="{{alert.category}}"), jira_target)
    assert preview.draft.errors == {}
    assert preview.request.body["fields"]["labels"][0] == "execution"
    spaced = preview_alert(alert, mapping(labels="two words"), jira_target)
    assert spaced.draft.errors == {"labels": ["label 'two words' contains spaces; "
                                              "Jira refuses it"]}
