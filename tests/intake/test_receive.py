"""`POST /alerts` over real HTTP on 127.0.0.1: who may post, what a body may be, and a
202 only once the alerts are committed."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from tests.conftest import FIXTURES, SAMPLES
from zshield_tui.ingest import RecordError, read

from .receive_support import AUTH, TOKEN, jsonl, native, receiving, stored


@pytest.fixture
def intake(tmp_path):
    with receiving(tmp_path / "z.db") as running:
        yield running


def test_healthz_needs_no_token_and_says_the_database_answers(intake):
    response = httpx.get(f"{intake.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_gone(intake):
    for suffix in ("", "-wal", "-shm"):
        intake.db.with_name(intake.db.name + suffix).unlink(missing_ok=True)
    response = httpx.get(f"{intake.url}/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize("authorization", [
    None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}", "Bearer",
])
def test_a_post_without_the_right_token_is_refused_and_stores_nothing(intake, authorization):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = intake.post(json.dumps(native(1)), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert stored(intake.db) == []
    assert intake.log[-1].status == 401


def test_a_202_comes_only_once_the_alerts_are_committed(intake):
    response = intake.post(json.dumps([native(1), native(2), native(3)]))
    assert response.status_code == 202
    assert response.json() == {"accepted": 3, "skipped": 0, "errors": []}
    # Read by another connection the moment the answer arrives: already committed.
    assert stored(intake.db) == [("ZS-000001", "zshield"), ("ZS-000002", "zshield"),
                                 ("ZS-000003", "zshield")]
    assert (intake.log[-1].status, intake.log[-1].accepted) == (202, 3)


@pytest.mark.parametrize("layout", ["object", "array", "json lines", "pretty-printed values"])
def test_a_body_is_an_object_an_array_or_json_lines(intake, layout):
    records = [native(n) for n in range(1, 4)]
    body = {"object": json.dumps(records[0]), "array": json.dumps(records),
            "json lines": jsonl(records),
            "pretty-printed values": "\n".join(json.dumps(r, indent=2) for r in records)}
    response = intake.post(body[layout])
    assert response.status_code == 202, response.text
    expected = 1 if layout == "object" else 3
    assert response.json()["accepted"] == expected
    assert len(stored(intake.db)) == expected


SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".json", ".jsonl"})


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_format_posted_as_is_stores_what_a_file_ingest_would(intake, path):
    expected = {item.id for item in read(str(path)) if not isinstance(item, RecordError)}
    response = intake.post(path.read_bytes())
    assert response.status_code == 202, response.text
    assert response.json()["errors"] == []
    assert {alert_id for alert_id, _ in stored(intake.db)} == expected


def test_every_format_is_in_the_samples():
    from zshield_tui.ingest import FORMATS, detect_format

    seen = {"zshield"}   # the native format is posted by the tests above
    for path in SAMPLE_FILES:
        text = path.read_text()
        first = json.loads(text) if path.suffix == ".json" else json.loads(text.splitlines()[0])
        seen.add(detect_format(first[0] if isinstance(first, list) else first))
    assert seen == set(FORMATS)


def test_one_body_may_mix_formats_each_detected_per_record(intake):
    suricata = (SAMPLES / "suricata" / "eve_alerts_honeypot_josevnz_subset.jsonl")
    falco = SAMPLES / "falco" / "falco_json_output_single_rule.jsonl"
    lines = [suricata.read_text().splitlines()[0], falco.read_text().splitlines()[0],
             json.dumps(native(9))]
    response = intake.post("\n".join(lines))
    assert response.json()["accepted"] == 3
    assert sorted(fmt for _, fmt in stored(intake.db)) == ["falco", "suricata", "zshield"]


WAZUH_WITHOUT_AGENT = {"timestamp": "2026-11-24T10:00:00.000+0000", "id": "1700000000.1",
                       "rule": {"level": 10, "id": "5712", "description": "sshd brute force"}}


def test_format_forces_one_format_for_records_detection_cannot_tell(intake):
    refused = intake.post(json.dumps(WAZUH_WITHOUT_AGENT))
    assert refused.json()["accepted"] == 0
    assert "cannot tell the format" in refused.json()["errors"][0]["error"]
    forced = intake.post(json.dumps(WAZUH_WITHOUT_AGENT), params={"format": "wazuh"})
    assert forced.status_code == 202 and forced.json()["accepted"] == 1
    assert [fmt for _, fmt in stored(intake.db)] == ["wazuh"]


def test_a_forced_format_that_does_not_fit_is_an_error_per_record(intake):
    response = intake.post(json.dumps(native(1)), params={"format": "wazuh"})
    assert response.status_code == 202
    assert response.json()["accepted"] == 0
    assert response.json()["errors"] == [{"index": 0, "error": "rule: missing or not an object"}]
    assert stored(intake.db) == []


def test_an_unknown_format_is_refused_by_name(intake):
    response = intake.post(json.dumps(native(1)), params={"format": "splunk"})
    assert response.status_code == 400
    assert "unknown format 'splunk'" in response.json()["error"]
    assert "suricata" in response.json()["error"]


def test_bad_records_are_listed_by_index_and_the_rest_stored(intake):
    no_title = {k: v for k, v in native(2).items() if k != "title"}
    body = [native(1), no_title, 5, native(4), {"hello": "world"}]
    response = intake.post(json.dumps(body))
    assert response.status_code == 202
    document = response.json()
    assert document["accepted"] == 2
    assert [e["index"] for e in document["errors"]] == [1, 2, 4]
    assert "title" in document["errors"][0]["error"]
    assert document["errors"][1]["error"] == "expected a JSON object, got a number"
    assert [i for i, _ in stored(intake.db)] == ["ZS-000001", "ZS-000004"]


def test_non_alert_events_are_counted_as_skipped(intake):
    mixed = SAMPLES / "suricata" / "eve_mixed_surevego.jsonl"
    response = intake.post(mixed.read_bytes())
    assert response.json() == {"accepted": 68, "skipped": 198, "errors": []}


@pytest.mark.parametrize("body, where", [
    ('{"id": "ZS-1", "title": }', "line 1 column 25"),
    ('{"id": "ZS-1", "title": "a"}\n{"id": "ZS-2",\n', "line 3 column 1"),
    ('[{"id": "ZS-1"},\n {"id": "ZS-2" "title": "x"}]', "line 2 column 16"),
])
def test_malformed_json_is_400_naming_line_and_column_and_stores_nothing(intake, body, where):
    response = intake.post(body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"malformed JSON at {where}")
    assert stored(intake.db) == []


@pytest.mark.parametrize("body, content_type", [
    (b"hello world", "application/json"),
    (b"<alert severity='high'/>", "application/json"),
    (b"\xff\xfe{\x00}\x00", "application/json"),
    (b'{"id": "ZS-1"}', "text/html"),
    (b'{"id": "ZS-1"}', "application/x-www-form-urlencoded"),
])
def test_a_body_that_is_not_json_is_415(intake, body, content_type):
    response = intake.post(body, headers={**AUTH, "Content-Type": content_type})
    assert response.status_code == 415
    assert "not JSON" in response.json()["error"]


@pytest.mark.parametrize("content_type", [None, "application/x-ndjson",
                                          "application/json; charset=utf-8",
                                          "application/cloudevents+json"])
def test_json_media_types_and_none_at_all_are_accepted(intake, content_type):
    headers = dict(AUTH) if content_type is None else {**AUTH, "Content-Type": content_type}
    response = intake.post(json.dumps(native(1)), headers=headers)
    assert response.status_code == 202


def test_a_number_too_long_to_convert_is_malformed_json_not_a_crash(intake):
    response = intake.post('{"id": "ZS-1", "n": ' + "9" * 5000 + "}")
    assert response.status_code == 400
    assert response.json()["error"].startswith("malformed JSON")


def test_hostile_records_are_stored_or_listed_never_a_server_error(intake):
    hostile = FIXTURES / "hostile" / "alerts.jsonl"
    response = intake.post(hostile.read_bytes())
    assert response.status_code == 202, response.text
    document = response.json()
    assert document["accepted"] + len(document["errors"]) + document["skipped"] >= 8
    assert document["accepted"] == len(stored(intake.db)) > 0


def test_an_empty_body_is_400(intake):
    response = intake.post(" \n")
    assert response.status_code == 400
    assert "empty body" in response.json()["error"]


def test_posting_the_same_body_again_duplicates_nothing(intake):
    body = jsonl([native(n) for n in range(1, 51)])
    for _ in range(3):
        assert intake.post(body).json()["accepted"] == 50
    assert len(stored(intake.db)) == 50


def test_records_without_ids_get_the_same_id_every_time(intake):
    falco = (SAMPLES / "falco" / "falco_json_output_single_rule.jsonl").read_bytes()
    intake.post(falco)
    first = stored(intake.db)
    intake.post(falco)
    assert stored(intake.db) == first and len(first) == 8


def test_a_received_alert_vouches_for_no_folder_of_evidence(intake, tmp_path):
    """A relative evidence path is resolved against no file's folder: only an [evidence]
    root may let it be sent (DESIGN §4)."""
    record = native(1, evidence=[{"name": "x.pcap", "path": str(tmp_path / "x.pcap")}])
    assert intake.post(json.dumps(record)).json()["accepted"] == 1
    conn = sqlite3.connect(intake.db)
    assert conn.execute("SELECT name, origin FROM evidence").fetchall() == [("x.pcap", None)]
