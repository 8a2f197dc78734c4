"""Zeek notice.log: JSON (flat dotted keys as `"id.orig_h"`, `ts` in epoch seconds or, in
json-streaming logs, ISO 8601) and TSV, which zeek_tsv turns into the same objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zshield_tui.domain import Alert, Severity

from .common import TIME_UNKNOWN, Context, Entities, is_ip, record_id
from .errors import RecordProblem, Skipped
from .fields import as_number, parse_time, text

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
# A `ts` this small counts seconds from the start of a capture (`zeek -r` on a pcap with
# relative times), not from 1970: no date at all.
_RELATIVE_BELOW = 1e8
# Where a log came from, which says nothing about the notice itself: the same notice read
# from notice.log (TSV) and notice.json gets one id.
_TRANSPORT = ("_path", "_write_ts")


def detect(record: dict[str, Any]) -> bool:
    """Every notice has a `note` and a `ts`; any log of a json-streaming or TSV file has
    `_path` and `ts` (a conn.log is recognised, then skipped)."""
    return "ts" in record and ("note" in record or isinstance(record.get("_path"), str))


def to_alert(record: dict[str, Any], ctx: Context) -> Alert | Skipped:
    """One notice; ids hash the record because a notice has no id (and `uid` may be absent)."""
    path = record.get("_path", "notice")
    if path != "notice":
        return Skipped(f"Zeek {text(path) or 'unnamed'} log entry, not a notice")
    note = text(record.get("note"))
    if not note:
        raise RecordProblem("note: missing")
    tags: list[str] = []
    lines = [p for p in (text(record.get("msg")), text(record.get("sub"))) if p]
    created = parse_time(record.get("ts"))
    seconds = as_number(record.get("ts"))
    if seconds is not None and 0 <= seconds < _RELATIVE_BELOW:
        created = None
        lines.append(f"Time: {seconds:g} s after the capture started (no date in the log)")
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
    if note.startswith("Intel::"):
        _indicator(found, text(record.get("sub")))

    return Alert(
        id=record_id("zeek", _identity(record)),
        title=note,
        description="\n".join(lines),
        severity=ctx.zeek_severity.get(note, FALLBACK),
        source="Zeek",
        category=note.split("::", 1)[0],
        created_at=created,
        tags=tags,
        assets=found.assets,
        iocs=found.iocs,
        raw=record,
    )


def _indicator(found: Entities, value: str) -> None:
    """The intel indicator an Intel::Notice puts in `sub`, typed by its look."""
    if not value or value.startswith(("http://", "https://")):
        return  # none, or a URL: already taken
    if is_ip(value):
        found.remote(value)
    elif "@" in value:
        found.ioc("email", value)
    elif "." in value and " " not in value:
        found.ioc("domain", value)
    else:
        found.file_hash(value)


def _identity(record: dict[str, Any]) -> dict[str, Any]:
    """The record as it identifies the notice: without the log's transport keys, and with
    an ISO `ts` (json-streaming) as the epoch seconds TSV and plain JSON write."""
    if not any(key in record for key in _TRANSPORT) and not isinstance(record.get("ts"), str):
        return record  # plain JSON: ids as they always were
    same = {k: v for k, v in record.items() if k not in _TRANSPORT}
    moment = parse_time(same.get("ts")) if isinstance(same.get("ts"), str) else None
    if moment is not None:
        same["ts"] = round(moment.timestamp(), 6)
    return same
