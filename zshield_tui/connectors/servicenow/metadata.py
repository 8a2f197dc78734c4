"""What a create on `incident` or `sn_si_incident` may hold: the mapping preview checks
a draft against it before anything is sent."""

from __future__ import annotations

from zshield_tui.connectors.base import CreateMetadata, FieldSpec
from zshield_tui.connectors.errors import AuthError, ValidationError
from zshield_tui.connectors.servicenow import states
from zshield_tui.connectors.servicenow.api import ServiceNowApi


async def table_metadata(api: ServiceNowApi, table: str) -> CreateMetadata:
    """The fields a record of `table` takes, choice lists read from sys_choice where the
    instance lets us (the documented values otherwise)."""
    try:
        rows = await api.list(
            "sys_choice", f"name={table}^elementINstate,impact,urgency,severity,"
            "close_code,hold_reason,category,subcategory^inactive=false^ORDERBYsequence",
            fields=["element", "value", "label"])
    except (AuthError, ValidationError):
        rows = []   # sys_choice unreadable: the documented values below still hold
    allowed: dict[str, list[str]] = {
        "state": [s.value for s in states.states_of(table)],
        "impact": ["1", "2", "3"], "urgency": ["1", "2", "3"], "severity": ["1", "2", "3"]}
    read: dict[str, list[str]] = {}
    for row in rows:
        if row.get("name", table) == table:
            read.setdefault(str(row.get("element")), []).append(str(row.get("value")))
    allowed.update(read)
    specs = {"short_description": FieldSpec("short_description", True, max_length=160),
             "description": FieldSpec("description", max_length=4000),
             "assignment_group": FieldSpec("assignment_group", type="reference"),
             "caller_id": FieldSpec("caller_id", type="user"),
             "cmdb_ci": FieldSpec("cmdb_ci", type="reference"),
             "category": FieldSpec("category"), "subcategory": FieldSpec("subcategory"),
             "work_notes": FieldSpec("work_notes")}
    levels = ("impact", "urgency") if table == "incident" else ("severity",)
    for name in (*levels, "state"):
        specs[name] = FieldSpec(name, type="option", allowed=tuple(allowed.get(name, ())))
    if table == "sn_si_incident":
        specs["affected_user"] = FieldSpec("affected_user", type="user")
    return CreateMetadata(scope=table, fields=specs)
