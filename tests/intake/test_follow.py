"""`ingest --follow` reads files as they grow, like `tail -F`, and never reads a record
twice or loses one. Every test on SQLite and on PostgreSQL: the alerts and the
checkpoints commit together on both."""

import os

import pytest

from tests.intake.following import (
    Following,
    append,
    ids,
    line,
    lines,
    stored,
    stored_in_order,
)
from zshield_tui.store.checkpoints import load_checkpoints


@pytest.fixture
def store(any_store):
    return any_store


def test_reads_what_is_there_then_what_is_appended(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    following = Following(store, log)
    following.settle()
    assert stored(store) == ids(1, 3)
    append(log, lines(4, 6))
    following.settle()
    assert stored(store) == ids(1, 6)
    assert following.unchanged() == 0


def test_a_partial_last_line_waits_for_its_newline(store, tmp_path):
    log = tmp_path / "eve.json"
    whole = line(2)
    log.write_text(line(1) + whole[:25])
    following = Following(store, log)
    following.settle()
    assert stored(store) == ids(1, 1)
    assert following.errors() == []
    [point] = load_checkpoints(store.conn).values()
    assert point.offset == len(line(1))
    append(log, whole[25:])
    following.settle()
    assert stored(store) == ids(1, 2)
    assert following.errors() == []


def test_rotation_by_rename_finishes_the_old_file_first(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    following = Following(store, log)
    following.settle()
    # The writer adds to the file, it is renamed, a new file starts, and the writer
    # still finishes a line in the old one before it reopens.
    append(log, lines(4, 5))
    log.rename(tmp_path / "eve.json.1")
    log.write_text(lines(10, 12))
    append(tmp_path / "eve.json.1", line(6))
    following.settle()
    assert stored(store) == ids(1, 6) | ids(10, 12)
    order = stored_in_order(store)
    assert order.index("T-000006") < order.index("T-000010")
    assert following.said("eve.json: renamed or replaced; reading the old file to its end")
    assert following.unchanged() == 0
    # The old file's checkpoint is forgotten once it is read; the new one is kept.
    [point] = load_checkpoints(store.conn).values()
    assert point.inode == os.stat(log).st_ino and point.offset == log.stat().st_size


def test_copy_truncate_starts_again_from_the_start(store, tmp_path):
    log = tmp_path / "alerts.json"
    log.write_text(lines(1, 5))
    following = Following(store, log)
    following.settle()
    (tmp_path / "alerts.json.1").write_bytes(log.read_bytes())   # logrotate copytruncate
    with log.open("r+") as handle:
        handle.truncate(0)
    append(log, lines(6, 7))
    following.settle()
    assert stored(store) == ids(1, 7)
    assert following.said("alerts.json: truncated or rewritten")


def test_a_truncated_file_written_past_the_old_offset_between_polls_is_noticed(store,
                                                                              tmp_path):
    log = tmp_path / "alerts.json"
    log.write_text(lines(1, 2))
    following = Following(store, log)
    following.settle()
    with log.open("r+") as handle:
        handle.truncate(0)
    append(log, lines(3, 9))   # longer than before: only the first line tells
    following.settle()
    assert stored(store) == ids(1, 9)


def test_a_file_that_appears_later_is_read_from_its_start(store, tmp_path):
    log = tmp_path / "notice.log"
    following = Following(store, log)
    following.settle()
    assert following.said("notice.log: not there yet; waiting for it")
    log.write_text(lines(1, 2))
    following.settle()
    assert stored(store) == ids(1, 2)


def test_a_deleted_and_recreated_file_is_read_again_from_its_start(store, tmp_path):
    log = tmp_path / "falco.json"
    log.write_text(lines(1, 2))
    following = Following(store, log)
    following.settle()
    log.unlink()
    following.settle()
    assert following.said("falco.json: deleted")
    log.write_text(lines(3, 4))
    following.settle()
    assert stored(store) == ids(1, 4)
    assert following.unchanged() == 0


def test_a_glob_picks_up_files_that_appear_later(store, tmp_path):
    (tmp_path / "a.jsonl").write_text(lines(1, 2))
    (tmp_path / "skip.txt").write_text("not an alert file\n")
    following = Following(store, tmp_path / "*.jsonl")
    following.settle()
    assert stored(store) == ids(1, 2)
    (tmp_path / "b.jsonl").write_text(lines(3, 4))
    following.settle()
    assert stored(store) == ids(1, 4)
    assert following.errors() == []


def test_a_glob_that_also_names_the_rotated_file_does_not_read_it_twice(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    following = Following(store, tmp_path / "eve.json*")
    following.settle()
    log.rename(tmp_path / "eve.json.1")
    append(tmp_path / "eve.json.1", line(4))
    log.write_text(lines(5, 6))
    following.settle()
    assert stored(store) == ids(1, 6)
    assert following.unchanged() == 0


def test_a_restart_resumes_where_the_last_commit_stopped(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    first = Following(store, log)
    first.settle()
    first.stop()
    append(log, lines(4, 5))
    second = Following(store, log)
    second.settle()
    assert stored(store) == ids(1, 5)
    assert second.unchanged() == 0
    assert second.said("eve.json: resuming at line 4")


def test_a_file_rewritten_in_place_while_stopped_is_read_from_its_start(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    first = Following(store, log)
    first.settle()
    first.stop()
    inode = log.stat().st_ino
    with log.open("r+") as handle:    # same inode, other records
        handle.truncate(0)
        handle.write(lines(7, 12))
    assert log.stat().st_ino == inode
    second = Following(store, log)
    second.settle()
    assert stored(store) == ids(1, 3) | ids(7, 12)


def test_a_file_rotated_while_stopped_is_finished_before_the_new_one(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 3))
    first = Following(store, log)
    first.settle()
    first.stop()
    append(log, lines(4, 5))
    log.rename(tmp_path / "eve.json.1")
    log.write_text(lines(10, 11))
    second = Following(store, log)
    second.settle()
    assert stored(store) == ids(1, 5) | ids(10, 11)
    order = stored_in_order(store)
    assert order.index("T-000005") < order.index("T-000010")
    assert second.said("rotated to")
    assert second.unchanged() == 0


def test_bad_records_are_reported_with_their_line_and_reading_goes_on(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(line(1) + "{not json\n" + "[1]\n" + line(2))
    following = Following(store, log)
    following.settle()
    assert stored(store) == ids(1, 2)
    errors = following.errors()
    assert errors[0].endswith("eve.json:2: invalid JSON: Expecting property name enclosed "
                              "in double quotes (column 2)")
    assert errors[1].endswith("eve.json:3: expected a JSON object, got a number")


def test_the_format_is_detected_once_per_file_from_its_first_record(store, tmp_path):
    from tests.conftest import SAMPLES

    eve = tmp_path / "eve.json"
    eve.write_bytes((SAMPLES / "suricata" / "eve_mixed_surevego.jsonl").read_bytes())
    wazuh = tmp_path / "alerts.json"
    wazuh.write_bytes((SAMPLES / "wazuh" / "wazuh_alerts_eventsgen_subset.jsonl").read_bytes())
    following = Following(store, eve, wazuh)
    following.settle()
    formats = {r[0] for r in store.conn.execute("SELECT DISTINCT format FROM alert")}
    assert formats == {"suricata", "wazuh"}
    assert following.errors() == []


def test_a_pretty_printed_document_is_read_then_followed_for_appended_documents(store,
                                                                                tmp_path):
    import json

    log = tmp_path / "findings.json"
    records = [json.loads(line(n)) for n in (1, 2)]
    log.write_text(json.dumps(records, indent=2) + "\n")
    following = Following(store, log)
    following.settle()
    assert stored(store) == ids(1, 2)
    text = json.dumps(json.loads(line(3)), indent=2) + "\n"
    append(log, text[:30])          # a document still being written waits
    following.settle()
    assert stored(store) == ids(1, 2)
    append(log, text[30:])
    following.settle()
    assert stored(store) == ids(1, 3)
    assert following.errors() == []


def test_a_zeek_tsv_log_is_reported_once_not_line_by_line(store, tmp_path):
    log = tmp_path / "notice.log"
    log.write_text("#separator \\x09\n#fields\tts\tnote\n1.0\tScan::Port_Scan\n")
    following = Following(store, log)
    following.settle()
    append(log, "2.0\tScan::Port_Scan\n")
    following.settle()
    [error] = following.errors()
    assert error.endswith("notice.log:1: a Zeek TSV log; follow Zeek's JSON logs instead "
                          "(LogAscii::use_json=T) or load this one with zshield ingest")


def test_a_rotated_file_s_last_line_without_newline_is_read_once_it_is_quiet(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 2) + line(3).rstrip("\n"))
    following = Following(store, log)
    following.settle()
    assert stored(store) == ids(1, 2)
    log.rename(tmp_path / "eve.json.1")
    following.settle()
    assert stored(store) == ids(1, 3)
    assert following.said("eve.json: read to its end (line 3)")


def test_a_given_format_is_used_instead_of_detection(store, tmp_path):
    log = tmp_path / "eve.json"
    log.write_text(lines(1, 2))
    following = Following(store, log, fmt="suricata")
    following.settle()
    assert stored(store) == set()    # native records are no Suricata alert events
    assert sum(share.skipped for batch in following.batches
               for share in batch.files.values()) == 2
