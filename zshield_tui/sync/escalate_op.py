"""The `escalate` outbox op: raise the ticket's priority, reassign it, add the comment.

Safe to run twice. The first attempt reads the ticket and pins the absolute values it will
set (the raised priority, the resolved assignee) in the op's payload before sending, so a
rerun sets the same values again rather than raising a priority the first attempt already
raised. The comment is looked for on the ticket before a rerun posts it, as `ops.comment`
does, and is kept as a local note linked to the remote comment, so the poller does not
bring it back as someone else's.
"""

from __future__ import annotations

import json
from typing import Any

from zshield_tui.connectors.errors import NotFoundError
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.automation_rows import set_op_payload
from zshield_tui.store.syncrepo import OutboxOp, transaction

from .context import OpContext
from .linked import linked_ticket

AUTHOR = "rule:escalation"   # the audit trail's actor for escalations, on the note too


async def escalate(ctx: OpContext, op: OutboxOp) -> str:
    """Carries out one escalation decision on the alert's ticket."""
    conn = ctx.conn
    ticket = linked_ticket(ctx, op)
    key = ticket.key
    payload = op.payload
    if not _still_new(ticket.status, payload):
        # Acknowledged since it was queued (a retry can come much later): nothing to do.
        with transaction(conn):
            repo.complete(conn, op.id)
        return f"{key} no longer new"
    if "fields" not in payload:
        fields, warning = await _plan(ctx, key, payload)
        payload = {**payload, "fields": fields, "warning": warning}
        with transaction(conn):
            set_op_payload(conn, op.id, json.dumps(payload, ensure_ascii=False))
    if payload["fields"]:
        await ctx.connector.update(key, payload["fields"])
    comment = str(payload.get("comment") or "")
    remote_id = await _comment(ctx, op, key, comment) if comment else None
    with transaction(conn):
        if remote_id is not None:
            note_id = repo.add_note(conn, op.alert_id, comment, author=AUTHOR,
                                    origin="local", sync_state="synced")
            repo.link_note(conn, note_id, op.target, remote_id)
        if payload.get("warning"):
            repo.update_ticket(conn, ticket.id, error=payload["warning"])
        repo.complete(conn, op.id)
    return key


def _still_new(status: str, payload: dict[str, Any]) -> bool:
    states = payload.get("new_states")
    return states is None or status.strip().lower() in {s.lower() for s in states}


async def _plan(ctx: OpContext, key: str, payload: dict[str, Any]
                ) -> tuple[dict[str, Any], str | None]:
    """The fields to set: the priority one step up, the new assignee. An assignee the
    remote does not know is left out (said on the ticket) rather than failing the rest."""
    fields: dict[str, Any] = {}
    if payload.get("raise_priority"):
        current = (await ctx.connector.get(key)).fields
        fields.update(ctx.connector.raised_priority_fields(current))
    who = payload.get("assignee")
    if not who:
        return fields, None
    try:
        user = await ctx.connector.resolve_user(who)
    except NotFoundError:
        return fields, f"escalation: assignee {who!r} not found on {ctx.target.name}"
    fields.update(ctx.connector.assignee_fields(user))
    return fields, None


async def _comment(ctx: OpContext, op: OutboxOp, key: str, body: str) -> str:
    """The remote id of the escalation comment; a rerun first looks for its own text."""
    if op.attempts > 0:
        known = repo.known_remote_ids(ctx.conn, op.target)
        for seen in await ctx.connector.comments(key):
            if seen.body.strip() == body.strip() and seen.id not in known:
                return seen.id
    return (await ctx.connector.add_comment(key, body)).id
