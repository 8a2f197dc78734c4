"""read(): whole-file errors, stdin, laziness, and the stream's own bookkeeping."""

from __future__ import annotations

import io
import json
import sys

import pytest

from zshield_tui.domain import Alert
from zshield_tui.ingest import FORMATS, IngestError, RecordError, convert_record, read

from .conftest import FIXTURES, SAMPLES
from .helpers import load

NATIVE = '{"id": "ZS-%d", "title": "t%d", "severity": "low", "created_at": "2026-11-24T10:00:00Z"}'


def test_the_format_names():
    assert FORMATS == ("zshield", "suricata", "wazuh", "elastic", "ocsf", "guardduty", "zeek",
                       "falco")


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(IngestError) as caught:
        read(str(missing))
    assert str(caught.value) == f"cannot read {missing}: No such file or directory"


def test_a_directory_is_not_readable(tmp_path):
    with pytest.raises(IngestError, match=f"cannot read {tmp_path}"):
        read(str(tmp_path))


def test_an_unknown_format_name_is_refused_at_once(tmp_path):
    with pytest.raises(IngestError) as caught:
        read(str(tmp_path / "whatever.json"), "splunk")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'whatever.json'}: unknown format 'splunk'")
    assert "zshield" in message and "\n" not in message


@pytest.mark.parametrize("content", ['{"hello": "world"}\n', "[1, 2, 3]"])
def test_an_undetectable_file_fails_at_read_time(tmp_path, content):
    path = tmp_path / "mystery.json"
    path.write_text(content)
    with pytest.raises(IngestError) as caught:
        read(str(path))
    assert str(caught.value) == f"cannot tell the format of {path}; pass --format"


def test_a_file_of_invalid_json_is_reported_as_invalid_json_not_as_an_unknown_format(
        tmp_path):
    path = tmp_path / "mystery.json"
    path.write_text("this is not json\n")
    loaded = load(path)
    assert [str(e) for e in loaded.errors] == [
        f"{path}:1: invalid JSON: Expecting value (column 1)"]
    assert loaded.alerts == [] and loaded.stream.skipped == 0


def test_a_pretty_document_with_a_trailing_comma_says_its_line_and_column(tmp_path):
    # As in an official OCSF example: the object never parses, so no format is told.
    path = tmp_path / "example.ocsf"
    path.write_text('{\n    "class_uid": 2004,\n    "time": 1,\n}\n')
    loaded = load(path)
    assert loaded.stream.format == "auto"
    assert [str(e) for e in loaded.errors] == [
        f"{path}:1: invalid JSON: Expecting property name enclosed in double quotes "
        "(line 4, column 1)"]


def test_a_file_holding_only_an_empty_object_loads_with_it_skipped(tmp_path):
    path = tmp_path / "prowler-output.ocsf.json"
    path.write_text("{}\n")
    loaded = load(path)
    assert (loaded.alerts, loaded.errors, loaded.stream.skipped) == ([], [], 1)
    assert dict(loaded.stream.skip_reasons) == {"empty object": 1}


def test_an_empty_object_among_alerts_is_skipped_not_an_error(tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_text("{}\n" + NATIVE % (1, 1) + "\n{}\n")
    loaded = load(path)
    assert (loaded.stream.format, len(loaded.alerts), loaded.errors) == ("zshield", 1, [])
    assert loaded.stream.skipped == 2


def test_detection_looks_past_leading_bad_lines(tmp_path):
    path = tmp_path / "alerts.jsonl"
    path.write_text("garbage\n" + NATIVE % (1, 1) + "\n")
    loaded = load(path)
    assert loaded.stream.format == "zshield"
    assert [(e.line, e.reason.split(":")[0]) for e in loaded.errors] == [(1, "invalid JSON")]
    assert len(loaded.alerts) == 1


def test_an_empty_file_is_no_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    loaded = load(path)
    assert (loaded.alerts, loaded.errors, loaded.stream.format) == ([], [], "auto")


def test_a_format_given_explicitly_is_not_second_guessed(tmp_path):
    path = tmp_path / "eve.json"
    path.write_text(NATIVE % (1, 1) + "\n")
    loaded = load(path, "suricata")
    assert loaded.stream.format == "suricata"
    assert (loaded.alerts, loaded.stream.skipped) == ([], 1)  # no event_type "alert"


def test_stdin_is_read_for_dash():
    text = NATIVE % (1, 1) + "\n{broken\n" + NATIVE % (2, 2) + "\n"
    stream = read("-", stdin=io.StringIO(text))
    assert stream.path == "<stdin>"
    items = list(stream)
    assert [a.id for a in items if isinstance(a, Alert)] == ["ZS-1", "ZS-2"]
    (error,) = [e for e in items if isinstance(e, RecordError)]
    assert str(error).startswith("<stdin>:2: invalid JSON")


def test_stdin_defaults_to_the_process_stdin(monkeypatch):
    data = (SAMPLES / "zeek/notice_maccdc2012_00016.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    stream = read("-")
    assert stream.format == "zeek"
    assert sum(isinstance(a, Alert) for a in stream) == 22


def test_stdin_evidence_resolves_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record = json.loads(NATIVE % (1, 1)) | {"evidence": [{"name": "x", "path": "ev/x.pcap"}]}
    (alert,) = read("-", stdin=io.StringIO(json.dumps(record)))
    assert alert.evidence[0].path == str(tmp_path / "ev" / "x.pcap")


def test_a_stream_iterates_once():
    stream = read(str(SAMPLES / "falco/falco_json_output_single_rule.jsonl"))
    assert len(list(stream)) == 8
    with pytest.raises(RuntimeError):
        iter(stream)


def test_skipped_grows_while_iterating():
    stream = read(str(SAMPLES / "suricata/eve_mixed_surevego.jsonl"))
    iterator = iter(stream)
    next(iterator)  # the first alert comes after dozens of dns/http/fileinfo events
    partway = stream.skipped
    assert 0 < partway < 198
    list(iterator)
    assert stream.skipped == 198


class CountingLines(io.StringIO):
    """A text stream that counts how much of it has been consumed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.lines_read = 0
        self.chars_read = 0

    def __next__(self) -> str:
        self.lines_read += 1
        return super().__next__()

    def readline(self, size: int | None = -1) -> str:
        self.lines_read += 1
        line = super().readline(size)
        self.chars_read += len(line)
        return line

    def read(self, size: int | None = -1) -> str:
        chunk = super().read(size)
        self.chars_read += len(chunk)
        return chunk


def test_json_lines_are_streamed_not_loaded():
    source = CountingLines("".join(NATIVE % (i, i) + "\n" for i in range(50_000)))
    first = next(iter(read("-", stdin=source)))
    assert first.id == "ZS-0"
    assert source.lines_read < 10


def test_a_big_array_is_read_in_chunks():
    records = ",\n".join(NATIVE % (i, i) for i in range(40_000))  # about 4 MB
    source = CountingLines("[\n" + records + "\n]\n")
    stream = read("-", stdin=source)
    iterator = iter(stream)
    assert next(iterator).id == "ZS-0"
    assert source.chars_read < len(source.getvalue()) / 2
    rest = list(iterator)
    assert len(rest) == 39_999 and rest[-1].id == "ZS-39999"
    assert not any(isinstance(r, RecordError) for r in rest)


def test_convert_record_handles_single_records():
    (alert,) = convert_record(json.loads(NATIVE % (7, 7)))
    assert alert.id == "ZS-7"
    (error,) = convert_record({"hello": "world"})
    assert error.reason == "cannot tell the format of this record"
    assert convert_record({"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z"}) == [None]


def test_fixture_files_all_load_cleanly():
    for path in sorted(FIXTURES.rglob("*.json*")):
        if path.name == "native_malformed.jsonl":
            continue
        loaded = load(path)
        assert loaded.alerts, path
        assert all(e.reason == "expected a JSON object, got a string" for e in loaded.errors)
