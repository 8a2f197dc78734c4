"""The poller: remote status, comments, SLA and CMDB data back into the store.

Per target it asks for the tickets updated since its watermark minus a small overlap
(clocks and second-precision timestamps make the edge unreliable); everything it applies
is idempotent, so seeing a ticket twice costs a request, never a duplicate.

Status: a remote change is applied when the alert did not change locally since the last
sync; when both changed (and disagree), it is a conflict: an audit row and an error on the
ticket, the local state kept, nothing dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from zshield_tui.connectors.base import Connector, RemoteTicket, is_runbook
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import LinkedTicket, transaction

from .cascade import DONE, Cascade
from .targets import Target

OVERLAP = timedelta(minutes=2)
FIRST_LOOK = timedelta(days=30)


@dataclass
class PollReport:
    tickets: int = 0
    states: int = 0
    notes: int = 0
    conflicts: list[str] = field(default_factory=list)
    cascaded: list[str] = field(default_factory=list)   # children a resolved parent took
    error: str | None = None   # the target could not be polled this pass


async def poll(store: Store, target: Target, connector: Connector,
               cascade: Cascade | None = None) -> PollReport:
    """One pass over the target's tickets updated since the watermark; an alert resolved
    by its ticket takes its children along through `cascade`."""
    report = PollReport()
    conn = store.conn
    mark = repo.watermark(conn, target.name)
    since = datetime.fromisoformat(mark) - OVERLAP if mark else \
        datetime.now(UTC) - FIRST_LOOK
    linked = repo.tickets_by_key(conn, target.name)
    if not linked:
        return report
    newest = datetime.fromisoformat(mark) if mark else None
    for remote in await connector.updated_since(since):
        row = linked.get(remote.key)
        if row is None:
            continue
        report.tickets += 1
        await _apply(store, target, connector, row, remote, report, cascade)
        if remote.updated_at is not None and (newest is None or remote.updated_at > newest):
            newest = remote.updated_at
    if newest is not None:
        with transaction(conn):
            repo.set_watermark(conn, target.name, newest.astimezone(UTC).isoformat())
    return report


async def _apply(store: Store, target: Target, connector: Connector, row: LinkedTicket,
                 remote: RemoteTicket, report: PollReport, cascade: Cascade | None) -> None:
    comments = await connector.comments(remote.key)
    extra = await _enrichment(connector, remote)
    conn = store.conn
    with transaction(conn):
        resolved = _apply_status(conn, target, row, remote, report)
        if resolved and cascade is not None:
            report.cascaded += cascade.run(
                conn, row.alert_id, cause=f"{target.name} {remote.key} moved to {remote.status}",
                resolution=connector.resolution(remote), actor=target.name)
        known = repo.known_remote_ids(conn, target.name)
        for seen in comments:
            if seen.id in known or is_runbook(seen.body):
                continue
            mine = repo.unlinked_local_note(conn, row.alert_id, target.name, seen.body)
            if mine is not None:
                repo.link_note(conn, mine, target.name, seen.id)   # our own, answer lost
                continue
            note_id = repo.add_note(conn, row.alert_id, seen.body, author=seen.author,
                                    origin="remote", sync_state=None, remote_id=seen.id,
                                    created_at=seen.created_at.astimezone(UTC).isoformat())
            repo.link_note(conn, note_id, target.name, seen.id)
            report.notes += 1
        if row.remote_created_at is None and remote.created_at is not None:
            # Escalation counts its windows from when the remote made the ticket.
            extra["remote_created_at"] = remote.created_at.astimezone(UTC).isoformat()
        repo.update_ticket(conn, row.id, last_synced_at=repo.now_iso(), url=remote.url,
                           **extra)


def _apply_status(conn: Any, target: Target, row: LinkedTicket, remote: RemoteTicket,
                  report: PollReport) -> bool:
    """Whether the remote status resolved (or closed) the alert here."""
    if remote.status == row.status:
        return False
    wanted = target.inbound(remote.status, remote.status_category)
    local = repo.alert_state(conn, row.alert_id)
    agreed = row.synced_state
    columns: dict[str, Any] = {"status": remote.status}
    if wanted == "resolved" and local == "closed":
        # On its way to closed (a cascade's close is queued; ServiceNow resolved the child
        # with its parent first): no conflict, and the close still goes out.
        pass
    elif wanted is None or wanted == local:
        columns["synced_state"] = local
    elif agreed is not None and local != agreed:
        detail = (f"{target.name} {remote.key}: remote moved to {remote.status} "
                  f"({wanted}) while the alert changed here to {local}; kept {local}")
        repo.audit(conn, row.alert_id, target.name, "conflict", local, wanted, detail)
        columns["error"] = f"conflict: {detail}"
        report.conflicts.append(detail)
    else:
        repo.write_state(conn, row.alert_id, wanted, target.name)
        columns["synced_state"] = wanted
        columns["error"] = None
        report.states += 1
        repo.update_ticket(conn, row.id, **columns)
        return wanted in DONE
    repo.update_ticket(conn, row.id, **columns)
    return False


async def _enrichment(connector: Connector, remote: RemoteTicket) -> dict[str, Any]:
    """SLA and configuration item, where the system has them: refreshed whenever the
    ticket moved."""
    out: dict[str, Any] = {}
    slas = await connector.slas(remote.key) if connector.supports_sla else []
    if slas:
        sla = slas[-1]
        out["sla"] = json.dumps({
            "name": sla.name, "stage": sla.stage_label, "breached": sla.has_breached,
            "percentage": sla.percentage,
            "time_left": sla.time_left.total_seconds() if sla.time_left else None,
            "planned_end": sla.planned_end.isoformat() if sla.planned_end else None})
    ci = connector.configuration_item(remote)
    if ci:
        out["configuration_item"] = ci
    return out
