"""Recurring alerts: groups of alerts that share one ticket, and their counts.

A group's first alert owns the ticket (an ordinary row of the ticket table); each later
alert with the same key is a `recurrence` row of the group, at most one per alert and
target, so queueing an alert twice never counts it twice. Call these inside the caller's
transaction, after `lock_group` where a count is read and written back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

_GROUP_COLUMNS = ("id, target, group_key, alert_id, first_at, last_at, recurrences, "
                  "reported, sending, sending_count, ended_at")


@dataclass(frozen=True)
class Group:
    """One ticket's worth of alerts with the same key on a target."""

    id: int
    target: str
    key: str
    alert_id: str             # the first alert: the ticket is its ticket
    first_at: str             # its created_at: the window counts from here
    last_at: str              # created_at of the newest recurrence
    recurrences: int          # alerts attached after the first
    reported: int             # the count the last recurrence comment on the ticket gave
    sending: str | None       # a comment that may have gone out, its answer not recorded
    sending_count: int | None
    ended_at: str | None      # the ticket was done and a new one took over


@dataclass(frozen=True)
class Recurrence:
    id: int
    alert_id: str
    at: str
    draft: dict[str, Any] | None


def _group(row: tuple | None) -> Group | None:
    return Group(*row) if row else None


def latest_group(conn: sqlite3.Connection, target: str, key: str) -> Group | None:
    """The newest group of this key on the target that has not ended."""
    return _group(conn.execute(
        f"SELECT {_GROUP_COLUMNS} FROM recurrence_group WHERE target = ? AND group_key = ? "
        "AND ended_at IS NULL ORDER BY id DESC LIMIT 1", (target, key)).fetchone())


def group_by_id(conn: sqlite3.Connection, group_id: int) -> Group | None:
    return _group(conn.execute(f"SELECT {_GROUP_COLUMNS} FROM recurrence_group WHERE id = ?",
                               (group_id,)).fetchone())


def lock_group(conn: sqlite3.Connection, group_id: int) -> Group | None:
    """The group, its row locked for the rest of the transaction: the queue side and the
    op that reports the count both take this first, so neither reads a stale count."""
    conn.execute("UPDATE recurrence_group SET id = id WHERE id = ?", (group_id,))
    return group_by_id(conn, group_id)


def start_group(conn: sqlite3.Connection, target: str, key: str, alert_id: str,
                first_at: str) -> int:
    """A group with `alert_id` first; an alert already first of one keeps that one."""
    row = conn.execute(
        "INSERT INTO recurrence_group (target, group_key, alert_id, first_at, last_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target, alert_id) DO NOTHING RETURNING id",
        (target, key, alert_id, first_at, first_at)).fetchone()
    if row is not None:
        return int(row[0])
    return int(conn.execute("SELECT id FROM recurrence_group WHERE target = ? AND alert_id = ?",
                            (target, alert_id)).fetchone()[0])


def add_recurrence(conn: sqlite3.Connection, group_id: int, target: str, alert_id: str,
                   at: str, draft: dict[str, Any] | None) -> bool:
    """Attaches the alert to the group and counts it; False when it was attached already."""
    row = conn.execute(
        "INSERT INTO recurrence (group_id, alert_id, target, at, draft) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (alert_id, target) DO NOTHING RETURNING id",
        (group_id, alert_id, target, at, json.dumps(draft) if draft is not None else None)
    ).fetchone()
    if row is None:
        return False
    conn.execute("UPDATE recurrence_group SET recurrences = recurrences + 1, "
                 "last_at = CASE WHEN last_at < ? THEN ? ELSE last_at END WHERE id = ?",
                 (at, at, group_id))
    return True


def group_of(conn: sqlite3.Connection, alert_id: str, target: str) -> Group | None:
    """The group the alert is a recurrence in, or the first of, on the target."""
    return _group(conn.execute(
        f"SELECT {_GROUP_COLUMNS} FROM recurrence_group g WHERE target = ? AND (alert_id = ? "
        "OR id IN (SELECT group_id FROM recurrence WHERE alert_id = ? AND target = ?))"
        " ORDER BY id DESC LIMIT 1", (target, alert_id, alert_id, target)).fetchone())


def is_recurrence(conn: sqlite3.Connection, alert_id: str, target: str) -> bool:
    return conn.execute("SELECT 1 FROM recurrence WHERE alert_id = ? AND target = ?",
                        (alert_id, target)).fetchone() is not None


def unreported(conn: sqlite3.Connection, group: Group) -> list[Recurrence]:
    """The recurrences no comment has counted yet, oldest first."""
    count = group.recurrences - group.reported
    if count <= 0:
        return []
    rows = conn.execute("SELECT id, alert_id, at, draft FROM recurrence WHERE group_id = ? "
                        "ORDER BY id DESC LIMIT ?", (group.id, count)).fetchall()
    return [Recurrence(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None)
            for r in reversed(rows)]


def set_sending(conn: sqlite3.Connection, group_id: int, text: str | None,
                count: int | None) -> None:
    conn.execute("UPDATE recurrence_group SET sending = ?, sending_count = ? WHERE id = ?",
                 (text, count, group_id))


def mark_reported(conn: sqlite3.Connection, group_id: int, count: int) -> None:
    """The ticket's comment now says `count`; nothing is in flight any more."""
    conn.execute("UPDATE recurrence_group SET reported = ?, sending = NULL, "
                 "sending_count = NULL WHERE id = ?", (count, group_id))


def split_group(conn: sqlite3.Connection, group: Group, moved: list[Recurrence],
                ended_at: str) -> int:
    """Ends `group` and starts a new one whose first alert is `moved[0]` and whose
    recurrences are the rest of `moved`; returns the new group's id."""
    first, rest = moved[0], moved[1:]
    conn.execute("DELETE FROM recurrence WHERE id = ?", (first.id,))
    new_id = start_group(conn, group.target, group.key, first.alert_id, first.at)
    for item in rest:
        conn.execute("UPDATE recurrence SET group_id = ? WHERE id = ?", (new_id, item.id))
    last = max((r.at for r in rest), default=first.at)
    conn.execute("UPDATE recurrence_group SET recurrences = ?, last_at = ? WHERE id = ?",
                 (len(rest), last, new_id))
    conn.execute("UPDATE recurrence_group SET recurrences = recurrences - ?, ended_at = ?, "
                 "sending = NULL, sending_count = NULL WHERE id = ?",
                 (len(moved), ended_at, group.id))
    return new_id


def shared_ticket_ids(conn: sqlite3.Connection, alert_id: str) -> list[int]:
    """The tickets the alert is linked to as a recurrence: its groups' first alerts'."""
    rows = conn.execute(
        "SELECT t.id FROM recurrence r JOIN recurrence_group g ON g.id = r.group_id "
        "JOIN ticket t ON t.alert_id = g.alert_id AND t.target = g.target "
        "WHERE r.alert_id = ? ORDER BY t.id", (alert_id,)).fetchall()
    return [int(r[0]) for r in rows]
