"""Turns a rendered draft into Table API columns: severity -> impact/urgency (incident) or
severity (SIR), priority never written, names -> sys_ids for reference fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zshield_tui.connectors.errors import NotFoundError, ValidationError
from zshield_tui.connectors.servicenow.api import ServiceNowApi
from zshield_tui.connectors.servicenow.journal import query_value

SYS_ID = re.compile(r"^[0-9a-f]{32}$")
# Alert severity -> (impact, urgency); the instance's lookup rules make the priority (B5.3).
IMPACT_URGENCY = {"critical": ("1", "1"), "high": ("1", "2"), "medium": ("2", "2"),
                  "low": ("2", "3"), "informational": ("3", "3"), "info": ("3", "3")}
SIR_SEVERITY = {"critical": "1", "high": "1", "medium": "2", "low": "3",
                "informational": "3", "info": "3"}
USER_FIELDS = ("caller_id", "assigned_to", "affected_user", "opened_by")
GROUP_FIELDS = ("assignment_group",)


def is_sys_id(text: str) -> bool:
    return bool(SYS_ID.match(text or ""))


def map_severity(table: str, body: dict[str, Any]) -> dict[str, Any]:
    """Severity in the draft (an alert severity name or 1-3) becomes what the table takes."""
    out = dict(body)
    out.pop("priority", None)       # computed by the instance; writing it is ignored or wrong
    severity = out.get("severity")
    if severity is None:
        return out
    text = str(severity).strip().lower()
    if table == "sn_si_incident":
        out["severity"] = SIR_SEVERITY.get(text, text)
        return out
    out.pop("severity")
    impact, urgency = IMPACT_URGENCY.get(text, (text, text) if text in ("1", "2", "3")
                                         else ("", ""))
    if not impact:
        raise ValidationError(f"severity {severity!r} is not a known severity",
                              fields={"severity": "use critical, high, medium, low, "
                                                  "informational or 1-3"})
    out.setdefault("impact", impact)
    out.setdefault("urgency", urgency)
    return out


class References:
    """Resolves user and group names to sys_ids, caching each answer."""

    def __init__(self, api: ServiceNowApi) -> None:
        self.api = api
        self._cache: dict[tuple[str, str], str] = {}

    async def user(self, who: str) -> str:
        """user_name, email or full name -> sys_user sys_id."""
        if is_sys_id(who):
            return who
        key = ("sys_user", who.lower())
        if key not in self._cache:
            value = query_value(who)
            rows = await self.api.list(
                "sys_user", f"user_name={value}^ORemail={value}^ORname={value}",
                fields=["sys_id", "user_name", "email", "name"], limit=5)
            rows = [r for r in rows if who.lower() in (str(r.get("user_name", "")).lower(),
                                                       str(r.get("email", "")).lower(),
                                                       str(r.get("name", "")).lower())]
            exact = [r for r in rows if r.get("user_name") == who] or rows
            if len(exact) != 1:
                problem = "no sys_user" if not exact else "several sys_user rows"
                raise NotFoundError(f"{problem} with user_name, email or name {who!r}",
                                    target=self.api.target)
            self._cache[key] = exact[0]["sys_id"]
        return self._cache[key]

    async def group(self, name: str) -> str:
        """sys_user_group name -> sys_id."""
        if is_sys_id(name):
            return name
        key = ("sys_user_group", name.lower())
        if key not in self._cache:
            rows = await self.api.list("sys_user_group", f"name={query_value(name)}",
                                       fields=["sys_id", "name"], limit=5)
            rows = [r for r in rows if r.get("name") == name]
            if len(rows) != 1:
                problem = "no sys_user_group" if not rows else "several sys_user_group rows"
                raise NotFoundError(f"{problem} named {name!r}", target=self.api.target)
            self._cache[key] = rows[0]["sys_id"]
        return self._cache[key]

    async def resolve(self, body: dict[str, Any]) -> dict[str, Any]:
        """Replaces names in reference fields with sys_ids; every failure is reported."""
        out, problems = dict(body), {}
        for name in (*USER_FIELDS, *GROUP_FIELDS):
            value = out.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            try:
                out[name] = await (self.group(value) if name in GROUP_FIELDS
                                   else self.user(value))
            except NotFoundError as exc:
                problems[name] = str(exc).removeprefix(f"{self.api.target}: ")
        if problems:
            raise ValidationError("; ".join(f"{k}: {v}" for k, v in problems.items()),
                                  fields=problems, target=self.api.target)
        return out


def raised_levels(fields: Mapping[str, Any], table: str) -> dict[str, Any]:
    """ServiceNow computes priority from impact x urgency (1 High .. 3 Low): both go one
    step toward 1, never past it. On a security incident the severity calculators derive
    priority from `severity` (1-3) instead, so it goes one step up as well."""
    names = ("impact", "urgency", "severity") if table == "sn_si_incident" \
        else ("impact", "urgency")
    out = {}
    for name in names:
        value = fields.get(name)
        if isinstance(value, dict):   # a reference-style {value, display_value}
            value = value.get("value")
        text = str(value or "").strip()
        if text.isdigit() and int(text) > 1:
            out[name] = str(int(text) - 1)
    return out


def configuration_item(fields: Mapping[str, Any]) -> str | None:
    """The CI's name from a record's cmdb_ci: its display value when read with one, else
    the value."""
    ci = fields.get("cmdb_ci")
    if isinstance(ci, dict):
        ci = ci.get("display_value") or ci.get("value")
    return str(ci) if ci else None
