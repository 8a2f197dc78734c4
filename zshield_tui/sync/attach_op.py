"""Evidence onto the ticket once, and the ticket's configuration item (ServiceNow).

Both ops are queued with the create, in its transaction (ops.create). An attach sends each
file at most once: the `attachment` table says what went up, each row written right after
its upload; a rerun after a crash or an uncertain answer also asks the ticket what it
has, so a file sent but not recorded is recorded, not sent again. A file that cannot go
(missing, unreadable, too large, or refused by evidence confinement: outside the alert
file's folder and the evidence roots, not a regular file) does not hold the others back:
the rest go, then the op fails for good with every problem named (the ticket shows it
too), ready for a retry once the file is fixed. Files are read here, through
`evidence.read_evidence`, and handed to the connector as bytes: no connector opens a path
an alert named.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from zshield_tui.connectors.errors import ConnectorError, ValidationError
from zshield_tui.domain import Alert
from zshield_tui.store import attachments as files
from zshield_tui.store import get_alert
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import evidence_origin
from zshield_tui.store.syncrepo import OutboxOp, transaction

from .context import OpContext
from .evidence import EvidenceRefused, read_evidence
from .linked import linked_ticket

PROBLEM_PREFIX = "attach: "   # marks a ticket error as this op's, so a good rerun clears it


def safe_file_name(name: str) -> str:
    """A file name both systems take as is: letters, digits, `. _ - ( ) +` and spaces;
    anything else (path separators, `:`, quotes, control characters) becomes `-`."""
    cleaned = re.sub(r"[^A-Za-z0-9._()+ -]", "-", name).strip()
    return cleaned.lstrip(".") or "evidence"   # no hidden files, no `..`


def ioc_list_name(alert_id: str) -> str:
    return safe_file_name(f"iocs-{alert_id}.csv")


def ioc_list(alert: Alert) -> bytes:
    """The alert's IOCs as CSV: a `type,value` header, then one indicator per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["type", "value"])
    writer.writerows([ioc.type, ioc.value] for ioc in alert.iocs)
    return out.getvalue().encode()


def attach_payload(alert: Alert) -> dict[str, Any] | None:
    """The attach op's payload: evidence files by name and path as stored (absolute from
    ingest; `~` means nothing here), and whether an IOC list goes too; None when the alert
    has nothing to attach. Which files may really go is decided when the op runs."""
    listed: dict[str, str] = {}
    for evidence in alert.evidence:
        listed.setdefault(safe_file_name(evidence.name), evidence.path)
    if not listed and not alert.iocs:
        return None
    return {"files": [{"name": n, "path": p} for n, p in listed.items()],
            "iocs": bool(alert.iocs)}


def queue_new_evidence(conn: Any, since: str) -> int:
    """After an ingest: queues an attach op for each linked ticket whose alert changed
    since `since` and now names files the ticket lacks, unless one is open already; an
    IOC list that grew keeps its name and is not sent again. Returns how many."""
    queued = 0
    with transaction(conn):
        for alert_id, target in files.linked_changed_since(conn, since):
            alert = get_alert(conn, alert_id)
            payload = attach_payload(alert) if alert is not None else None
            if payload is None or repo.open_op(conn, target, alert_id, "attach"):
                continue
            wanted = {f["name"] for f in payload["files"]} | \
                ({ioc_list_name(alert_id)} if payload["iocs"] else set())
            if wanted - files.attached_names(conn, alert_id, target):
                repo.enqueue(conn, target, alert_id, "attach", payload)
                queued += 1
    return queued


def cmdb_payload(alert: Alert) -> dict[str, Any] | None:
    """The cmdb op's payload: the alert's assets as (hostname, ip); None without any."""
    assets = [{"hostname": a.hostname, "ip": a.ip} for a in alert.assets if a.hostname or a.ip]
    return {"assets": assets} if assets else None


@dataclass(frozen=True)
class _File:
    name: str
    path: str | None = None     # an evidence file, read only through read_evidence
    data: bytes | None = None   # made here (the IOC list)


async def attach(ctx: OpContext, op: OutboxOp) -> str:
    """Uploads what the ticket lacks, recording each file as soon as it is up."""
    conn = ctx.conn
    ticket = linked_ticket(ctx, op)
    key = ticket.key
    done = files.attached_names(conn, op.alert_id, op.target)
    todo = [f for f in _files(ctx, op) if f.name not in done]
    if todo and _rerun(op):
        # The last run may have sent a file and died before recording it.
        remote = {a.filename: a for a in await ctx.connector.attachments(key)}
        with transaction(conn):
            for f in todo:
                if f.name in remote:
                    files.record_attachment(conn, op.alert_id, op.target, f.name,
                                            remote_id=remote[f.name].id,
                                            size=remote[f.name].size)
        todo = [f for f in todo if f.name not in remote]
    problems: list[str] = []
    for f in todo:
        try:
            data = await _content(ctx, op, f)
            remote_id = await ctx.connector.attach(key, name=f.name, data=data)
        except EvidenceRefused as exc:
            problems.append(str(exc))
            continue
        except ValidationError as exc:
            problems.append(_without_target(exc))
            continue
        with transaction(conn):
            files.record_attachment(conn, op.alert_id, op.target, f.name, remote_id=remote_id,
                                    size=len(data))
    with transaction(conn):
        if problems:
            repo.update_ticket(conn, ticket.id, error=PROBLEM_PREFIX + "; ".join(problems))
        else:
            if (ticket.error or "").startswith(PROBLEM_PREFIX):
                repo.update_ticket(conn, ticket.id, error=None)
            repo.complete(conn, op.id)
    if problems:
        # Permanent: the worker gives up at once and the outbox shows why.
        raise ValidationError(f"{key}: " + "; ".join(problems), target=op.target)
    return key


async def cmdb(ctx: OpContext, op: OutboxOp) -> str:
    """Resolves the alert's assets to CIs and points the ticket's cmdb_ci at the first;
    none found is noted in the audit, not an error. Running it again does the same."""
    conn = ctx.conn
    ticket = linked_ticket(ctx, op)
    assets = [(a.get("hostname"), a.get("ip")) for a in op.payload["assets"]]
    result = await ctx.connector.link_assets(ticket.key, assets)
    ci = result.primary
    notes = [f"{ci.name} ({ci.ci_class}) matched on {ci.matched_on}"] if ci else \
        ["no configuration item found"]
    if result.unknown:
        notes.append("not in the CMDB: " + ", ".join(result.unknown))
    if result.ambiguous:
        notes.append("several CIs: " + ", ".join(result.ambiguous))
    with transaction(conn):
        if ci is not None:
            repo.update_ticket(conn, ticket.id, configuration_item=ci.name)
        repo.audit(conn, op.alert_id, op.target, "cmdb", ticket.configuration_item,
                   ci.name if ci else None, "; ".join(notes))
        repo.complete(conn, op.id)
    return ticket.key


async def _content(ctx: OpContext, op: OutboxOp, f: _File) -> bytes:
    """The bytes to send: an evidence file passes confinement now, whatever it was at
    ingest (the file may have changed since), and is read no further than the target
    takes."""
    if f.data is not None:
        return f.data
    assert f.path is not None
    origin = evidence_origin(ctx.conn, op.alert_id, f.path)
    return read_evidence(f.name, f.path, origin, ctx.target.evidence_roots,
                         limit=await ctx.connector.max_upload_bytes())


def _files(ctx: OpContext, op: OutboxOp) -> list[_File]:
    out = [_File(str(f["name"]), path=str(f["path"])) for f in op.payload.get("files") or []]
    if op.payload.get("iocs"):
        alert = get_alert(ctx.conn, op.alert_id)
        if alert is not None and alert.iocs:
            out.append(_File(ioc_list_name(op.alert_id), data=ioc_list(alert)))
    return out


def _rerun(op: OutboxOp) -> bool:
    """Tried before (a failure or an uncertain answer), or taken over from a claim that
    never finished (op.status is as read before this claim: a crashed worker's `running`)."""
    return op.attempts > 0 or op.status == "running"


def _without_target(exc: ConnectorError) -> str:
    text = str(exc)
    prefix = f"{exc.target}: "
    return text[len(prefix):] if exc.target and text.startswith(prefix) else text
