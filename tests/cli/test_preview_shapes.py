"""`zshield preview` against a live Jira: the request shows each custom field in the shape
its create metadata asks for, and a value outside the allowed ones names the choices."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_preview_live import _setup
from tests.loopback import served
from zshield_tui.cli import main
from zshield_tui.sim.jira.app import create_app

MAPPING = {"project": "SEC", "issue_type": "Bug", "field_mapping": {
    "summary": "{{alert.title}}",
    "customfield_10100": "{{ 'Malware' if alert.category == 'malware' else 'Intrusion' }}",
    "customfield_10101": ["{{alert.source}}", "SIEM"],
    "components": ["Endpoint"],
    "customfield_10102": "{{ alert.assets | length }}",
    "customfield_10103": "{{ alert.created_at }}"}}


@pytest.fixture
def jira_url():
    with served(create_app()) as url:
        yield url


def test_the_request_shows_shaped_fields(jira_url, tmp_path, monkeypatch, capsys):
    argv = _setup(tmp_path, monkeypatch, jira_url)
    (tmp_path / "jira.json").write_text(json.dumps(MAPPING))
    assert main(argv) == 0
    fields = json.loads(capsys.readouterr().out)["request"]["body"]["fields"]
    assert fields["customfield_10100"] == {"value": "Intrusion"}
    assert fields["customfield_10101"] == [{"value": "EDR"}, {"value": "SIEM"}]
    assert fields["components"] == [{"name": "Endpoint"}]
    assert fields["customfield_10102"] == 1
    assert fields["customfield_10103"] == "2026-11-24"


def test_a_value_outside_the_choices_is_an_error(jira_url, tmp_path, monkeypatch, capsys):
    argv = _setup(tmp_path, monkeypatch, jira_url)
    mapping = {**MAPPING, "field_mapping": {**MAPPING["field_mapping"],
                                            "customfield_10100": "Ransomware"}}
    (tmp_path / "jira.json").write_text(json.dumps(mapping))
    assert main(argv) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors == {"customfield_10100": [
        "'Ransomware' is not allowed in Incident category; choose from Malware, Phishing, "
        "Intrusion, Data leak, Policy violation"]}
