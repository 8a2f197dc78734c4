"""Jira JSON -> the connector's result types."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from zshield_tui.connectors.base import (
    CreateMetadata,
    RemoteAttachment,
    RemoteComment,
    RemoteTicket,
)
from zshield_tui.connectors.jira.adf import adf_to_text
from zshield_tui.connectors.priority import raised_priority
from zshield_tui.domain.jira_fields import field_spec
from zshield_tui.domain.wiki import unescape_wiki


def parse_time(value: str | None) -> datetime | None:
    """Jira's `2021-01-17T12:34:00.000+0000`."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return datetime.fromisoformat(value)


def ticket_from_issue(issue: dict[str, Any], site: str, prop: str) -> RemoteTicket:
    """An IssueBean (from GET issue or a search) as a RemoteTicket."""
    fields = issue.get("fields") or {}
    status = fields.get("status") or {}
    props = (issue.get("properties") or {}).get(prop) or {}
    return RemoteTicket(
        key=issue["key"], remote_id=str(issue["id"]), url=f"{site}/browse/{issue['key']}",
        status=status.get("name", ""),
        status_category=(status.get("statusCategory") or {}).get("key", ""),
        updated_at=parse_time(fields.get("updated")),
        created_at=parse_time(fields.get("created")),
        correlation_key=props.get("alert_id") if isinstance(props, dict) else None,
        fields=fields)


def comment_from(raw: dict[str, Any], *, wiki: bool = False) -> RemoteComment:
    """A comment (ADF on v3, a string on v2) with its body as plain text; `wiki`: the
    body is wiki markup, whose escapes (ours, on what we sent) are undone."""
    author = raw.get("author") or {}
    body = adf_to_text(raw.get("body"))
    return RemoteComment(id=str(raw["id"]), body=unescape_wiki(body) if wiki else body,
                         author=author.get("displayName") or author.get("name") or "",
                         created_at=parse_time(raw.get("created")) or datetime.now(UTC))


def attachments_from(issue: dict[str, Any]) -> list[RemoteAttachment]:
    """`fields.attachment` of an IssueBean (id, filename, size in bytes)."""
    items = (issue.get("fields") or {}).get("attachment") or []
    return [RemoteAttachment(id=str(a["id"]), filename=str(a.get("filename", "")),
                             size=int(a.get("size") or 0)) for a in items]


def metadata_from(scope: str, metas: list[dict[str, Any]]) -> CreateMetadata:
    """Create-screen fields (createmeta .../issuetypes/{id}) as FieldSpecs."""
    specs = {}
    for meta in metas:
        fid = str(meta.get("fieldId") or meta.get("key"))
        specs[fid] = field_spec(fid, meta)
    return CreateMetadata(scope=scope, fields=specs, fetched_at=datetime.now(UTC))


def raised_priority_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`priority` one step up by name; nothing when there is none or it is the top."""
    current = (fields.get("priority") or {}).get("name")
    if not current or raised_priority(current) == current:
        return {}
    return {"priority": {"name": raised_priority(current)}}
