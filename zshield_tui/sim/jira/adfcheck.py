"""Checks Atlassian Document Format the way Cloud v3 does, and converts it to text."""

from __future__ import annotations

from typing import Any

NOT_A_DOCUMENT = "Operation value must be an Atlassian Document"
_BLOCKS = {"paragraph", "heading", "codeBlock", "bulletList", "orderedList", "listItem",
           "blockquote", "rule", "panel"}
_INLINE = {"text", "hardBreak", "mention", "emoji", "inlineCard"}


def adf_problem(value: Any) -> str | None:
    """None when `value` is a valid document, else the message Jira answers with."""
    if not isinstance(value, dict) or value.get("type") != "doc" or value.get("version") != 1:
        return NOT_A_DOCUMENT
    content = value.get("content")
    if not isinstance(content, list):
        return NOT_A_DOCUMENT
    return _nodes_problem(content)


def _nodes_problem(nodes: list[Any]) -> str | None:
    for node in nodes:
        if not isinstance(node, dict) or node.get("type") not in _BLOCKS | _INLINE:
            return "INVALID_INPUT"
        if node["type"] == "text":
            text = node.get("text")
            if not isinstance(text, str) or not text:
                # adf-schema: text_node.text has minLength 1
                return "INVALID_INPUT"
        children = node.get("content")
        if children is not None:
            if not isinstance(children, list):
                return "INVALID_INPUT"
            problem = _nodes_problem(children)
            if problem:
                return problem
    return None


def adf_text(doc: dict[str, Any]) -> str:
    """The text of a document: one line per block, hard breaks as newlines."""
    lines: list[str] = []

    def inline(nodes: list[Any]) -> str:
        out = []
        for node in nodes:
            if node.get("type") == "text":
                out.append(node["text"])
            elif node.get("type") == "hardBreak":
                out.append("\n")
            elif node.get("content"):
                out.append(inline(node["content"]))
        return "".join(out)

    def block(nodes: list[Any]) -> None:
        for node in nodes:
            kind = node.get("type")
            if kind in {"paragraph", "heading", "codeBlock"}:
                lines.append(inline(node.get("content") or []))
            elif node.get("content"):
                block(node["content"])

    block(doc.get("content") or [])
    return "\n".join(lines)


def text_adf(text: str) -> dict[str, Any]:
    """Plain text as a document, one paragraph per line, never an empty text node."""
    content = [{"type": "paragraph", "content": [{"type": "text", "text": line}]}
               if line else {"type": "paragraph"} for line in text.split("\n")] if text else []
    return {"type": "doc", "version": 1, "content": content}
