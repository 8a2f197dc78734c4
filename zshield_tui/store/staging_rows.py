"""The staging-first records (schema v10): staging runs and the rules screen's auto-create
switches. In the database, not in a per-user file, so the daemon, other machines and a
team share one answer to "may this target auto-create?" (automation/staging.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .alerts import iso


@dataclass(frozen=True)
class StagingRun:
    """One `zshield rules stage` run of a production target on its staging twin."""

    id: int
    target: str
    twin: str
    fingerprint: str
    ok: bool
    at: str
    actor: str
    tickets: list[dict[str, Any]] = field(default_factory=list)
    """What was created: {alert_id, key, url} each."""
    problems: list[str] = field(default_factory=list)


_COLUMNS = "id, target, twin, fingerprint, ok, at, actor, tickets, problems"


def _run(row: tuple) -> StagingRun:
    return StagingRun(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6],
                      json.loads(row[7]), json.loads(row[8]))


def record_staging_run(conn: Any, target: str, twin: str, fingerprint: str, *, ok: bool,
                       tickets: list[dict[str, Any]], problems: list[str], actor: str,
                       at: datetime) -> int:
    """Adds a run (runs are kept: the latest per fingerprint counts); returns its id."""
    row = conn.execute(
        "INSERT INTO staging_run (target, twin, fingerprint, ok, tickets, problems, actor, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (target, twin, fingerprint, int(ok), json.dumps(tickets), json.dumps(problems),
         actor, iso(at))).fetchone()
    return int(row[0])


def latest_run(conn: Any, target: str, fingerprint: str | None = None) -> StagingRun | None:
    """The target's newest run, or its newest with that fingerprint."""
    sql = f"SELECT {_COLUMNS} FROM staging_run WHERE target = ?"
    params: tuple = (target,)
    if fingerprint is not None:
        sql += " AND fingerprint = ?"
        params += (fingerprint,)
    row = conn.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    return _run(row) if row else None


def auto_create_switches(conn: Any) -> dict[str, bool]:
    """Target -> auto-create as the rules screen last switched it."""
    return {target: bool(enabled) for target, enabled
            in conn.execute("SELECT target, enabled FROM auto_create_switch")}


def set_auto_create_switch(conn: Any, target: str, enabled: bool, *, actor: str,
                           at: datetime, replace: bool = True) -> None:
    """Records the switch; `replace=False` keeps one already recorded (an import)."""
    action = ("DO UPDATE SET enabled = excluded.enabled, actor = excluded.actor, "
              "updated_at = excluded.updated_at") if replace else "DO NOTHING"
    conn.execute("INSERT INTO auto_create_switch (target, enabled, actor, updated_at) "
                 f"VALUES (?, ?, ?, ?) ON CONFLICT (target) {action}",
                 (target, int(enabled), actor, iso(at)))


def newest_at_or_above(conn: Any, min_rank: int, *, limit: int) -> list[str]:
    """Ids of the newest alerts at or above the severity rank, newest first: where a
    staging run looks for alerts the rules would auto-create."""
    return [alert_id for (alert_id,) in conn.execute(
        "SELECT id FROM alert WHERE severity >= ? ORDER BY created_at DESC, seq DESC LIMIT ?",
        (min_rank, limit))]
