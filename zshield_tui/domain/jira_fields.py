"""The shape of a Jira field value, decided by the field's schema in the create metadata.

A mapping renders text (or lists of text); Jira wants each field in the shape its schema
names: a select as `{"value": ...}`, components as `[{"name": ...}]`, a number as a
number, a date as `YYYY-MM-DD`. The rules live here, below both the mapping layer (the
preview shows the shaped request) and the connector (which sends it), so the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from .metadata import FieldSpec

# System fields whose schema never changes: shaped without fetching create metadata.
# Custom fields (customfield_NNNNN) differ per site and need the metadata.
SYSTEM_FIELDS: dict[str, FieldSpec] = {
    "summary": FieldSpec("summary", type="string"),
    "description": FieldSpec("description", type="string"),
    "environment": FieldSpec("environment", type="string"),
    "priority": FieldSpec("priority", type="priority"),
    "labels": FieldSpec("labels", type="array", items="string"),
    "assignee": FieldSpec("assignee", type="user"),
    "reporter": FieldSpec("reporter", type="user"),
    "duedate": FieldSpec("duedate", type="date"),
    "components": FieldSpec("components", type="array", items="component"),
    "versions": FieldSpec("versions", type="array", items="version"),
    "fixVersions": FieldSpec("fixVersions", type="array", items="version"),
    "security": FieldSpec("security", type="securitylevel"),
    "parent": FieldSpec("parent", type="issuelink"),
}
RICH_SYSTEM = {"description", "environment"}   # ADF on Cloud v3, wiki markup on v2
_TEXTAREA = "com.atlassian.jira.plugin.system.customfieldtypes:textarea"
_LABELS = "com.atlassian.jira.plugin.system.customfieldtypes:labels"
# Objects chosen by name; options (select, radio, checkbox) by value; issues by key.
_BY_NAME = {"priority", "resolution", "securitylevel", "version", "component", "group",
            "issuetype"}
_BY_VALUE = {"option", "option-with-child"}
_BY_KEY = {"issuelink", "project"}


class ShapeError(ValueError):
    """A rendered value that cannot take the shape its field needs (the message says why)."""


def field_spec(key: str, meta: Mapping[str, Any]) -> FieldSpec:
    """A FieldSpec from one createmeta field entry (Cloud `fields`, Data Center `values`,
    or the old per-issue-type map). Required means required without a default: Jira
    fills in a default itself."""
    schema = meta.get("schema") or {}
    allowed: tuple[str, ...] = ()
    if key not in {"project", "issuetype"}:
        allowed = tuple(str(a.get("value", a.get("name", ""))) for a in
                        meta.get("allowedValues") or []
                        if isinstance(a, dict) and ("value" in a or "name" in a))
    return FieldSpec(key, required=bool(meta.get("required"))
                     and not meta.get("hasDefaultValue", False),
                     type=str(schema.get("type", "string")), allowed=allowed,
                     max_length=255 if key == "summary" else None,
                     items=str(schema.get("items", "")), custom=str(schema.get("custom", "")),
                     title=str(meta.get("name", "")))


def is_rich(spec: FieldSpec) -> bool:
    """Rich text: description, environment and multi-line text custom fields."""
    return spec.name in RICH_SYSTEM or spec.custom == _TEXTAREA


def is_user(spec: FieldSpec) -> bool:
    """A user picker (one user, or an array of users): identified by account."""
    return spec.type == "user" or (spec.type == "array" and spec.items == "user")


def is_labels(spec: FieldSpec) -> bool:
    """The labels field, or a labels custom field: Jira refuses spaces in either."""
    return spec.name == "labels" or spec.custom == _LABELS


def spec_for(name: str, specs: Mapping[str, FieldSpec] | None) -> FieldSpec | None:
    """The field's spec from the metadata, else the fixed one of a system field."""
    if specs and name in specs:
        return specs[name]
    return SYSTEM_FIELDS.get(name)


def shape_value(spec: FieldSpec, value: Any) -> Any:
    """`value` (text, a list of text, or a literal) in the shape `spec` asks for. User
    fields stay text: the account they name is looked up by whoever sends (it needs the
    network). Values the mapping wrote as objects pass as written. ShapeError when the
    value cannot take the shape."""
    if _shaped(value):
        return value
    if spec.type == "array":
        items = value if isinstance(value, list) else [value]
        return [_shape_one(spec.items, _canonical(spec, item)) for item in items
                if item not in ("", None)]
    if isinstance(value, list):
        if len(value) != 1:
            raise ShapeError(f"takes one value; the mapping gives {len(value)}")
        value = value[0]
    return _shape_one(spec.type, _canonical(spec, value))


def _shaped(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _canonical(spec: FieldSpec, value: Any) -> Any:
    """An allowed value in the site's own spelling, when it differs only by case."""
    if isinstance(value, str) and spec.allowed:
        folded = value.casefold()
        return next((a for a in spec.allowed if a.casefold() == folded), value)
    return value


def _shape_one(kind: str, value: Any) -> Any:
    if kind in _BY_VALUE:
        return {"value": _text(value)}
    if kind in _BY_NAME:
        return {"name": _text(value)}
    if kind in _BY_KEY:
        return {"key": _text(value)}
    if kind == "number":
        return _number(value)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value)
    if kind in {"string", "user"}:
        return _text(value)
    return value  # any, and types without a rule here: sent as rendered


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ShapeError(f"expects text, got {type(value).__name__}")
    return value if isinstance(value, str) else str(value)


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ShapeError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ShapeError(f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ShapeError(f"{value!r} is not a number")
    return int(number) if number.is_integer() and "." not in str(value) else number


def _when(value: Any, what: str) -> datetime | date:
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ShapeError(f"{value!r} is not {what} (ISO 8601, e.g. 2026-11-24 or "
                         "2026-11-24T10:00:00Z)") from None


def _date(value: Any) -> str:
    """`YYYY-MM-DD`; a date-time counts in UTC (alert times are UTC)."""
    moment = _when(value, "a date")
    if isinstance(moment, datetime):
        moment = _utc(moment).date()
    return moment.isoformat()


def _datetime(value: Any) -> str:
    """Jira's `2026-11-24T10:00:00.000+0000`; a bare date is midnight UTC."""
    moment = _when(value, "a date-time")
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    moment = _utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
