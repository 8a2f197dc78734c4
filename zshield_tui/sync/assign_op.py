"""The `assign` outbox op: the alert's analyst becomes the assignee of its ticket.

Setting the same assignee twice changes nothing, so a rerun simply sends it again. The
connectors resolve the name or email to what each system wants (a Jira accountId or
username, a ServiceNow sys_user sys_id); a name the remote does not know is a
NotFoundError, kept on the op and the ticket rather than retried.
"""

from __future__ import annotations

from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import OutboxOp, transaction

from .context import OpContext
from .linked import linked_ticket


async def assign(ctx: OpContext, op: OutboxOp) -> str:
    conn = ctx.conn
    ticket = linked_ticket(ctx, op)
    who = str(op.payload["assignee"])
    await ctx.connector.assign(ctx.connector.ticket_ref(ticket.key, ticket.remote_id), who)
    with transaction(conn):
        repo.update_ticket(conn, ticket.id, last_synced_at=repo.now_iso())
        repo.complete(conn, op.id)
    return f"{ticket.key} assigned to {who}"
