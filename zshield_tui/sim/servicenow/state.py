"""The instance's data: tables in memory, the business rules zshield meets (numbering,
computed priority, data policies on resolve, journal entries, SLA clocks), a movable clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from zshield_tui.demodata.pools import HOST_GROUPS

from .schema import (
    CLASS_TABLES,
    COLUMNS,
    JOURNAL_FIELDS,
    PRIORITY_LOOKUP,
    SLA_HOURS,
    columns_of,
)

FMT = "%Y-%m-%d %H:%M:%S"
TASK_TABLES = ("incident", "sn_si_incident")
PREFIX = {"incident": "INC", "sn_si_incident": "SIR"}


class SimClock:
    """Wall time plus an offset tests move forward; or a fixed start when given."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start
        self._offset = 0.0

    def now(self) -> datetime:
        base = self._start or datetime.now(UTC)
        return (base + timedelta(seconds=self._offset)).replace(microsecond=0)

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    def timestamp(self) -> float:
        return self.now().timestamp()


class PolicyError(Exception):
    """A data policy refused the write (403 on the wire)."""


# FMT's layout by isoformat and fromisoformat: several times cheaper than strftime and
# strptime, and the simulator formats a handful of times per write (SLA clocks included).
def fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(" ", "seconds")[:19]


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def as_duration(seconds: float) -> str:
    """ServiceNow's epoch-based duration string: 90 s -> 1970-01-01 00:01:30."""
    return fmt(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=max(0, int(seconds))))


@dataclass
class SimState:
    clock: SimClock = field(default_factory=SimClock)
    tables: dict[str, dict[str, dict[str, str]]] = field(
        default_factory=lambda: {name: {} for name in COLUMNS})
    passwords: dict[str, str] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: {"incident": 10000,
                                                              "sn_si_incident": 10000})
    new_id: Callable[[], str] = field(default=lambda: uuid.uuid4().hex)
    # task sys_id -> its task_sla rows (the same dicts): a write to one task must not scan
    # every SLA of the instance, or a bulk close of n tickets costs n^2.
    slas_by_task: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # Every change of a task's state, (sys_id, from, to) in order: what sys_audit would
    # show, so a test can tell a record resolved once from one resolved twice.
    state_changes: list[tuple[str, str, str]] = field(default_factory=list)

    # -- reading ------------------------------------------------------------------------
    def rows(self, table: str) -> list[dict[str, str]]:
        """The rows of a table; class tables are filtered views of their parent."""
        if table == "task":
            return [r for t in TASK_TABLES for r in self.tables[t].values()]
        if table in CLASS_TABLES:
            parent, classes = CLASS_TABLES[table]
            return [r for r in self.tables[parent].values() if r.get("sys_class_name") in classes]
        if table == "task_sla":
            self.refresh_slas()
        return list(self.tables[table].values())

    def find(self, table: str, sys_id: str) -> dict[str, str] | None:
        if table == "task":
            return next((self.tables[t][sys_id] for t in TASK_TABLES
                         if sys_id in self.tables[t]), None)
        if table in CLASS_TABLES:
            row = self.tables[CLASS_TABLES[table][0]].get(sys_id)
            return row if row and row in self.rows(table) else None
        if table == "task_sla":
            self.refresh_slas()
        return self.tables[table].get(sys_id)

    def user(self, user_name: str) -> dict[str, str] | None:
        return next((u for u in self.tables["sys_user"].values()
                     if u["user_name"] == user_name), None)

    # -- writing ------------------------------------------------------------------------
    def insert(self, table: str, values: dict[str, Any], user: str = "system") -> dict[str, str]:
        """Inserts a row as the Table API would, running the business rules."""
        base = CLASS_TABLES.get(table, (table, ()))[0]
        now = fmt(self.clock.now())
        row = {c: "" for c in COLUMNS[base]}
        row.update(sys_id=self.new_id(), sys_created_on=now, sys_updated_on=now)
        if "sys_created_by" in row:
            row["sys_created_by"] = user
        if "sys_mod_count" in row:
            row["sys_mod_count"] = "0"
        if "sys_class_name" in row:
            row["sys_class_name"] = table
        if base in TASK_TABLES:
            self.counters[base] += 1
            row.update(number=f"{PREFIX[base]}{self.counters[base]:07d}", active="true",
                       opened_at=now, impact="3", urgency="3", severity="3",
                       state="1" if base == "incident" else "10", sys_updated_by=user)
            opener = self.user(user)
            row["opened_by"] = opener["sys_id"] if opener else ""
        journal = self._assign(base, row, values)
        if base in TASK_TABLES:
            self._task_rules(base, row, {}, user)
        self.tables[base][row["sys_id"]] = row
        if base == "task_sla":
            self.slas_by_task.setdefault(row["task"], []).append(row)
        for element, text in journal:
            self.add_journal(base, row["sys_id"], element, text, user)
        if base in TASK_TABLES:
            self._start_sla(row)
        return row

    def update(self, table: str, sys_id: str, values: dict[str, Any],
               user: str = "system") -> dict[str, str] | None:
        """PATCH semantics; raises PolicyError (nothing changed) when a data policy fails."""
        row = self.find(table, sys_id)
        if row is None:
            return None
        base = self._storage(table, row)
        before = dict(row)
        candidate = dict(row)
        journal = self._assign(base, candidate, values)
        if base in TASK_TABLES:
            self._task_rules(base, candidate, before, user)
        row.update(candidate)
        if "sys_mod_count" in row:
            row["sys_mod_count"] = str(int(row["sys_mod_count"] or "0") + 1)
            row["sys_updated_on"] = fmt(self.clock.now())
            row["sys_updated_by"] = user
        for element, text in journal:
            self.add_journal(base, sys_id, element, text, user)
        if base in TASK_TABLES:
            self._update_sla(row)
            if before["state"] != row["state"]:
                self.state_changes.append((sys_id, before["state"], row["state"]))
                if base == "incident" and row["state"] == "6":
                    self._resolve_children(row, user)
        return row

    def _resolve_children(self, parent: dict[str, str], user: str) -> None:
        """The platform's parent/child rule on `incident`: a resolved parent resolves its
        children still open, copying its resolution code and notes; it closes none."""
        for child in list(self.tables["incident"].values()):
            if child["parent_incident"] == parent["sys_id"] and \
                    child["state"] not in ("6", "7", "8"):
                self.update("incident", child["sys_id"], {
                    "state": "6", "close_code": parent["close_code"],
                    "close_notes": parent["close_notes"]}, user)

    def delete(self, table: str, sys_id: str) -> bool:
        row = self.find(table, sys_id)
        if row is None:
            return False
        del self.tables[self._storage(table, row)][sys_id]
        if table == "task_sla" and row in self.slas_by_task.get(row["task"], []):
            self.slas_by_task[row["task"]].remove(row)
        return True

    @staticmethod
    def _storage(table: str, row: dict[str, str]) -> str:
        if table == "task":
            return row["sys_class_name"]
        return CLASS_TABLES.get(table, (table, ()))[0]

    def add_journal(self, table: str, sys_id: str, element: str, text: str,
                    user: str) -> dict[str, str]:
        """One journal entry, as writing work_notes/comments on a record makes."""
        row = {"sys_id": self.new_id(), "element": element, "element_id": sys_id,
               "name": table, "value": text, "sys_created_on": fmt(self.clock.now()),
               "sys_created_by": user}
        self.tables["sys_journal_field"][row["sys_id"]] = row
        return row

    def journal_of(self, sys_id: str) -> list[dict[str, str]]:
        rows = [j for j in self.tables["sys_journal_field"].values() if j["element_id"] == sys_id]
        return sorted(rows, key=lambda j: j["sys_created_on"])

    def _assign(self, table: str, row: dict[str, str],
                values: dict[str, Any]) -> list[tuple[str, str]]:
        """Copies known columns as strings; unknown ones are ignored, as on a real instance."""
        journal = []
        columns = columns_of(table)
        for name, value in values.items():
            if name in ("sys_id", "number", "sys_created_on", "sys_updated_on", "sys_mod_count",
                        "sys_created_by", "sys_class_name") or name not in columns:
                continue
            text = "" if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)
            if name in JOURNAL_FIELDS:
                if text.strip():
                    journal.append((name, text))
                continue
            row[name] = text
        return journal

    def _task_rules(self, table: str, row: dict[str, str], before: dict[str, str],
                    user: str) -> None:
        if table == "incident":
            try:
                row["priority"] = PRIORITY_LOOKUP[(int(row["impact"]), int(row["urgency"]))]
            except (KeyError, ValueError):
                row["priority"] = "5"
            row["incident_state"] = row["state"]
            resolving, closed = ("6", "7"), ("7", "8")
            if row["state"] == "3" and not row["hold_reason"]:
                raise PolicyError("On hold reason")
        else:
            row["priority"] = {"1": "2", "2": "3"}.get(row["severity"], "4")
            row["risk_score"] = {"1": "80", "2": "50"}.get(row["severity"], "20")
            resolving, closed = ("3",), ("3", "7")
        if row["state"] in resolving:
            missing = [label for name, label in (("close_code", "Resolution code"),
                                                 ("close_notes", "Resolution notes"))
                       if not row[name].strip()]
            if missing:
                raise PolicyError(", ".join(missing))
        now, who = fmt(self.clock.now()), self.user(user)
        if row["state"] in ("6",) + (("3",) if table == "sn_si_incident" else ()) \
                and before.get("state") != row["state"] and "resolved_at" in row:
            row.update(resolved_at=now, resolved_by=who["sys_id"] if who else "")
        if row["state"] in closed:
            row["active"] = "false"
            if before.get("state") != row["state"]:
                row.update(closed_at=now, closed_by=who["sys_id"] if who else "")
        else:
            row["active"] = "true"

    # -- SLA --------------------------------------------------------------------------------
    def _start_sla(self, task: dict[str, str]) -> None:
        definition = next((d for d in self.tables["contract_sla"].values()
                           if d["target"] == task["priority"]), None)
        if definition is None:
            return
        start = parse_time(task["sys_created_on"])
        end = start + timedelta(hours=float(definition["duration"]))
        self.insert("task_sla", {"task": task["sys_id"], "sla": definition["sys_id"],
                                 "stage": "in_progress", "active": "true",
                                 "start_time": fmt(start), "planned_end_time": fmt(end),
                                 "original_breach_time": fmt(end), "has_breached": "false"})

    def _update_sla(self, task: dict[str, str]) -> None:
        done = task["active"] == "false" or task["state"] == "6"
        for sla in self.slas_by_task.get(task["sys_id"], []):
            if sla["active"] == "true" and done:
                self.refresh_slas(task["sys_id"])  # only its clocks: O(1) per close, not O(n)
                cancelled = task["state"] in ("8",) or (task["sys_class_name"] ==
                                                       "sn_si_incident" and task["state"] == "7")
                sla.update(stage="cancelled" if cancelled else "completed", active="false",
                           end_time=fmt(self.clock.now()))

    def refresh_slas(self, task: str | None = None) -> None:
        """Moves every running SLA clock (of one task, if given) to now (the real engine
        does this periodically)."""
        now = self.clock.now()
        rows = self.tables["task_sla"].values() if task is None else \
            self.slas_by_task.get(task, [])
        for sla in rows:
            if sla["active"] != "true":
                continue
            start, end = parse_time(sla["start_time"]), parse_time(sla["planned_end_time"])
            total = max(1.0, (end - start).total_seconds())
            elapsed = (now - start).total_seconds()
            percentage = f"{100.0 * elapsed / total:.2f}"
            left, spent = as_duration((end - now).total_seconds()), as_duration(elapsed)
            sla.update(percentage=percentage, business_percentage=percentage,
                       has_breached="true" if now > end else "false",
                       time_left=left, business_time_left=left,
                       duration=spent, business_duration=spent, sys_updated_on=fmt(now))


def seed(state: SimState) -> None:
    """Users, groups, CIs, SLA definitions and choices a fresh instance has."""
    users = [("admin", "System Administrator", "admin@example.com", "admin"),
             ("zshield.integration", "Zshield Integration", "zshield@example.com", "zshield"),
             ("ana.analyst", "Ana Analyst", "ana@yourorg.com", "analyst"),
             ("bo.admin", "Bo Admin", "bo@yourorg.com", "bo"),
             ("zpoa-shield-service", "zpoa shield service", "zpoa@yourorg.com", "service")]
    ids: dict[str, str] = {}
    for user_name, name, email, password in users:
        row = state.insert("sys_user", {"user_name": user_name, "name": name, "email": email,
                                        "active": "true"})
        ids[user_name] = row["sys_id"]
        state.passwords[user_name] = password
    state.clients["zshield-client"] = "zshield-secret"
    groups = {}
    for name in ("Security Operations", "Service Desk", "Network", "Platform Team"):
        groups[name] = state.insert("sys_user_group", {"name": name, "active": "true"})["sys_id"]
    cis = [("web-01", "10.0.0.5", "cmdb_ci_linux_server", "bo.admin", "Platform Team"),
           ("db-01", "10.0.0.6", "cmdb_ci_win_server", "bo.admin", "Platform Team"),
           ("laptop-ana", "10.0.2.15", "cmdb_ci_computer", "ana.analyst", "Service Desk"),
           ("fw-edge", "10.0.0.1", "cmdb_ci_ip_firewall", "admin", "Network")]
    for name, ip, cls, owner, group in cis:
        state.insert(cls if cls in CLASS_TABLES else "cmdb_ci",
                     {"name": name, "ip_address": ip, "fqdn": f"{name}.corp.example",
                      "owned_by": ids[owner], "support_group": groups[group],
                      "operational_status": "1"})
        state.tables["cmdb_ci"][_last(state, "cmdb_ci")]["sys_class_name"] = cls
    _seed_demo_cis(state, ids["admin"], groups)
    for priority, hours in SLA_HOURS.items():
        state.insert("contract_sla", {"name": f"Priority {priority} resolution ({hours} hour)",
                                      "duration": str(hours), "target": priority,
                                      "table": "task"})
    from .schema import CHOICES
    for (table, element), choices in CHOICES.items():
        for sequence, (value, label) in enumerate(choices.items()):
            state.insert("sys_choice", {"name": table, "element": element, "value": value,
                                        "label": label, "sequence": str(sequence),
                                        "inactive": "false", "language": "en"})


# The demo org's hosts (demodata.pools) by group: the class a real discovery would give them.
_DEMO_CLASSES = {"ws": "cmdb_ci_computer", "winsrv": "cmdb_ci_win_server",
                 "dc": "cmdb_ci_win_server"}
_DEMO_GROUPS = {"network-team": "Network", "it-helpdesk": "Service Desk"}


def _seed_demo_cis(state: SimState, owner: str, groups: dict[str, str]) -> None:
    """A CI for every host the demo alerts name, so `zshield demo` links configuration
    items; a name seeded already (web-01) keeps its one CI, as names must stay unambiguous."""
    seen = {r["name"] for r in state.tables["cmdb_ci"].values()}
    for group, hosts in HOST_GROUPS.items():
        for host in hosts:
            if host.hostname in seen or host.ip is None:
                continue
            seen.add(host.hostname)
            cls = _DEMO_CLASSES.get(group, "cmdb_ci_linux_server")
            state.insert(cls if cls in CLASS_TABLES else "cmdb_ci", {
                "name": host.hostname, "ip_address": host.ip,
                "fqdn": f"{host.hostname}.corp.example", "owned_by": owner,
                "support_group": groups[_DEMO_GROUPS.get(host.owner, "Platform Team")],
                "operational_status": "1"})
            state.tables["cmdb_ci"][_last(state, "cmdb_ci")]["sys_class_name"] = cls


def _last(state: SimState, table: str) -> str:
    return next(reversed(state.tables[table]))
