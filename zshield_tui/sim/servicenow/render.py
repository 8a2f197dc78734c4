"""How a row goes on the wire: every value a string, references as `{link, value}` (or ""
when empty, or a bare sys_id with sysparm_exclude_reference_link), display values on request."""

from __future__ import annotations

from typing import Any

from .schema import CHOICES, DISPLAY_COLUMN, JOURNAL_FIELDS, REFERENCES, columns_of
from .state import SimState


def render(state: SimState, table: str, row: dict[str, str], *, fields: list[str] | None,
           display: str, exclude_links: bool, base_url: str) -> dict[str, Any]:
    """The JSON object for one row under the sysparm_* options of the request."""
    base = row.get("sys_class_name") if table == "task" else table
    names = fields or list(columns_of(table))
    out: dict[str, Any] = {}
    for name in names:
        out[name] = _field(state, base or table, row, name, display, exclude_links, base_url)
    return out


def _field(state: SimState, table: str, row: dict[str, str], name: str, display: str,
           exclude_links: bool, base_url: str) -> Any:
    if "." in name:
        head, rest = name.split(".", 1)
        target_table = REFERENCES.get(head)
        target = state.find(target_table, row.get(head, "")) if target_table else None
        if target is None:
            return ""
        return _field(state, target_table or "", target, rest, display, True, base_url)
    if name not in row and name not in JOURNAL_FIELDS:
        return ""
    value = row.get(name, "")
    if name in JOURNAL_FIELDS and name in columns_of(table):
        shown = journal_display(state, row["sys_id"], name)
        return _pack("", shown, None, display)
    if name in REFERENCES:
        target_table = REFERENCES[name]
        if not value:
            return ""
        target = state.find(target_table, value)
        link = None if exclude_links else f"{base_url}/api/now/table/{target_table}/{value}"
        shown = target.get(DISPLAY_COLUMN.get(target_table, "sys_id"), "") if target else ""
        if display == "false":
            return value if link is None else {"link": link, "value": value}
        if display == "true":
            return shown if link is None else {"display_value": shown, "link": link}
        packed = {"display_value": shown, "value": value}
        if link:
            packed["link"] = link
        return packed
    label = CHOICES.get((table, name), {}).get(value, value)
    return _pack(value, label, None, display)


def _pack(value: str, shown: str, link: str | None, display: str) -> Any:
    if display == "false":
        return value
    if display == "true":
        return shown
    return {"display_value": shown, "value": value}


def journal_display(state: SimState, sys_id: str, element: str) -> str:
    """The whole history of one journal field, newest first, as the record shows it."""
    parts = []
    for entry in reversed(state.journal_of(sys_id)):
        if entry["element"] != element:
            continue
        user = state.user(entry["sys_created_by"])
        who = user["name"] if user else entry["sys_created_by"]
        parts.append(f"{entry['sys_created_on']} - {who} ({JOURNAL_FIELDS[element]})\n"
                     f"{entry['value']}\n\n")
    return "".join(parts)
