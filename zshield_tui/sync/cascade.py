"""A parent alert's resolution, followed by its children: the one place every path calls.

The `x` key and `zshield close` (SyncEngine.queue_state), an inbound remote status (the
poller) and any automation that resolves an alert all call `Cascade.run` in the
transaction that resolved the parent, so the children follow exactly once, however the
parent was resolved. `[automation] children_on_parent_resolved` says how:

- "close": each child alert not yet closed is closed, and each of its tickets gets one
  transition to the target's closing state. A child the remote already resolved (the
  ServiceNow platform resolves an incident's children with it) is closed from there: one
  more state change, never a second resolve.
- "note": each child ticket gets the comment "parent KEY resolved: RESOLUTION" (KEY: the
  parent's ticket on that target), once per parent.
- "none": nothing.

Each child gets a `cascade` audit row whose detail names the cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import child_ids

from .targets import Target

DONE = ("resolved", "closed")   # the alert states that set a cascade off


@dataclass(frozen=True)
class Cascade:
    """The setting and the targets a cascade queues its ticket changes for."""

    targets: Mapping[str, Target]
    setting: str = "close"   # close | note | none

    def run(self, conn: Any, parent_id: str, *, cause: str, resolution: str,
            actor: str) -> list[str]:
        """Inside the transaction that resolved `parent_id`: the children it touched."""
        if self.setting == "none":
            return []
        touched = []
        for child in child_ids(conn, parent_id):
            done = self._close(conn, child, parent_id, cause, actor) \
                if self.setting == "close" else \
                self._note(conn, child, parent_id, cause, resolution, actor)
            if done:
                touched.append(child)
        return touched

    def _close(self, conn: Any, child: str, parent_id: str, cause: str, actor: str) -> bool:
        old = repo.alert_state(conn, child)
        if old is None or old == "closed":
            return False
        repo.write_state(conn, child, "closed", actor)
        repo.audit(conn, child, actor, "cascade", parent_id, "closed",
                   f"parent {parent_id} resolved: {cause}")
        for ticket in repo.tickets_of(conn, child):
            target = self.targets.get(ticket.target)
            if target is None or target.outbound("closed") is None:
                continue
            repo.enqueue(conn, target.name, child, "transition",
                         {"state": "closed", "fields": target.closing_fields("closed")})
        return True

    def _note(self, conn: Any, child: str, parent_id: str, cause: str, resolution: str,
              actor: str) -> bool:
        if noted(conn, child, parent_id):
            return False
        tickets = [t for t in repo.tickets_of(conn, child) if t.target in self.targets]
        for ticket in tickets:
            parent = repo.ticket_for(conn, parent_id, ticket.target)
            body = f"parent {parent.key if parent else parent_id} resolved: {resolution}"
            note_id = repo.add_note(conn, child, body, author=actor, origin="local",
                                    sync_state="pending")
            repo.enqueue(conn, ticket.target, child, "comment", {"note_id": note_id,
                                                                 "body": body})
        if not tickets:
            repo.add_note(conn, child, f"parent {parent_id} resolved: {resolution}",
                          author=actor, origin="local", sync_state="local")
        repo.audit(conn, child, actor, "cascade", parent_id, "noted",
                   f"parent {parent_id} resolved: {cause}")
        return True


def noted(conn: Any, child: str, parent_id: str) -> bool:
    """Whether the child was noted of this parent's resolution already."""
    return conn.execute("SELECT 1 FROM audit WHERE alert_id = ? AND action = 'cascade' AND "
                        "old_value = ? AND new_value = 'noted' LIMIT 1",
                        (child, parent_id)).fetchone() is not None


def cascade_count(conn: Any, parent_id: str, setting: str) -> int:
    """How many child tickets a resolution of `parent_id` would touch now (what-if)."""
    if setting == "none":
        return 0
    count = 0
    for child in child_ids(conn, parent_id):
        if setting == "close" and repo.alert_state(conn, child) == "closed":
            continue
        if setting == "note" and noted(conn, child, parent_id):
            continue
        count += len(repo.tickets_of(conn, child))
    return count
