"""What `zshield ingest` says about a file: errors capped on a terminal (every one of them
with --json), where in an array each bad record was, duplicate ids, evidence that will not
be sent, and files that are not files at all."""

from __future__ import annotations

import json
import os

from tests.cli.runner import run
from tests.ingest.helpers import release_fifo, within
from zshield_tui.store import Store, get_alert
from zshield_tui.store.alerts import evidence_origin

GOOD = {"title": "Beacon", "severity": "high", "created_at": "2026-11-24T10:00:00Z"}


def record(n: int, **fields: object) -> dict:
    return {"id": f"ZS-{n}", **GOOD, **fields}


def ingest(capsys, env, *args: str) -> tuple[int, str, str]:
    return run(capsys, "--db", str(env / "z.db"), "ingest", *args)


def test_errors_in_a_big_array_are_capped_and_name_their_index(env, capsys, tmp_path):
    records = [record(i, severity="urgent" if i % 2 else "high") for i in range(5000)]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records))            # one line: every element on line 1
    code, out, err = ingest(capsys, env, str(path))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 21
    assert lines[0].startswith(f"{path}:1[1]: severity:")
    assert lines[19].startswith(f"{path}:1[39]: severity:")
    assert lines[20] == "... and 2480 more errors"
    assert f"{path}: 2500 alerts (zshield): 2500 new" in out and "2500 errors" in out


def test_json_has_every_error_with_file_line_and_index(env, capsys, tmp_path):
    records = [record(i, severity="urgent" if i % 2 else "high") for i in range(100)]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records, indent=1))
    code, out, err = ingest(capsys, env, "--json", str(path))
    assert code == 1 and err == ""
    document = json.loads(out)                       # exactly one document on stdout
    [summary] = document["files"]
    assert summary | {"path": None} == {
        "path": None, "format": "zshield", "error": None, "inserted": 50, "updated": 0,
        "unchanged": 0, "skipped": 0, "errors": 50, "warnings": 0}
    errors = document["errors"]
    assert len(errors) == 50
    assert [e["index"] for e in errors] == list(range(1, 100, 2))
    assert errors[0]["file"] == str(path) and errors[0]["line"] > 1
    assert errors[0]["message"].startswith("severity:")
    assert document["exit"] == 1


def test_json_names_a_file_that_could_not_be_read(env, capsys, tmp_path):
    code, out, err = ingest(capsys, env, "--json", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err
    [summary] = json.loads(out)["files"]
    assert summary["error"] == f"cannot read {tmp_path / 'nope.json'}: No such file or directory"


def test_a_duplicate_id_is_a_warning_and_the_later_record_wins(env, capsys, tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        record(1, title="first"), record(2), record(1, title="second")]) + "\n")
    code, out, err = ingest(capsys, env, str(path))
    assert code == 0
    assert err == (f"{path}:3: duplicate id 'ZS-1' (first at line 1); the later record "
                   "wins\n")
    assert "0 errors, 1 warnings" in out
    with Store(env / "z.db") as store:
        assert get_alert(store.conn, "ZS-1").title == "second"


def test_duplicates_inside_an_array_say_where_both_are(env, capsys, tmp_path):
    path = tmp_path / "alerts.json"
    path.write_text(json.dumps([record(1), record(2), record(1)]))
    _, _, err = ingest(capsys, env, str(path))
    assert err == f"{path}:1[2]: duplicate id 'ZS-1' (first at line 1[0]); the later record wins\n"


def test_warnings_are_capped_like_errors(env, capsys, tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_text("".join(json.dumps(record(1, title=f"t{i}")) + "\n" for i in range(31)))
    code, _, err = ingest(capsys, env, str(path))
    assert code == 0
    assert err.splitlines()[-1] == "... and 10 more warnings"
    assert len(err.splitlines()) == 21
    _, out, _ = ingest(capsys, env, "--json", str(path))
    assert len(json.loads(out)["warnings"]) == 30


def test_record_text_reaches_the_terminal_as_visible_escapes(env, capsys, tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_text(json.dumps(record(1, **{"\x1b]52;c;aGk=\x07": 1})) + "\n"
                    + json.dumps(record(2, title="")) + "\n")
    _, _, err = ingest(capsys, env, str(path))
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]52;c;aGk=\\x07: unknown field" in err
    _, out, _ = ingest(capsys, env, "--json", str(path))
    assert out.isascii() and "\x1b" not in out


# -- evidence ------------------------------------------------------------------------------------
def test_the_alert_files_folder_is_recorded_as_the_evidence_origin(env, capsys, tmp_path):
    folder = tmp_path / "alerts"
    folder.mkdir()
    (folder / "capture.pcap").write_bytes(b"pcap")
    path = folder / "alert.json"
    path.write_text(json.dumps(record(1, evidence=[{"name": "capture.pcap",
                                                   "path": "capture.pcap"}])))
    code, _, err = ingest(capsys, env, str(path))
    assert code == 0 and err == ""
    with Store(env / "z.db") as store:
        assert evidence_origin(store.conn, "ZS-1", str(folder / "capture.pcap")) == str(folder)


def test_evidence_outside_the_alert_folder_is_named_at_ingest(env, capsys, tmp_path):
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(record(1, evidence=[{"name": "passwd", "path": "/etc/passwd"}])))
    code, out, err = ingest(capsys, env, str(path))
    assert code == 0
    assert err == (f"{path}:1: evidence passwd: /etc/passwd is outside the alert's folder and "
                   "the evidence roots; not sent\n")


def test_evidence_under_a_configured_root_is_not_warned_about(env, capsys, tmp_path):
    (env / "config.toml").write_text('[evidence]\nroots = ["/etc"]\n')
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(record(1, evidence=[{"name": "passwd", "path": "/etc/passwd"}])))
    code, _, err = run(capsys, "--config", str(env / "config.toml"), "--db", str(env / "z.db"),
                       "ingest", str(path))
    assert code == 0 and err == ""


# -- not files ---------------------------------------------------------------------------------
def test_a_device_is_one_line_and_exit_2(env, capsys):
    code, out, err = within(10, ingest, capsys, env, "/dev/zero")
    assert code == 2
    assert err == "zshield: cannot read /dev/zero: a device, not a regular file\n"


def test_a_fifo_is_one_line_and_exit_2_without_waiting(env, capsys, tmp_path):
    fifo = tmp_path / "alerts.json"
    os.mkfifo(fifo)
    try:
        code, _, err = within(10, ingest, capsys, env, str(fifo))
    finally:
        release_fifo(fifo)
    assert code == 2
    assert err == f"zshield: cannot read {fifo}: a FIFO, not a regular file\n"


def test_the_summary_says_what_the_skipped_records_were(env, capsys, tmp_path):
    call = {"detail-type": "AWS API Call via CloudTrail", "source": "aws.guardduty",
            "detail": {"eventName": "CreateSampleFindings"}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(call))
    code, out, err = ingest(capsys, env, str(path))
    assert code == 0 and err == ""
    assert out.strip() == (
        f"{path}: 0 alerts (guardduty): 0 new, 0 updated, 0 unchanged; 1 skipped, 0 errors "
        "(skipped: CloudTrail API call CreateSampleFindings, not a finding ×1)")
