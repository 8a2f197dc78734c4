"""Plain text <-> Atlassian Document Format (the rich text of Jira Cloud REST v3)."""

from __future__ import annotations

from typing import Any


def text_to_adf(text: str) -> dict[str, Any]:
    """One paragraph per line; an empty line is a paragraph without content, because
    ADF refuses empty text nodes."""
    content: list[dict[str, Any]] = []
    for line in text.split("\n") if text else []:
        if line:
            content.append({"type": "paragraph", "content": [{"type": "text", "text": line}]})
        else:
            content.append({"type": "paragraph"})
    return {"type": "doc", "version": 1, "content": content}


def adf_to_text(doc: Any) -> str:
    """The text of a document (a plain string passes through): blocks become lines."""
    if doc is None:
        return ""
    if isinstance(doc, str):
        return doc
    lines: list[str] = []

    def inline(nodes: list[Any]) -> str:
        parts = []
        for node in nodes:
            if node.get("type") == "text":
                parts.append(node.get("text", ""))
            elif node.get("type") == "hardBreak":
                parts.append("\n")
            elif node.get("type") == "mention":
                parts.append(str((node.get("attrs") or {}).get("text", "")))
            elif node.get("content"):
                parts.append(inline(node["content"]))
        return "".join(parts)

    def blocks(nodes: list[Any]) -> None:
        for node in nodes:
            if node.get("type") in {"paragraph", "heading", "codeBlock"}:
                lines.append(inline(node.get("content") or []))
            elif node.get("content"):
                blocks(node["content"])

    blocks(doc.get("content") or [] if isinstance(doc, dict) else [])
    return "\n".join(lines)
