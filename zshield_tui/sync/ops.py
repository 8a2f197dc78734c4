"""What each outbox operation does remotely, and what it records when the remote answers.

Every handler is safe to run twice: that is what lets a crashed or uncertain op simply
run again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from zshield_tui.connectors.base import CreateResult
from zshield_tui.connectors.errors import NotFoundError, ValidationError
from zshield_tui.domain import Alert
from zshield_tui.store import get_alert
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import OutboxOp, transaction

from .assign_op import assign
from .attach_op import attach, attach_payload, cmdb, cmdb_payload
from .context import Handler, OpContext
from .escalate_op import escalate
from .link_op import link, parent_ticket_for_create, queue_links
from .linked import linked_ticket
from .recurrence import recur, repush
from .results import Retry


async def create(ctx: OpContext, op: OutboxOp) -> str:
    """Creates (or finds) the alert's ticket and links it, op done in the same commit."""
    conn = ctx.conn
    existing = repo.ticket_for(conn, op.alert_id, op.target)
    if existing is None:
        draft, parent_key = _as_child(ctx, op)
        result, warning = await _create(ctx, op, draft)
        ticket = result.ticket
        owner = repo.alert_of_ticket(conn, op.target, ticket.key)
        if owner is not None and owner != op.alert_id:
            # A connector must never hand one ticket to two alerts; if one does, say so
            # rather than fail on the ticket table's unique key.
            raise ValidationError(f"{ticket.key} is already the ticket of alert {owner}",
                                  target=op.target)
    with transaction(conn):
        if existing is None:
            repo.save_ticket(conn, op.alert_id, op.target, key=ticket.key,
                             remote_id=ticket.remote_id, url=ticket.url, status=ticket.status,
                             synced_state=repo.alert_state(conn, op.alert_id),
                             remote_created_at=_iso(ticket.created_at), error=warning)
            repo.audit(conn, op.alert_id, op.target, "ticket", None, ticket.key,
                       "created" if result.created else "found existing")
            if parent_key is not None and result.created:
                # Made as the parent's child (a sub-task): no link op needed for it.
                saved = repo.ticket_for(conn, op.alert_id, op.target)
                if saved is not None:
                    repo.update_ticket(conn, saved.id, remote_parent=parent_key)
            queue_links(conn, op.target, op.alert_id)
            alert = get_alert(conn, op.alert_id)
            if alert is not None and alert.playbook:
                repo.enqueue(conn, op.target, op.alert_id, "runbook",
                             {"steps": list(alert.playbook)})
            if alert is not None:
                _enqueue_enrichment(ctx, conn, op, alert)
        repo.complete(conn, op.id)
    return existing.key if existing else ticket.key


def _enqueue_enrichment(ctx: OpContext, conn: Any, op: OutboxOp, alert: Alert) -> None:
    """Evidence and the IOC list (attach); affected assets as CIs (cmdb, ServiceNow)."""
    files = attach_payload(alert)
    if files is not None:
        repo.enqueue(conn, op.target, op.alert_id, "attach", files)
    assets = cmdb_payload(alert) if ctx.connector.supports_cmdb else None
    if assets is not None:
        repo.enqueue(conn, op.target, op.alert_id, "cmdb", assets)


def _iso(moment: datetime | None) -> str | None:
    """As now_iso() writes times, so the two compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds") if moment else None


def _as_child(ctx: OpContext, op: OutboxOp) -> tuple[dict[str, Any], str | None]:
    """The draft, made a child of the parent's ticket where the target does that at
    creation (then the parent's ticket key too); such a child waits for its parent's
    create still queued rather than be made without its parent."""
    draft = op.payload["draft"]
    key, waiting = parent_ticket_for_create(ctx.conn, op.target, op.alert_id)
    connector = ctx.connector
    if not connector.child_fields(key or "parent"):
        return draft, None
    if key is None:
        if waiting:
            raise Retry("waiting for the parent's ticket to be created", 1.0)
        return draft, None
    fields = {**connector.draft_fields(draft), **connector.child_fields(key)}
    return connector.with_draft_fields(draft, fields), key


async def _create(ctx: OpContext, op: OutboxOp, draft: dict[str, Any]
                  ) -> tuple[CreateResult, str | None]:
    """connector.create looks for the correlation key before it creates anything. An
    assignee the remote does not know leaves the ticket unassigned (said on the ticket)
    rather than leaving the alert without one."""
    connector = ctx.connector
    try:
        return await connector.create(draft, correlation_key=op.alert_id), None
    except NotFoundError as exc:
        fields = connector.draft_fields(draft)
        who = fields.get("assignee")
        if not isinstance(who, str) or "user" not in str(exc):
            raise
    trimmed = {k: v for k, v in fields.items() if k != "assignee"}
    result = await connector.create(connector.with_draft_fields(draft, trimmed),
                                    correlation_key=op.alert_id)
    return result, f"assignee {who!r} not found on {op.target}; left unassigned"


async def comment(ctx: OpContext, op: OutboxOp) -> str:
    """Sends a note as a comment / work note. A rerun first looks for its own text on the
    ticket, so a comment whose answer was lost is linked, not posted twice."""

    conn = ctx.conn
    note_id = int(op.payload["note_id"])
    body = str(op.payload["body"])
    ticket = linked_ticket(ctx, op)
    remote_id = None
    if op.attempts > 0:
        known = repo.known_remote_ids(conn, op.target)
        for seen in await ctx.connector.comments(ticket.key):
            if seen.body.strip() == body.strip() and seen.id not in known:
                remote_id = seen.id
                break
    if remote_id is None:
        remote_id = (await ctx.connector.add_comment(ticket.key, body)).id
    with transaction(conn):
        repo.link_note(conn, note_id, op.target, remote_id)
        repo.complete(conn, op.id)
        if not repo.note_still_sending(conn, note_id):
            repo.set_note_state(conn, note_id, "synced")
    return ticket.key


async def transition(ctx: OpContext, op: OutboxOp) -> str:
    """Moves the ticket to the state the alert took; already there counts as done."""
    conn = ctx.conn
    state = op.payload["state"]
    ticket = repo.ticket_for(conn, op.alert_id, op.target)
    name = ctx.target.outbound(state)
    if ticket is None and repo.open_op(conn, op.target, op.alert_id, "create"):
        raise Retry("waiting for the ticket to be created", 1.0)
    if ticket is None or name is None:
        with transaction(conn):
            repo.complete(conn, op.id)
        return "nothing to change"
    try:
        status = await ctx.connector.move(ticket.key, name, op.payload.get("fields") or None,
                                          status=ticket.status)
    except NotFoundError:
        # A rerun after the move went through finds no such move to make.
        status = await _settled_status(ctx, ticket.key, state)
    with transaction(conn):
        repo.update_ticket(conn, ticket.id, status=status, synced_state=state,
                           last_synced_at=repo.now_iso(), error=None)
        repo.complete(conn, op.id)
    return ticket.key


async def runbook(ctx: OpContext, op: OutboxOp) -> str:
    """The playbook, once, as one note: a rerun finds it on the ticket and sends nothing."""
    ticket = linked_ticket(ctx, op)
    await ctx.connector.ensure_runbook(ticket.key, [str(s) for s in op.payload["steps"]],
                                       alert_id=op.alert_id)
    with transaction(ctx.conn) as conn:
        repo.complete(conn, op.id)
    return ticket.key


async def _settled_status(ctx: OpContext, key: str, state: str) -> str:
    """The remote status when the ticket already is where `state` wants it; else the
    NotFoundError that says the move is not possible."""
    remote = await ctx.connector.get(key)
    if ctx.target.inbound(remote.status, remote.status_category) != _settles(state):
        raise NotFoundError(f"{key}: no way to {state} from {remote.status}",
                            target=ctx.target.name)
    return remote.status


def _settles(state: str) -> str:
    return "resolved" if state == "closed" else state


HANDLERS: dict[str, Handler] = {
    "create": create, "comment": comment, "transition": transition, "runbook": runbook,
    "escalate": escalate,
    "attach": attach, "cmdb": cmdb, "assign": assign, "link": link, "recur": recur,
    "repush": repush,
}
