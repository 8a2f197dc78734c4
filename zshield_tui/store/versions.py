"""No silent overwrite (DESIGN §6 "Team mode"): each alert's `version` counts the changes
analysts and syncs made to it (state, assignment, notes). A change carries the version its
view showed; if the alert moved on since, the change is refused, naming who changed it and
what they did, instead of overwriting it unseen.

The version moves where each change is written (store/syncrepo.py: write_state,
write_assignee, add_note); a poll's remote change moves it too. The check is an UPDATE of
the row it guards, inside the change's transaction: on PostgreSQL it takes the row lock,
so of two analysts acting on one version at once the second waits, then finds the version
moved on; SQLite's BEGIN IMMEDIATE already serialises writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from zshield_tui.domain.wording import counted


# Not frozen: contextlib sets __traceback__ on exceptions passing through a `with`.
@dataclass(eq=False)
class StaleChange(Exception):
    """The alert changed after the view the change was made on."""

    alert_id: str
    seen: int
    current: int
    actor: str          # who made the newest change ("" when the history has none)
    what: str           # "resolved", "assigned to carol", "added a note"
    at: datetime | None

    def describe(self, now: datetime | None = None) -> str:
        """`resolved by bo 2 min ago`."""
        text = self.what + (f" by {self.actor}" if self.actor else "")
        return text + (f" {ago(self.at, now)}" if self.at else "")

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.describe()} (after the view this change was made on)"


def check_version(conn: Any, alert_id: str, seen: int | None) -> None:
    """Raises StaleChange when the alert is no longer at version `seen`; None: the caller
    read the alert just now (the CLI), and acts on whatever is current."""
    if seen is None:
        return
    # A no-op UPDATE rather than a SELECT: it locks the row until the change commits.
    cur = conn.execute("UPDATE alert SET version = version WHERE id = ? AND version = ?",
                       (alert_id, seen))
    if cur.rowcount:
        return
    row = conn.execute("SELECT version FROM alert WHERE id = ?", (alert_id,)).fetchone()
    if row is None:
        raise KeyError(alert_id)
    actor, what, at = latest_change(conn, alert_id)
    raise StaleChange(alert_id, seen, int(row[0]), actor, what, at)


def current_versions(conn: Any, alert_ids: Iterable[str]) -> dict[str, int]:
    ids = list(alert_ids)
    out: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ", ".join("?" * len(part))
        out.update(conn.execute(f"SELECT id, version FROM alert WHERE id IN ({marks})",
                                part).fetchall())
    return out


def latest_change(conn: Any, alert_id: str) -> tuple[str, str, datetime | None]:
    """(who, what, when) of the newest audited change or note on the alert."""
    audit = conn.execute(
        "SELECT actor, action, old_value, new_value, at FROM audit WHERE alert_id = ? "
        "ORDER BY id DESC LIMIT 1", (alert_id,)).fetchone()
    note = conn.execute(
        "SELECT author, created_at FROM note WHERE alert_id = ? ORDER BY id DESC LIMIT 1",
        (alert_id,)).fetchone()
    if note is not None and (audit is None or note[1] > audit[4]):
        return note[0], "added a note", _parse(note[1])
    if audit is None:
        return "", "changed", None
    actor, action, old, new, at = audit
    return actor, _WHAT.get(action, lambda o, n: action)(old, new), _parse(at)


_WHAT = {
    "state": lambda old, new: (new or "changed").replace("_", " "),
    "assign": lambda old, new: f"assigned to {new}" if new else "unassigned",
}


def ago(at: datetime, now: datetime | None = None) -> str:
    """`just now`, `2 min ago`, `3 h ago`, `4 days ago`."""
    seconds = ((now or datetime.now(UTC)) - at).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{counted(int(seconds // 86400), 'day')} ago"


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
