"""The ticket an outbox op works on, for every op that needs one."""

from __future__ import annotations

from zshield_tui.connectors.errors import NotFoundError
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import LinkedTicket, OutboxOp

from .context import OpContext
from .results import Retry


def linked_ticket(ctx: OpContext, op: OutboxOp) -> LinkedTicket:
    """The alert's ticket on the op's target. While the alert's create is still queued the
    op waits for it (Retry); with neither, a NotFoundError the worker keeps on the op."""
    conn = ctx.conn
    ticket = repo.ticket_for(conn, op.alert_id, op.target)
    if ticket is not None:
        return ticket
    if repo.open_op(conn, op.target, op.alert_id, "create"):
        raise Retry("waiting for the ticket to be created", 1.0)
    raise NotFoundError("the alert has no ticket on this target", target=op.target)
