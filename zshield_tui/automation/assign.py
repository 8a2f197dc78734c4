"""Assignment: an assignee from a rule's `assign` (a name, `oncall:NAME`, `category` or
`asset_owner`), resolved at an instant so on-call answers are reproducible in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from zshield_tui.domain import Alert
from zshield_tui.rules_config import OnCall, RuleThen

from .oncall import on_call


@dataclass(frozen=True)
class Assignment:
    """Who gets the ticket (None: leave it unassigned) and why."""

    assignee: str | None
    reason: str
    oncall: bool = False
    """The assignee came from a rotation, so it depends on the time."""


def resolve(spec: str | None, alert: Alert, oncall: dict[str, OnCall], moment: datetime,
            by_category: dict[str, str] | None = None) -> Assignment:
    """Resolves one `assign` value for `alert` at `moment`."""
    if spec is None:
        return Assignment(None, "no assign in the rule")
    if spec.startswith("oncall:"):
        name = spec.removeprefix("oncall:")
        rotation = oncall.get(name)
        if rotation is None:
            return Assignment(None, f"no on-call rotation {name!r}")
        return Assignment(on_call(rotation, moment), f"on call in {name!r}", oncall=True)
    if spec == "category":
        table = {k.lower(): v for k, v in (by_category or {}).items()}
        chosen = table.get(alert.category.lower())
        if chosen is None:
            return Assignment(None, f"no assignee for category {alert.category!r}")
        # A category may itself point at a rotation.
        inner = resolve(chosen, alert, oncall, moment) if chosen.startswith("oncall:") \
            else Assignment(chosen, "")
        return Assignment(inner.assignee, f"category {alert.category!r}"
                          + (f", {inner.reason}" if inner.reason else ""), inner.oncall)
    if spec == "asset_owner":
        owner = next((a.owner for a in alert.assets if a.owner), None)
        if owner is None:
            return Assignment(None, "no asset with an owner")
        return Assignment(owner, "asset owner")
    return Assignment(spec, "named in the rule")


def assign(then: RuleThen, alert: Alert, oncall: dict[str, OnCall],
           moment: datetime) -> Assignment:
    """The assignee a rule's `then` gives `alert` at `moment`."""
    return resolve(then.assign, alert, oncall, moment, then.assign_by_category)
