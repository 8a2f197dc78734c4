"""Recurring alerts: one ticket per `group_by` key and window, a comment for the rest.

Queueing (inside the caller's transaction): an alert whose key matches a group of the
target still inside `group_window` is attached to it as a recurrence (the alert then
shows the group's ticket) and the group gets one `recur` op; any other alert gets its
`create` op and starts a group of its own.

The `recur` op runs as an op of the group's first alert, so it waits behind that alert's
create. It posts ONE comment per batch, "recurred: 14 times, last 2026-12-01 10:42 UTC",
the count read from the store when it runs, so a burst of recurrences between two drains
is one comment, and every count reaches the ticket exactly once. One comment per batch,
not one comment edited in place: ServiceNow work notes are journal entries that the
Table API cannot edit, and an edit on Jira notifies nobody, while a recurrence is news
the people on the ticket should see.

Retry safety: a recurrence row is unique per alert and target (queueing twice counts
once); the text about to be posted is written down first (`sending`), so a rerun after a
lost answer finds that very comment on the ticket and records it instead of posting
again; the count is marked reported in the same commit as the op's completion.

A done ticket (connector.is_done) meets the target's `when_closed`: `reopen` moves it
through the workflow (connector.reopen) and comments, `comment` only comments, `new`
ends the group and makes the first unreported recurrence the first alert of a new group
with a ticket of its own (its stored draft, created like any other).

A re-push of an alert that has its own ticket (`repush`) meets the same setting, except
that `new` leaves it linked: the alert id is the ticket's correlation key, and one alert
never gets two tickets on one target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.errors import ValidationError
from zshield_tui.rules_config import parse_duration
from zshield_tui.store import recurrence as rec
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import iso, parse_iso
from zshield_tui.store.syncrepo import LinkedTicket, OutboxOp, transaction

from .context import OpContext
from .linked import linked_ticket
from .results import Retry

if TYPE_CHECKING:
    import sqlite3

    from zshield_tui.domain import Alert
    from zshield_tui.mapping.environment import MappingEnvironment

    from .targets import Target

AUTHOR = "zshield"
# Comments this process posted whose local record has not committed yet, by (target,
# group, text): a rerun in the same process finds the answer here, where a connector
# that hands out each comment once (ServiceNow's journal reader) would not show it again.
_SENT: dict[tuple[str, int, str], str] = {}


@dataclass(frozen=True)
class GroupKey:
    """An alert's `group_by` key on a target, and the alert's time (the window's clock)."""

    key: str
    at: str


def key_for(target: Target, alert: Alert, env: MappingEnvironment | None = None
            ) -> GroupKey | None:
    """The alert's key on a target with `group_by`; None without (or when the template
    fails for this alert: it then gets a ticket of its own)."""
    source = target.config.group_by
    if source is None:
        return None
    from zshield_tui.mapping.group_key import group_key

    key = group_key(source, alert, env)
    return GroupKey(key, iso(alert.created_at)) if key is not None else None


def within(first_at: str, at: str, window: str) -> bool:
    """Whether `at` falls inside the window that opened with the group's first alert."""
    return abs(parse_iso(at) - parse_iso(first_at)) < parse_duration(window)


def queue_ticket(conn: sqlite3.Connection, target: Target, alert_id: str,
                 draft: dict[str, Any], key: GroupKey | None) -> str:
    """Queues the alert's ticket: `create`, or `recur` when it joined a group (nothing is
    counted twice: an alert attached already is left as it is); "" when another process
    had queued the create already."""
    name = target.name
    if key is not None:
        group = rec.latest_group(conn, name, key.key)
        if group is not None and group.alert_id != alert_id \
                and within(group.first_at, key.at, target.config.group_window):
            rec.lock_group(conn, group.id)
            if rec.add_recurrence(conn, group.id, name, alert_id, key.at, draft):
                if repo.open_op(conn, name, group.alert_id, "recur") is None:
                    repo.enqueue(conn, name, group.alert_id, "recur", {"group": group.id})
                repo.audit(conn, alert_id, name, "recurrence", None, group.alert_id,
                           f"recurrence of alert {group.alert_id} (group_by)")
            return "recur"
        rec.start_group(conn, name, key.key, alert_id, key.at)
    if not repo.enqueue(conn, name, alert_id, "create", {"draft": draft}):
        return ""   # another process queued its create first (one open create per alert)
    return "create"


def recurrence_ticket(conn: sqlite3.Connection, alert_id: str, target: str) -> str | None:
    """For an alert attached to a group: the key of the group's ticket, or the first
    alert's id while that ticket is still being made; None for any other alert."""
    if not rec.is_recurrence(conn, alert_id, target):
        return None
    group = rec.group_of(conn, alert_id, target)
    if group is None:
        return None
    ticket = repo.ticket_for(conn, group.alert_id, target)
    return ticket.key if ticket is not None else f"(with alert {group.alert_id})"


def recurrence_text(count: int, last_at: str) -> str:
    """The comment: `recurred: 14 times, last 2026-12-01 10:42 UTC` (the date, since a
    window may span midnight)."""
    last = parse_iso(last_at)
    times = "once" if count == 1 else f"{count} times"
    return f"recurred: {times}, last {last.strftime('%Y-%m-%d %H:%M')} UTC"


# -- the op ------------------------------------------------------------------------------------
async def recur(ctx: OpContext, op: OutboxOp) -> str:
    """Brings the group's ticket up to date with its recurrences (see the module)."""
    conn = ctx.conn
    group = rec.group_by_id(conn, int(op.payload["group"]))
    if group is None or group.ended_at is not None:
        # Ended: its unreported recurrences moved on to the group that took over.
        with transaction(conn):
            repo.complete(conn, op.id)
        return "nothing to report"
    ticket = linked_ticket(ctx, op)
    if group.sending is not None:
        await _adopt_lost_comment(ctx, group, ticket)
    remote = await ctx.connector.get(ticket.key)
    if ctx.connector.is_done(remote):
        policy = ctx.target.config.when_closed
        if policy == "new":
            return _start_over(ctx, op, group.id, ticket)
        if policy == "reopen":
            status = await ctx.connector.reopen(ticket.key)
            with transaction(conn):
                repo.update_ticket(conn, ticket.id, status=status, error=None)
                repo.audit(conn, group.alert_id, ctx.target.name, "reopened", remote.status,
                           status, f"{ticket.key} reopened: the alert recurred")
    return await _report(ctx, op, group.id, ticket)


async def _adopt_lost_comment(ctx: OpContext, group: rec.Group, ticket: LinkedTicket) -> None:
    """A comment whose answer was lost is on the ticket: record it, do not post again."""
    posted = _SENT.get((ctx.target.name, group.id, group.sending or ""))
    if posted is not None:
        with transaction(ctx.conn) as conn:
            _record(conn, ctx.target.name, group.id, group.alert_id, group.sending or "",
                    posted, group.sending_count or 0)
        return
    known = repo.known_remote_ids(ctx.conn, ctx.target.name)
    wanted = (group.sending or "").strip()
    for seen in await ctx.connector.comments(ticket.key):
        if seen.body.strip() == wanted and seen.id not in known:
            with transaction(ctx.conn) as conn:
                _record(conn, ctx.target.name, group.id, group.alert_id, group.sending or "",
                        seen.id, group.sending_count or 0)
            return


async def _report(ctx: OpContext, op: OutboxOp, group_id: int, ticket: LinkedTicket) -> str:
    conn = ctx.conn
    group = rec.group_by_id(conn, group_id)
    assert group is not None
    if group.recurrences <= group.reported:
        with transaction(conn):
            repo.complete(conn, op.id)
        return ticket.key
    text = recurrence_text(group.recurrences, group.last_at)
    with transaction(conn):
        rec.set_sending(conn, group.id, text, group.recurrences)
    comment = await ctx.connector.add_comment(ticket.key, text)
    sent = (ctx.target.name, group.id, text)
    _SENT[sent] = comment.id
    with transaction(conn):
        _record(conn, ctx.target.name, group.id, group.alert_id, text, comment.id,
                group.recurrences)
        repo.complete(conn, op.id)
        # Recurrences that arrived while this op ran found it open and queued nothing.
        now = rec.group_by_id(conn, group.id)
        if now is not None and now.recurrences > now.reported:
            repo.enqueue(conn, ctx.target.name, group.alert_id, "recur", {"group": group.id})
    _SENT.pop(sent, None)
    return ticket.key


def _record(conn: sqlite3.Connection, target: str, group_id: int, alert_id: str, text: str,
            remote_id: str, count: int) -> None:
    """The count as reported, and the comment as a note of the first alert, linked to its
    remote id (the poller then knows it as ours and never brings it back)."""
    rec.lock_group(conn, group_id)
    rec.mark_reported(conn, group_id, count)
    note_id = repo.add_note(conn, alert_id, text, author=AUTHOR, origin="local",
                            sync_state="synced")
    repo.link_note(conn, note_id, target, remote_id)


def _start_over(ctx: OpContext, op: OutboxOp, group_id: int, ticket: LinkedTicket) -> str:
    """`when_closed = "new"`: the unreported recurrences leave the done ticket; the first
    of them gets a ticket of its own (a create op) and the rest recur on it."""
    name = ctx.target.name
    with transaction(ctx.conn) as conn:
        group = rec.lock_group(conn, group_id)
        moved = rec.unreported(conn, group) if group is not None else []
        if group is None or not moved:
            repo.complete(conn, op.id)
            return ticket.key
        first = moved[0]
        if first.draft is None:
            raise ValidationError(f"alert {first.alert_id} has no stored draft to make a "
                                  f"new ticket from; push it", target=name)
        new_group = rec.split_group(conn, group, moved, repo.now_iso())
        repo.enqueue(conn, name, first.alert_id, "create", {"draft": first.draft})
        if len(moved) > 1:
            repo.enqueue(conn, name, first.alert_id, "recur", {"group": new_group})
        repo.audit(conn, first.alert_id, name, "recurrence", ticket.key, None,
                   f"{ticket.key} is done: a new ticket (when_closed = new)")
        repo.complete(conn, op.id)
    return f"{ticket.key} done; new ticket for {first.alert_id}"


# -- re-push -------------------------------------------------------------------------------
def queue_repush(conn: sqlite3.Connection, target: Target, alert_id: str) -> bool:
    """After a push found the alert's own ticket: a `repush` op that applies `when_closed`
    if that ticket turns out to be done (one at a time per alert)."""
    if target.config.when_closed == "new" or repo.ticket_for(conn, alert_id, target.name) \
            is None or repo.open_op(conn, target.name, alert_id, "repush") is not None:
        return False
    repo.enqueue(conn, target.name, alert_id, "repush", {})
    return True


async def repush(ctx: OpContext, op: OutboxOp) -> str:
    """`reopen`: the done ticket back into work; `comment`: a note on it that the alert
    was pushed again. An open ticket is left as it is."""
    conn = ctx.conn
    ticket = repo.ticket_for(conn, op.alert_id, op.target)
    if ticket is None:
        raise Retry("waiting for the ticket to be linked", 1.0)
    remote = await ctx.connector.get(ticket.key)
    policy = ctx.target.config.when_closed
    if not ctx.connector.is_done(remote) or policy == "new":
        with transaction(conn):
            repo.complete(conn, op.id)
        return ticket.key
    if policy == "reopen":
        status = await ctx.connector.reopen(ticket.key)
        with transaction(conn):
            repo.update_ticket(conn, ticket.id, status=status, error=None)
            repo.audit(conn, op.alert_id, ctx.target.name, "reopened", remote.status, status,
                       f"{ticket.key} reopened: the alert was pushed again")
            repo.complete(conn, op.id)
        return ticket.key
    text = f"pushed again while {remote.status}"
    remote_id = None
    if op.attempts > 0:   # a rerun: the comment may have gone out, its answer lost
        known = repo.known_remote_ids(conn, op.target)
        remote_id = next((c.id for c in await ctx.connector.comments(ticket.key)
                          if c.body.strip() == text and c.id not in known), None)
    if remote_id is None:
        remote_id = (await ctx.connector.add_comment(ticket.key, text)).id
    with transaction(conn):
        note_id = repo.add_note(conn, op.alert_id, text, author=AUTHOR, origin="local",
                                sync_state="synced")
        repo.link_note(conn, note_id, op.target, remote_id)
        repo.complete(conn, op.id)
    return ticket.key
