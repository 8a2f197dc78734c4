"""Zeek notice.log in JSON: flat dotted keys (`"id.orig_h"`), epoch-second `ts`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zshield_tui.domain import Alert, Severity

from .common import TIME_UNKNOWN, Context, Entities, record_id
from .errors import RecordProblem
from .fields import parse_time, text

# Notices carry no severity. These defaults cover common notices whose weight is clear;
# every other note is medium. `read(..., zeek_severity=...)` overrides or extends them.
DEFAULT_SEVERITY: Mapping[str, Severity] = {
    # Self-signed and expired certificates are everywhere inside a network: mostly noise.
    "SSL::Invalid_Server_Cert": Severity.LOW,
    "SSL::Certificate_Expired": Severity.LOW,
    "SSL::Certificate_Expires_Soon": Severity.INFORMATIONAL,
    # A transferred file matched a known-malware hash, or an injection was seen.
    "TeamCymruMalwareHashRegistry::Match": Severity.HIGH,
    "HTTP::SQL_Injection_Attacker": Severity.HIGH,
    "HTTP::SQL_Injection_Victim": Severity.HIGH,
}
FALLBACK = Severity.MEDIUM


def detect(record: dict[str, Any]) -> bool:
    """Every notice has a `note` and a `ts`."""
    return "note" in record and "ts" in record


def to_alert(record: dict[str, Any], ctx: Context) -> Alert:
    """One notice; ids hash the record because a notice has no id (and `uid` may be absent)."""
    note = text(record.get("note"))
    if not note:
        raise RecordProblem("note: missing")
    tags: list[str] = []
    created = parse_time(record.get("ts"))
    if created is None:
        created = ctx.ingested_at
        tags.append(TIME_UNKNOWN)

    found = Entities()
    for key in ("src", "id.orig_h", "dst", "id.resp_h"):
        found.address(record.get(key))
    # Malware-hash and HTTP notices put the file's URL in file_desc and a lookup URL in sub.
    for key in ("file_desc", "sub"):
        value = text(record.get(key))
        if value.startswith(("http://", "https://")):
            found.ioc("url", value)

    description = "\n".join(p for p in (text(record.get("msg")), text(record.get("sub"))) if p)
    return Alert(
        id=record_id("zeek", record),
        title=note,
        description=description,
        severity=ctx.zeek_severity.get(note, FALLBACK),
        source="Zeek",
        category=note.split("::", 1)[0],
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )
