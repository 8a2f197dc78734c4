"""Validation against the target: create metadata (live or cached) or built-in rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.conftest import REPO
from zshield_tui.domain import CreateMetadata, FieldSpec, TicketDraft
from zshield_tui.mapping.render import render_draft
from zshield_tui.mapping.validate import (
    MetadataCache,
    jira_metadata,
    servicenow_metadata,
    validate_draft,
)

SAMPLES = REPO.parent / "shared" / "reference" / "jira-createmeta-samples"


def jira_draft(**fields) -> TicketDraft:
    base = {"project": {"key": "KT"}, "issuetype": {"name": "Bug"}, "summary": "ok"}
    return TicketDraft(target="t", payload={"fields": base | fields})


def test_builtin_jira_rules_summary_labels_priority():
    draft = jira_draft(summary="x" * 256 + "\nsecond line", labels=["ok", "two words"],
                       priority={"name": "Urgent"})
    result = validate_draft(draft, "jira")
    assert result.basis.startswith("built-in rules")
    assert result.draft.errors == {
        "summary": ["268 characters; Jira allows 255",
                    "must be one line; Jira refuses line breaks here"],
        "labels": ["label 'two words' contains spaces; Jira refuses it"],
        "priority": ["'Urgent' is not allowed; choose from Highest, High, Medium, Low, Lowest"],
    }


def test_an_empty_required_summary_is_reported(alert, jira_mapping, jira_target):
    draft = render_draft(alert.model_copy(update={"title": " "}), jira_mapping, jira_target)
    assert validate_draft(draft, "jira").draft.errors == {"summary": ["required: rendered empty"]}


def test_against_cloud_create_metadata_unknown_required_and_allowed():
    document = json.loads((SAMPLES / "cloud-get-create-issue-metadata-for-project.json")
                          .read_text())
    metadata = jira_metadata(document, "KT", "Bug")
    assert metadata is not None and metadata.scope == "KT/Bug"
    assert metadata.fields["priority"].allowed == ("Highest", "High", "Medium", "Low", "Lowest")
    draft = jira_draft(priority={"name": "high"}, customfield_99999="x",
                       customfield_10076={"value": "3"})
    errors = validate_draft(draft, "jira", metadata).draft.errors
    assert errors == {
        "customfield_99999": ["unknown field: not on the create screen of KT/Bug"],
        "customfield_10076": ["'3' is not allowed in MJK - Select List 3; choose from 1, 2"],
        "description": ["required: the mapping does not set it"],
    }


def test_data_center_values_envelope_is_understood():
    document = {"values": [
        {"fieldId": "summary", "required": True, "schema": {"type": "string"}},
        {"fieldId": "priority", "required": False, "schema": {"type": "priority"},
         "allowedValues": [{"name": "P1"}, {"name": "P2"}]}]}
    metadata = jira_metadata(document, "SEC", "Bug")
    errors = validate_draft(jira_draft(priority={"name": "High"}), "jira", metadata).draft.errors
    assert errors == {"priority": ["'High' is not allowed; choose from P1, P2"]}


def test_servicenow_builtin_lengths_and_sir_choices(alert, snow_mapping, snow_target):
    draft = render_draft(alert.model_copy(update={"title": "t" * 200, "category": "c" * 41}),
                         snow_mapping, snow_target)
    draft = draft.model_copy(update={"payload": draft.payload | {"severity": "4"}})
    errors = validate_draft(draft, "servicenow", table="sn_si_incident").draft.errors
    assert errors == {"short_description": ["200 characters; at most 160"],
                      "subcategory": ["41 characters; at most 40"],
                      "severity": ["'4' is not allowed; choose from 1, 2, 3"]}


def test_cached_metadata_round_trips_and_the_result_says_it_is_cached(tmp_path):
    cache = MetadataCache(tmp_path / "metadata")
    fetched = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    metadata = CreateMetadata("sn_si_incident", {
        "short_description": FieldSpec("short_description", required=True, max_length=160),
        "state": FieldSpec("state", type="choice", allowed=("10", "16"))}, fetched)
    cache.save("snow-sir", metadata)
    assert (tmp_path / "metadata" / "snow-sir.json").exists()
    loaded = cache.load("snow-sir")
    assert loaded == metadata
    draft = TicketDraft(target="snow-sir", payload={"short_description": "x", "bogus": "y"})
    result = validate_draft(draft, "servicenow", loaded, cached=True)
    assert result.cached
    assert result.basis == "cached metadata from 2026-11-20 08:30 UTC (target not reached)"
    assert result.draft.errors == {
        "bogus": ["unknown field: not on the create screen of sn_si_incident"]}


@pytest.mark.parametrize("content", ["", "{", '{"scope": 1}'])
def test_an_unreadable_cache_is_no_cache(tmp_path, content):
    (tmp_path / "t.json").write_text(content)
    assert MetadataCache(tmp_path).load("t") is None
    assert MetadataCache(tmp_path).load("absent") is None


def test_servicenow_dictionary_rows_become_metadata(alert, snow_mapping, snow_target):
    rows = [{"element": "", "internal_type": "collection"},
            {"element": "short_description", "mandatory": "true", "max_length": "160",
             "internal_type": "string"},
            {"element": "severity", "mandatory": "false", "max_length": "40",
             "internal_type": "integer"},
            {"element": "description", "max_length": "4000"}]
    metadata = servicenow_metadata("sn_si_incident", rows, {"severity": ["1", "2", "3"]})
    assert set(metadata.fields) == {"short_description", "severity", "description"}
    draft = render_draft(alert, snow_mapping, snow_target)
    errors = validate_draft(draft, "servicenow", metadata).draft.errors
    # the documented mapping sets columns this (cut-down) dictionary does not have
    assert set(errors) == {"category", "subcategory", "assignment_group", "caller_id"}
    assert errors["category"] == ["unknown field: not on the create screen of sn_si_incident"]
