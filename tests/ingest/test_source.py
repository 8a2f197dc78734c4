"""Reading layouts and the line each record starts on."""

from __future__ import annotations

import io

import pytest

from zshield_tui.ingest import source
from zshield_tui.ingest.source import BadJSON, read_items


def items(text: str, *, binary: bool = True) -> list[tuple[int, object]]:
    """(line, value or the BadJSON's reason) of each record."""
    return [(line, value) for line, _, value in placed(text, binary=binary)]


def placed(text: str, *, binary: bool = True) -> list[tuple[int, int | None, object]]:
    """(line, index in its array, value or the BadJSON's reason) of each record."""
    stream = io.BytesIO(text.encode()) if binary else io.StringIO(text)
    return [(line, index, v.reason if isinstance(v, BadJSON) else v)
            for line, index, v in read_items(stream)]


@pytest.mark.parametrize("binary", [True, False])
def test_json_lines_with_blank_and_broken_lines(binary):
    got = placed('{"a": 1}\n\n{"b": 2}\n{bad}\n[{"c": 3}, {"d": 4}]\n', binary=binary)
    assert got == [
        (1, None, {"a": 1}),
        (3, None, {"b": 2}),
        (4, None, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (5, 0, {"c": 3}),
        (5, 1, {"d": 4}),
    ]


def test_pretty_printed_array_reports_where_each_element_starts():
    text = '[\n  {"a": 1},\n\n  {"b":\n 2},\n  {"c": 3}\n]\n'
    assert placed(text) == [(2, 0, {"a": 1}), (4, 1, {"b": 2}), (6, 2, {"c": 3})]


def test_a_syntax_error_inside_an_array_names_the_elements_index():
    assert placed('[{"a": 1}, {"b": 2}, {"c" 3}, {"d": 4}]') == [
        (1, 0, {"a": 1}), (1, 1, {"b": 2}),
        (1, 2, "invalid JSON: Expecting ':' delimiter (line 1, column 27)")]


def test_one_pretty_printed_object_and_concatenated_documents():
    assert items('\n\n{\n "a": 1\n}\n{\n "b": 2\n}\n') == [(3, {"a": 1}), (6, {"b": 2})]


def test_a_syntax_error_in_a_document_names_its_own_position_and_ends_the_file():
    assert items('[\n  {"a": 1},\n  {"b" 2},\n  {"c": 3}\n]\n') == [
        (2, {"a": 1}),
        (3, "invalid JSON: Expecting ':' delimiter (line 3, column 8)"),
    ]


def test_a_missing_comma_between_elements():
    assert items('[\n  {"a": 1}\n  {"b": 2}\n]\n') == [
        (2, {"a": 1}), (3, "invalid JSON: expected ',' or ']', found '{'")]


def test_a_truncated_document():
    assert items('[\n  {"a": 1},\n') == [(2, {"a": 1}),
                                          (3, "invalid JSON: Expecting value (line 3, column 1)")]


@pytest.mark.parametrize("text", ["", "  \n \n", "[]", "[\n]\n"])
def test_nothing_to_read(text):
    assert items(text) == []


def test_a_byte_order_mark_is_ignored():
    assert items('\ufeff{"a": 1}\n', binary=False) == [(1, {"a": 1})]
    assert items('\ufeff[{"a": 1}]\n') == [(1, {"a": 1})]


def test_invalid_utf8_costs_one_line():
    stream = io.BytesIO(b'{"a": 1}\n{"b": "\xff\xfe"}\n{"c": 3}\n')
    got = [(line, type(v).__name__) for line, _, v in read_items(stream)]
    assert got == [(1, "dict"), (2, "BadJSON"), (3, "dict")]


def test_documents_spanning_many_chunks(monkeypatch):
    monkeypatch.setattr(source, "CHUNK", 7)  # force every value across window edges
    text = '[\n  {"name": "caf\u00e9 \u2603", "n": 123456789},\n  {"n": 2}\n]\n'
    assert items(text) == [(2, {"name": "caf\u00e9 \u2603", "n": 123456789}), (3, {"n": 2})]
    assert items(text, binary=False) == items(text)


def test_a_number_cut_by_the_window_edge_is_read_whole(monkeypatch):
    monkeypatch.setattr(source, "CHUNK", 3)
    assert items("[\n12345678, 9]") == [(2, 12345678), (2, 9)]


def test_values_cut_anywhere_by_the_window_are_read_whole(monkeypatch):
    # Only the first line is read whole up front; the record on line 2 comes in chunks.
    text = '[\n{"s": "a long string value", "t": true, "n": null, "x": -12.5e3, "u": "\\u00e9"}]'
    expected = [(2, {"s": "a long string value", "t": True, "n": None, "x": -12500.0,
                     "u": "\u00e9"})]
    for size in range(1, 24):
        monkeypatch.setattr(source, "CHUNK", size)
        assert items(text) == expected, size


def test_a_syntax_error_does_not_read_the_rest_of_a_big_file(monkeypatch):
    monkeypatch.setattr(source, "CHUNK", 64)
    stream = io.StringIO('[\n{"a": 1 "b": 2},\n' + '{"c": 3},\n' * 10_000 + '{"d": 4}]')
    got = list(read_items(stream))
    assert got[0][:2] == (2, 0) and isinstance(got[0][2], BadJSON)
    assert stream.tell() < 1000
