"""Work notes out; work notes and comments in from `sys_journal_field`, each exactly once.

The journal table has its own ACLs and answers 200 with nothing to many users (trap 16):
then the record's journal fields are read with display values and split into entries,
whose ids are a stable hash of their content.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from zshield_tui.connectors.base import RemoteComment
from zshield_tui.connectors.errors import UncertainError
from zshield_tui.connectors.servicenow.api import ServiceNowApi

FMT = "%Y-%m-%d %H:%M:%S"
KINDS = {"work_notes": "work_note", "comments": "comment"}
_HEADER = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) - (.+?) "
                     r"\((Work notes|Additional comments)\)$", re.MULTILINE | re.IGNORECASE)
_ELEMENT = {"work notes": "work_notes", "additional comments": "comments"}


def sn_time(moment: datetime) -> str:
    """A date-time literal for a query: UTC, which is how the instance reads it (B2)."""
    return moment.astimezone(UTC).strftime(FMT)


def parse_time(text: str) -> datetime:
    """`2026-11-25 21:00:00` (UTC, as the Table API gives it with display values off).
    fromisoformat is ~20x cheaper than strptime: a bulk close parses two per ticket."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.strptime(text, FMT)  # says which format was expected
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def query_value(text: str) -> str:
    """A value safe inside an encoded query: `^` is doubled so it cannot start a clause."""
    return text.replace("^", "^^")


class Journal:
    """Reads and writes one table's journal; remembers the entry ids it has handed out."""

    def __init__(self, api: ServiceNowApi, table: str) -> None:
        self.api = api
        self.table = table
        self._seen: dict[str, set[str]] = {}

    async def write(self, sys_id: str, body: str, *, internal: bool = True) -> RemoteComment:
        """Appends a work note (or an additional comment) and returns its journal entry."""
        element = "work_notes" if internal else "comments"
        try:
            # Sent twice, a note would appear twice: no blind retry after sending.
            record = await self.api.write("PATCH", self.table, {element: body},
                                          sys_id=sys_id, fields=["sys_id", "sys_updated_on"],
                                          idempotent=False)
        except UncertainError:
            record = {}
            rows = await self._newest(sys_id, element)
            if not any(r.get("value") == body for r in rows) and not any(
                    c.body == body.strip() and c.kind == KINDS[element]
                    for c in await self._from_record(sys_id)):
                raise
        else:
            # The PATCH answer has no entry id: read the newest entry back (B5.5).
            rows = await self._newest(sys_id, element)
        entry = next((r for r in rows if r.get("value") == body), None)
        if entry is not None:
            comment = self._from_row(entry)
        else:
            fallback = [c for c in await self._from_record(sys_id)
                        if c.body == body.strip() and c.kind == KINDS[element]]
            comment = fallback[0] if fallback else RemoteComment(
                id=_content_id(element, record.get("sys_updated_on", ""), "", body),
                author=self.api.credentials.user or "", body=body,
                created_at=_parse_or_now(record.get("sys_updated_on", "")),
                kind=KINDS[element])
        self._seen.setdefault(sys_id, set()).add(comment.id)
        return comment

    async def _newest(self, sys_id: str, element: str) -> list[dict[str, Any]]:
        return await self.api.list(
            "sys_journal_field",
            f"element_id={sys_id}^element={element}^ORDERBYDESCsys_created_on",
            fields=["sys_id", "element", "value", "sys_created_on", "sys_created_by"], limit=5)

    async def read(self, sys_id: str, since: datetime | None = None) -> list[RemoteComment]:
        """Entries at or after `since` not returned before by this connector, oldest first.

        `>=` plus the seen set covers the one-second resolution of sys_created_on.
        """
        query = f"element_id={sys_id}^elementINwork_notes,comments"
        if since is not None:
            query += f"^sys_created_on>={sn_time(since)}"
        rows = await self.api.list(
            "sys_journal_field", query + "^ORDERBYsys_created_on",
            fields=["sys_id", "element", "element_id", "value", "sys_created_on",
                    "sys_created_by"])
        # Trap 18: a clause the instance ignored would widen the result; keep only ours.
        comments = [self._from_row(r) for r in rows if r.get("element_id", sys_id) == sys_id
                    and r.get("element") in KINDS]
        if not comments:
            comments = [c for c in await self._from_record(sys_id)
                        if since is None or c.created_at >= since]
        seen = self._seen.setdefault(sys_id, set())
        fresh = []
        for comment in comments:
            if comment.id not in seen:
                seen.add(comment.id)
                fresh.append(comment)
        return fresh

    @staticmethod
    def _from_row(row: dict[str, Any]) -> RemoteComment:
        return RemoteComment(id=row["sys_id"], author=row.get("sys_created_by", ""),
                             body=row.get("value", ""),
                             created_at=parse_time(row["sys_created_on"]),
                             kind=KINDS.get(row.get("element", ""), "comment"))

    async def _from_record(self, sys_id: str) -> list[RemoteComment]:
        record = await self.api.get(self.table, sys_id, fields=["work_notes", "comments"],
                                    display="true")
        entries = []
        for element in ("work_notes", "comments"):
            entries.extend(split_history(str(record.get(element) or ""), element))
        return sorted(entries, key=lambda c: c.created_at)


def split_history(text: str, element: str) -> list[RemoteComment]:
    """Entries of a journal display value: `<time> - <who> (Work notes)\\n<text>`, blank
    lines between them. Times are taken as UTC (the integration user's time zone should be)."""
    headers = list(_HEADER.finditer(text))
    entries = []
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        body = text[header.end():end].strip("\n").rstrip()
        kind_element = _ELEMENT[header.group(3).lower()]
        if kind_element != element:
            continue
        created, author = header.group(1), header.group(2)
        entries.append(RemoteComment(id=_content_id(element, created, author, body),
                                     author=author, body=body, created_at=parse_time(created),
                                     kind=KINDS[element]))
    return entries


def _content_id(element: str, created: str, author: str, body: str) -> str:
    digest = hashlib.sha1(f"{element}|{created}|{author}|{body}".encode()).hexdigest()
    return "journal:" + digest[:24]


def _parse_or_now(text: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError:
        return datetime.now(UTC)
