"""Parent and child tickets on the remote side: the `link` op, and when it is queued.

A child's ticket is linked to its parent's once both exist on the same target, whichever
was pushed first: each create looks both ways (its parent's ticket, its children's) in the
transaction that records it, so a pair created in one drain is never missed. A target that
makes children at creation (a Jira sub-task) needs no link op for them.
"""

from __future__ import annotations

from typing import Any

from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import child_ids, parent_of
from zshield_tui.store.syncrepo import OutboxOp, transaction

from .context import OpContext
from .linked import linked_ticket
from .results import Retry


def queue_links(conn: Any, target: str, alert_id: str) -> int:
    """After the alert's ticket was recorded on `target` (inside that transaction): a link
    op for it when its parent's ticket exists, and for each child with a ticket not yet
    linked. Never a second op while one is open. Returns how many were queued."""
    pairs = []
    parent = parent_of(conn, alert_id)
    if parent is not None and repo.ticket_for(conn, parent, target) is not None:
        pairs.append((alert_id, parent))
    for child in child_ids(conn, alert_id):
        ticket = repo.ticket_for(conn, child, target)
        if ticket is not None and ticket.remote_parent is None:
            pairs.append((child, alert_id))
    queued = 0
    for child, parent in pairs:
        ticket = repo.ticket_for(conn, child, target)
        if ticket is None or ticket.remote_parent is not None or \
                repo.open_op(conn, target, child, "link") is not None:
            continue
        repo.enqueue(conn, target, child, "link", {"parent": parent})
        queued += 1
    return queued


async def link(ctx: OpContext, op: OutboxOp) -> str:
    """Makes the parent alert's ticket the remote parent of this alert's ticket; a rerun
    finds the link (the connector looks first) or the recorded parent and sends nothing."""
    conn = ctx.conn
    child = linked_ticket(ctx, op)
    parent_alert = str(op.payload["parent"])
    parent = repo.ticket_for(conn, parent_alert, op.target)
    if parent is None:
        if repo.open_op(conn, op.target, parent_alert, "create"):
            raise Retry("waiting for the parent's ticket to be created", 1.0)
        with transaction(conn):
            repo.complete(conn, op.id)
        return "no parent ticket"
    if child.remote_parent != parent.key:
        await ctx.connector.link_parent(ctx.connector.ticket_ref(child.key, child.remote_id),
                                        parent.key, parent_id=parent.remote_id)
    with transaction(conn):
        if child.remote_parent != parent.key:
            repo.update_ticket(conn, child.id, remote_parent=parent.key)
            repo.audit(conn, op.alert_id, op.target, "link", None, parent.key,
                       f"{child.key} linked to parent {parent.key}")
        repo.complete(conn, op.id)
    return child.key


def parent_ticket_for_create(conn: Any, target: str, alert_id: str) -> tuple[str | None, bool]:
    """(the parent's ticket key on `target`, whether the parent's create is still queued)
    for a create that may make the child at creation."""
    parent = parent_of(conn, alert_id)
    if parent is None:
        return None, False
    ticket = repo.ticket_for(conn, parent, target)
    if ticket is not None:
        return ticket.key, False
    return None, repo.open_op(conn, target, parent, "create") is not None
