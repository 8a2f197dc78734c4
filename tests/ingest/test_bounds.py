"""What ingest refuses to read, and how far it reads an oversized record: a device, a FIFO
or a 6 GB line must cost one message, never the machine's memory or a hung process."""

from __future__ import annotations

import io
import json
import os
import socket
import tracemalloc

import pytest

from zshield_tui.ingest import IngestError, RecordError, read, source
from zshield_tui.ingest.source import BadJSON, read_items

from .helpers import load, release_fifo, within

NATIVE = '{"id": "ZS-%d", "title": "t%d", "severity": "low", "created_at": "2026-11-24T10:00:00Z"}'


# -- files that are not regular files -----------------------------------------------------------
def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "alerts.json"
    os.mkfifo(fifo)
    try:
        with pytest.raises(IngestError) as caught:
            within(5, read, str(fifo))
    finally:
        release_fifo(fifo)
    assert str(caught.value) == f"cannot read {fifo}: a FIFO, not a regular file"


def test_a_device_is_refused_before_a_byte_is_read():
    with pytest.raises(IngestError) as caught:
        within(5, read, "/dev/zero")
    assert str(caught.value) == "cannot read /dev/zero: a device, not a regular file"


def test_a_directory_is_refused_by_name(tmp_path):
    with pytest.raises(IngestError) as caught:
        read(str(tmp_path))
    assert str(caught.value) == f"cannot read {tmp_path}: a directory, not a regular file"


def test_a_socket_is_refused_by_name(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(IngestError, match=r": a socket, not a regular file$"):
            within(5, read, str(path))
    finally:
        server.close()


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text(NATIVE % (1, 1) + "\n")
    (tmp_path / "link.jsonl").symlink_to(real)
    assert [a.id for a in load(tmp_path / "link.jsonl").alerts] == ["ZS-1"]


def test_stdin_may_be_anything():
    stream = read("-", stdin=io.StringIO(NATIVE % (1, 1)))
    assert [a.id for a in stream] == ["ZS-1"]


# -- records over the size limit ---------------------------------------------------------------
class Watched(io.BytesIO):
    """A byte stream that remembers the most it ever handed out in one call."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def _seen(self, chunk: bytes) -> bytes:
        self.largest = max(self.largest, len(chunk))
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        return self._seen(super().readline(size))

    def read(self, size: int | None = -1) -> bytes:
        return self._seen(super().read(size))

    def __next__(self) -> bytes:
        return self._seen(super().__next__())


@pytest.fixture
def small_limit(monkeypatch) -> int:
    monkeypatch.setattr(source, "MAX_RECORD_BYTES", 4096)
    return 4096


def test_the_default_record_limit_is_16_mb():
    assert source.MAX_RECORD_BYTES == 16 * 1024 * 1024


def test_an_oversized_json_line_is_skipped_in_chunks_and_the_next_line_read(small_limit):
    huge = b'{"title": "' + b"A" * 5_000_000 + b'"}\n'
    stream = Watched(NATIVE.encode() % (1, 1) + b"\n" + huge + NATIVE.encode() % (3, 3) + b"\n")
    got = list(read_items(stream))
    assert [(line, index) for line, index, _ in got] == [(1, None), (2, None), (3, None)]
    assert isinstance(got[1][2], BadJSON)
    assert got[1][2].reason == "record over the 4096-byte limit; skipped"
    assert got[2][2]["id"] == "ZS-3"
    assert stream.largest <= max(source.CHUNK, small_limit + 1) < len(huge)


def test_a_line_of_exactly_the_limit_is_read(small_limit):
    record = json.dumps({"id": "ZS-1", "pad": ""})
    record = record.replace('""', '"' + "x" * (small_limit - len(record)) + '"')
    assert len(record) == small_limit
    [(_, _, value)] = list(read_items(io.BytesIO(record.encode() + b"\n")))
    assert value["id"] == "ZS-1"


def test_an_oversized_first_line_does_not_hide_the_rest_of_the_file(small_limit):
    stream = Watched(b"x" * 50_000 + b"\n" + NATIVE.encode() % (2, 2) + b"\n")
    got = list(read_items(stream))
    assert isinstance(got[0][2], BadJSON) and got[0][0] == 1
    assert got[1][0] == 2 and got[1][2]["id"] == "ZS-2"
    assert stream.largest <= max(source.CHUNK, small_limit + 1)


def test_a_text_stream_is_bounded_the_same_way(small_limit):
    text = "z" * 20_000 + "\n" + NATIVE % (2, 2) + "\n"
    got = list(read_items(io.StringIO(text)))
    assert isinstance(got[0][2], BadJSON) and got[1][2]["id"] == "ZS-2"


def test_an_oversized_value_in_a_document_ends_the_file_with_one_error(small_limit,
                                                                       monkeypatch):
    monkeypatch.setattr(source, "CHUNK", 1024)
    big = json.dumps({"id": "ZS-2", "description": "d" * 100_000})
    stream = Watched(("[\n" + NATIVE % (1, 1) + ",\n" + big + ",\n" + NATIVE % (3, 3)
                      + "\n]\n").encode())
    got = list(read_items(stream))
    assert [(line, index) for line, index, _ in got] == [(2, 0), (3, 1)]
    assert got[1][2].reason == ("record over the 4096-byte limit; the rest of the file is "
                                "not read")
    assert stream.largest <= small_limit + 1


def test_an_oversized_record_is_a_record_error_naming_file_and_line(tmp_path, small_limit):
    path = tmp_path / "alerts.jsonl"
    path.write_text(NATIVE % (1, 1) + "\n" + '{"x": "' + "y" * 10_000 + '"}\n'
                    + NATIVE % (3, 3) + "\n")
    loaded = load(path)
    assert [a.id for a in loaded.alerts] == ["ZS-1", "ZS-3"]
    assert [str(e) for e in loaded.errors] == [
        f"{path}:2: record over the 4096-byte limit; skipped"]


def test_a_6_gb_line_costs_bounded_memory(small_limit):
    """An endless line (as from /dev/zero on stdin) is skipped chunk by chunk: after a few
    MB of it nothing has been kept, and the reader asked for no more than the limit."""

    class Endless(io.RawIOBase):
        def __init__(self) -> None:
            self.served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            if self.served >= 20_000_000:
                return 0   # the end, so the test ends; the line never had a newline
            n = len(buffer)
            buffer[:n] = b"\0" * n
            self.served += n
            return n

    raw = Endless()
    tracemalloc.start()
    try:
        got = list(read_items(io.BufferedReader(raw, buffer_size=8192)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raw.served >= 20_000_000
    assert peak < 5_000_000   # a few chunks of a 20 MB line, never the line
    assert len(got) == 1 and isinstance(got[0][2], BadJSON)


# -- element index in arrays -------------------------------------------------------------------
def test_an_array_on_one_line_names_each_elements_index(tmp_path):
    records = [json.loads(NATIVE % (i, i)) for i in range(5)]
    records[3]["severity"] = "catastrophic"
    path = tmp_path / "one-line.json"
    path.write_text(json.dumps(records[:4]) + "\n" + json.dumps(records[4]) + "\n")
    loaded = load(path)
    [error] = loaded.errors
    assert (error.line, error.index) == (1, 3)
    assert str(error).startswith(f"{path}:1[3]: severity:")


def test_a_pretty_printed_array_names_each_elements_index(tmp_path):
    records = [json.loads(NATIVE % (i, i)) for i in range(600)]
    records[523]["title"] = ""
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(records, indent=1))
    [error] = load(path).errors
    assert error.index == 523
    assert str(error).startswith(f"{path}:{error.line}[523]: title:")


def test_a_record_outside_any_array_has_no_index(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_text(NATIVE % (1, 1) + "\n" + '{"title": ""}\n')
    [error] = load(path).errors
    assert error.index is None and str(error).startswith(f"{path}:2: ")


def test_a_record_error_without_an_index_reads_as_before():
    assert str(RecordError("a.json", 7, "bad")) == "a.json:7: bad"
    assert str(RecordError("a.json", 1, "bad", 523)) == "a.json:1[523]: bad"
