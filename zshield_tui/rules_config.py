"""The automation part of `config.toml` (DESIGN §3): `[[rules]]`, `[oncall.NAME]`,
`[escalation]`. Pydantic only, so `config.py` can import it without a layer violation.

Cross-references (a rule's target, an `oncall:NAME`) are checked in `config.Config`,
which sees the targets and the rotations together.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SeverityName = Literal["critical", "high", "medium", "low", "informational"]
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `1d`, `45s` as a timedelta; ValueError names the accepted forms."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"duration {text!r} must be a positive number and a unit: "
                         "s, m, h or d (e.g. 30m)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def check_assign(value: str | None) -> str | None:
    """An assignee is an email or user name, `oncall:NAME`, `category` or `asset_owner`."""
    if value is None:
        return None
    if not value.strip():
        raise ValueError("assign must not be empty")
    if value.startswith("oncall:") and not value.removeprefix("oncall:"):
        raise ValueError("assign 'oncall:' needs a rotation name, e.g. oncall:primary")
    return value


class RuleWhen(_Strict):
    """All given conditions must hold; an empty `when` matches every alert."""

    min_severity: SeverityName | None = None
    """The alert's severity is at or above this one."""
    category: str | list[str] | None = None
    """The alert's category is this one (or one of these); case-insensitive."""
    source: str | list[str] | None = None
    """The alert's source is this one (or one of these); case-insensitive."""
    asset_owner: str | list[str] | None = None
    """One of the alert's assets is owned by this owner (or one of these)."""
    tag: str | list[str] | None = None
    """The alert carries this tag (or one of these); case-insensitive."""


class RuleThen(_Strict):
    target: str
    """The target that receives the ticket: a `[[targets]]` name."""
    project: str | None = None
    """Jira: the project key the ticket goes to (overrides the mapping's project)."""
    group: str | None = None
    """ServiceNow: the assignment group."""
    assign: str | None = None
    """An email or user name, `oncall:NAME`, `category` (see `assign_by_category`) or
    `asset_owner` (the owner of the alert's first asset that has one)."""
    assign_by_category: dict[str, str] = Field(default_factory=dict)
    """Category -> assignee, used when `assign = "category"`."""

    @field_validator("assign")
    @classmethod
    def _assign(cls, value: str | None) -> str | None:
        return check_assign(value)


class Rule(_Strict):
    name: str = Field(min_length=1)
    """How the audit trail, the rules screen and `zshield rules show` name this rule."""
    when: RuleWhen = Field(default_factory=RuleWhen)
    then: RuleThen


class OnCallOverride(_Strict):
    date: date
    """The local date (in the rotation's time zone) the override covers, from that day's
    handover to the next."""
    member: str
    """Who is on call instead."""


class OnCall(_Strict):
    members: list[str] = Field(min_length=1)
    """In rotation order; the first is on call from `start`."""
    rotation: Literal["daily", "weekly"] = "weekly"
    """How long each member's shift lasts."""
    start: datetime
    """The first handover. Without an offset it is wall-clock time in `timezone`;
    handovers stay at that local time across daylight-saving changes."""
    timezone: str = "UTC"
    """An IANA time zone name, e.g. Europe/Berlin; UTC by default."""
    overrides: list[OnCallOverride] = Field(default_factory=list)
    """Dates on which someone else takes the shift."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            near = sorted(z for z in available_timezones() if z.lower() == value.lower())
            hint = f"; did you mean {near[0]}?" if near else " (IANA name, e.g. Europe/Berlin)"
            raise ValueError(f"unknown time zone {value!r}{hint}") from None
        return value

    @model_validator(mode="after")
    def _unique_dates(self) -> OnCall:
        days = [o.date for o in self.overrides]
        twice = sorted({d.isoformat() for d in days if days.count(d) > 1})
        if twice:
            raise ValueError(f"overrides: more than one override for {', '.join(twice)}")
        return self


class EscalationAction(_Strict):
    raise_priority: bool = False
    """Raise the ticket's priority one step."""
    assign: str | None = None
    """Reassign: an email or user name, or `oncall:NAME`."""
    comment: str | None = None
    """A comment added to the ticket; `{{ age }}` is replaced by how long it waited."""

    @field_validator("assign")
    @classmethod
    def _assign(cls, value: str | None) -> str | None:
        return check_assign(value)


class Escalation(_Strict):
    unacknowledged_after: str = "30m"
    """How long a ticket may stay in the remote "new" state: `30m`, `2h`, `1d`."""
    new_states: list[str] = Field(default_factory=lambda: ["new", "open", "to do"])
    """Remote statuses that count as "new" (case-insensitive)."""
    action: EscalationAction = Field(default_factory=EscalationAction)
    """What escalation does, once per window."""

    @field_validator("unacknowledged_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def window(self) -> timedelta:
        return parse_duration(self.unacknowledged_after)


def oncall_references(rules: list[Rule], escalation: Escalation | None) -> list[tuple[str, str]]:
    """(where, rotation name) for every `oncall:NAME` the rules and escalation use."""
    found = []
    for i, rule in enumerate(rules):
        for where, value in [("then.assign", rule.then.assign),
                             *(("then.assign_by_category", v)
                               for v in rule.then.assign_by_category.values())]:
            if value and value.startswith("oncall:"):
                found.append((f"rules[{i}] ({rule.name}).{where}", value.removeprefix("oncall:")))
    if escalation and escalation.action.assign and escalation.action.assign.startswith("oncall:"):
        found.append(("escalation.action.assign", escalation.action.assign.removeprefix("oncall:")))
    return found
