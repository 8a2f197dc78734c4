"""The native format: DESIGN §4 exactly, evidence paths, and field-naming errors."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from zshield_tui.domain import AlertState, Severity

from .conftest import FIXTURES
from .helpers import load

INCIDENT = FIXTURES / "incident" / "alerts.json"
MALFORMED = FIXTURES / "native_malformed.jsonl"


def test_native_array_with_parent_and_child():
    loaded = load(INCIDENT)
    assert loaded.stream.format == "zshield"
    assert loaded.errors == []
    parent, child = loaded.alerts
    assert parent.id == "ZS-2026-000100"  # native ids are kept as written
    assert parent.state is AlertState.IN_PROGRESS
    assert child.parent_id == parent.id
    assert child.severity is Severity.CRITICAL  # "crit" is an accepted abbreviation
    assert child.created_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert child.raw == {"edr_event_id": 99812}
    assert [(i.type, i.value) for i in child.iocs] == [
        ("ip", "203.0.113.7"), ("url", "http://203.0.113.7/a.ps1")]


def test_relative_evidence_paths_resolve_against_the_files_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    parent = load(INCIDENT).alerts[0]
    folder = INCIDENT.parent.resolve()
    assert [e.path for e in parent.evidence] == [
        str(folder / "evidence" / "capture.pcap"),
        str(folder.parent / "shared" / "timeline.csv"),
        "/srv/forensics/web-01/memory.img",
    ]
    assert all(os.path.isabs(e.path) for e in parent.evidence)


def test_relative_path_given_on_the_command_line(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    child = load("incident/alerts.json").alerts[1]
    assert child.evidence[0].path == str(FIXTURES.resolve() / "incident/evidence/cmdline.txt")


def test_bad_records_are_reported_by_line_and_field_and_the_rest_loads():
    loaded = load(MALFORMED, "zshield")
    assert [a.title for a in loaded.alerts] == ["Good first", "Good last"]
    reasons = {e.line: e.reason for e in loaded.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 8, 9, 10]
    assert reasons[2].startswith("invalid JSON: Expecting ',' delimiter")
    assert reasons[3] == "title: missing"
    assert reasons[4] == ("severity: unknown severity 'urgent'; "
                          "expected one of critical, high, medium, low, informational")
    assert reasons[5] == "colour: unknown field"
    assert reasons[8].startswith("created_at: Input should be a valid datetime")
    assert reasons[8].endswith("(got 'yesterday')")
    assert reasons[9] == "assets[0].mac: unknown field"
    assert reasons[10] == "expected a JSON object, got a string"


def test_record_errors_print_as_file_line_reason():
    loaded = load(MALFORMED, "zshield")
    error = next(e for e in loaded.errors if e.line == 3)
    assert str(error) == f"{MALFORMED}:3: title: missing"
    assert "\n" not in str(error)


def test_malformed_native_file_is_still_detected():
    assert load(MALFORMED).stream.format == "zshield"


def test_an_alert_without_an_id_gets_a_stable_one(tmp_path):
    path = tmp_path / "noid.json"
    path.write_text('{"title": "No id", "severity": "low", "created_at": "2026-11-24T10:00:00Z"}')
    first, second = load(path).alerts[0], load(path).alerts[0]
    assert first.id.startswith("zshield:") and first.id == second.id
