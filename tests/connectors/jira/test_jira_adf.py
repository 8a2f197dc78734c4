"""Plain text <-> ADF: newlines become paragraphs, never an empty text node."""

from __future__ import annotations

from zshield_tui.connectors.jira.adf import adf_to_text, text_to_adf
from zshield_tui.sim.jira.adfcheck import adf_problem


def test_each_line_is_a_paragraph_and_blank_lines_have_no_text_node():
    doc = text_to_adf("Alert 42\n\nSeverity: high")
    assert doc["type"] == "doc" and doc["version"] == 1
    assert doc["content"] == [
        {"type": "paragraph", "content": [{"type": "text", "text": "Alert 42"}]},
        {"type": "paragraph"},
        {"type": "paragraph", "content": [{"type": "text", "text": "Severity: high"}]}]
    assert adf_problem(doc) is None


def test_empty_text_is_an_empty_document():
    assert text_to_adf("") == {"type": "doc", "version": 1, "content": []}
    assert adf_problem(text_to_adf("")) is None


def test_round_trip_and_richer_documents_flatten():
    text = "line one\nline [two] with *markup*\n"
    assert adf_to_text(text_to_adf(text)) == text
    doc = {"type": "doc", "version": 1, "content": [
        {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "H"}]},
        {"type": "bulletList", "content": [{"type": "listItem", "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "a"},
                                              {"type": "hardBreak"},
                                              {"type": "text", "text": "b"}]}]}]}]}
    assert adf_to_text(doc) == "H\na\nb"
    assert adf_to_text("wiki *string*") == "wiki *string*"
    assert adf_to_text(None) == ""
