"""Template filters for ticket fields, with tables the config can override.

The tables map the alert severity scale onto each target's scale. A site that renamed its
Jira priorities or runs different ServiceNow choices overrides them in the config
(`[mapping.filters]`, see `FilterTables`) instead of rewriting every mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SEVERITIES = ("critical", "high", "medium", "low", "informational")


class FilterError(ValueError):
    """A filter was given a value its table does not cover."""


def _table(**entries: str) -> Any:
    return Field(default_factory=lambda: dict(entries))


class FilterTables(BaseModel):
    """Severity -> target value tables; a partial table overrides only the keys it names."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    jira_priority: dict[str, str] = _table(critical="Highest", high="High", medium="Medium",
                                           low="Low", informational="Lowest")
    """Alert severity -> Jira priority name."""
    snow_severity: dict[str, str] = _table(critical="1", high="1", medium="2", low="3",
                                           informational="3")
    """Alert severity -> Security Incident severity (1 High, 2 Medium, 3 Low)."""
    snow_impact: dict[str, str] = _table(critical="1", high="1", medium="2", low="3",
                                         informational="3")
    """Alert severity -> incident impact (1 High, 2 Medium, 3 Low)."""
    snow_urgency: dict[str, str] = _table(critical="1", high="2", medium="2", low="2",
                                          informational="3")
    """Alert severity -> incident urgency; with the impact above, priorities 1 to 5."""

    @field_validator("*", mode="before")
    @classmethod
    def _keys_lower(cls, value: Any) -> Any:
        return {str(k).lower(): v for k, v in value.items()} if isinstance(value, dict) else value


def filter_tables(overrides: dict[str, Any] | None = None) -> FilterTables:
    """The default tables with the config's overrides (`[mapping.filters]`) merged in,
    key by key. Raises FilterError naming the config key on an unknown table or value."""
    defaults = FilterTables()
    if not overrides:
        return defaults
    try:
        given = FilterTables.model_validate(overrides).model_dump(exclude_unset=True)
    except ValidationError as exc:
        problems = "; ".join(
            "mapping.filters." + ".".join(str(p) for p in e["loc"]) + ": "
            + ("unknown table; known: " + ", ".join(FilterTables.model_fields)
               if e["type"] == "extra_forbidden" else e["msg"])
            for e in exc.errors())
        raise FilterError(problems) from None
    merged = {name: getattr(defaults, name) | table for name, table in given.items()}
    return defaults.model_copy(update=merged)


def _lookup(name: str, table: dict[str, str]) -> Callable[[Any], str]:
    def lookup(value: Any) -> str:
        key = str(value).strip().lower()
        try:
            return table[key]
        except KeyError:
            known = ", ".join(table)
            raise FilterError(f"{name}: no entry for {value!r}; the table has {known}") from None

    lookup.__name__ = name
    return lookup


def iso(value: Any) -> str:
    """A date or datetime as ISO 8601; UTC shows as `Z`, which every target parses."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    raise FilterError(f"iso: expected a date or time, got {type(value).__name__}")


def assets_text(assets: Iterable[Any]) -> str:
    """One line per asset: `web-01 / 10.0.0.5 (owner platform-team)`."""
    lines = []
    for asset in assets or ():
        parts = [p for p in (_get(asset, "hostname"), _get(asset, "ip")) if p]
        owner = _get(asset, "owner")
        lines.append(" / ".join(parts) + (f" (owner {owner})" if owner else ""))
    return "\n".join(lines)


def iocs_text(iocs: Iterable[Any]) -> str:
    """One line per indicator: `ip: 203.0.113.7`."""
    return "\n".join(f"{_get(i, 'type')}: {_get(i, 'value')}" for i in iocs or ())


def lines(items: Iterable[Any]) -> str:
    """Any list as text, one item per line (playbook steps, tags)."""
    return "\n".join(str(item) for item in items or ())


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def make_filters(tables: FilterTables | None = None) -> dict[str, Callable[..., Any]]:
    """The filters added to Jinja's built-ins (`default`, `truncate`, `join`, ...)."""
    tables = tables or FilterTables()
    return {
        "jira_priority": _lookup("jira_priority", tables.jira_priority),
        "snow_severity": _lookup("snow_severity", tables.snow_severity),
        "snow_impact": _lookup("snow_impact", tables.snow_impact),
        "snow_urgency": _lookup("snow_urgency", tables.snow_urgency),
        "iso": iso,
        "assets_text": assets_text,
        "iocs_text": iocs_text,
        "lines": lines,
    }


def filter_overrides(config: Any) -> dict[str, Any] | None:
    """The `[mapping.filters]` tables of a loaded config, whether the config models the
    `mapping` section as an object or a plain table; None when it has none."""
    section = getattr(config, "mapping", None)
    if isinstance(section, dict):
        return section.get("filters")
    return getattr(section, "filters", None)
