"""The simulator's create screen: system fields and a SOC's custom fields, with the schemas,
allowed values and read-back shapes of real Jira (see the createmeta samples in
shared/reference/jira-createmeta-samples)."""

from __future__ import annotations

from typing import Any

from .adfcheck import text_adf
from .state import PRIORITIES, User

CF = "com.atlassian.jira.plugin.system.customfieldtypes:"
OPTION_VALUES = {
    "customfield_10100": ["Malware", "Phishing", "Intrusion", "Data leak", "Policy violation"],
    "customfield_10101": ["EDR", "SIEM", "IDS", "Email gateway", "Cloud"],
    "customfield_10108": ["Isolated", "Not isolated"],
}
COMPONENTS = ["Endpoint", "Network", "Identity", "Cloud"]
VERSIONS = ["2026.11", "2026.12"]
# field id -> (name, schema); the custom ones as a SOC configures them.
SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    "summary": ("Summary", {"type": "string", "system": "summary"}),
    "issuetype": ("Issue Type", {"type": "issuetype", "system": "issuetype"}),
    "project": ("Project", {"type": "project", "system": "project"}),
    "description": ("Description", {"type": "string", "system": "description"}),
    "priority": ("Priority", {"type": "priority", "system": "priority"}),
    "labels": ("Labels", {"type": "array", "items": "string", "system": "labels"}),
    "assignee": ("Assignee", {"type": "user", "system": "assignee"}),
    "duedate": ("Due Date", {"type": "date", "system": "duedate"}),
    "components": ("Components", {"type": "array", "items": "component",
                                  "system": "components"}),
    "versions": ("Affects versions", {"type": "array", "items": "version",
                                      "system": "versions"}),
    "fixVersions": ("Fix versions", {"type": "array", "items": "version",
                                     "system": "fixVersions"}),
    "customfield_10100": ("Incident category", {"type": "option", "custom": CF + "select"}),
    "customfield_10101": ("Detection sources", {"type": "array", "items": "option",
                                                "custom": CF + "multiselect"}),
    "customfield_10102": ("Risk score", {"type": "number", "custom": CF + "float"}),
    "customfield_10103": ("Detected on", {"type": "date", "custom": CF + "datepicker"}),
    "customfield_10104": ("First seen", {"type": "datetime", "custom": CF + "datetime"}),
    "customfield_10105": ("Incident owner", {"type": "user", "custom": CF + "userpicker"}),
    "customfield_10106": ("Observables", {"type": "array", "items": "string",
                                          "custom": CF + "labels"}),
    "customfield_10107": ("Analyst notes", {"type": "string", "custom": CF + "textarea"}),
    "customfield_10108": ("Containment", {"type": "option", "custom": CF + "radiobuttons"}),
}
REQUIRED = {"summary", "issuetype", "project"}
MULTI_OPS = {"labels", "components", "versions", "fixVersions", "customfield_10101",
             "customfield_10106"}


def _custom_id(key: str) -> dict[str, Any]:
    return {"customId": int(key.split("_")[1])} if key.startswith("customfield_") else {}


def option(key: str, value: str) -> dict[str, Any]:
    """A custom field option with its stable id."""
    return {"id": str(10200 + 10 * list(OPTION_VALUES).index(key)
                      + OPTION_VALUES[key].index(value)), "value": value}


def component(name: str) -> dict[str, Any]:
    return {"id": str(10000 + COMPONENTS.index(name)), "name": name}


def version_bean(name: str) -> dict[str, Any]:
    return {"id": str(10000 + VERSIONS.index(name)), "name": name, "archived": False,
            "released": False}


def allowed_values(key: str, base: str) -> list[dict[str, Any]] | None:
    """What createmeta lists as allowedValues, with self links as Jira gives them."""
    if key == "priority":
        return PRIORITIES
    if key in OPTION_VALUES:
        return [{"self": f"{base}/rest/api/2/customFieldOption/{o['id']}", **o}
                for o in (option(key, v) for v in OPTION_VALUES[key])]
    if key == "components":
        return [{"self": f"{base}/rest/api/2/component/{c['id']}", **c}
                for c in map(component, COMPONENTS)]
    if key in {"versions", "fixVersions"}:
        return [{"self": f"{base}/rest/api/2/version/{v['id']}", **v}
                for v in map(version_bean, VERSIONS)]
    return None


def field_metas(base: str) -> list[dict[str, Any]]:
    """The createmeta field entries of every issue type."""
    out = []
    for key, (name, schema) in SCHEMAS.items():
        meta: dict[str, Any] = {
            "fieldId": key, "key": key, "name": name, "required": key in REQUIRED,
            "hasDefaultValue": key == "priority",
            "operations": ["add", "set", "remove"] if key in MULTI_OPS else ["set"],
            "schema": {**schema, **_custom_id(key)}}
        allowed = allowed_values(key, base)
        if allowed is not None:
            meta["allowedValues"] = allowed
        if key == "priority":
            meta["defaultValue"] = PRIORITIES[2]
        out.append(meta)
    return out


# What GET issue returns besides the fields render.py shapes itself.
READ_BACK = ("duedate", "components", "versions", "fixVersions",
             *(k for k in SCHEMAS if k.startswith("customfield_")))


def stored_json(key: str, value: Any, ver: int, deployment: str) -> Any:
    """A custom or multi-valued system field as GET issue answers it."""
    if value is None:
        return [] if SCHEMAS[key][1]["type"] == "array" else None
    if isinstance(value, User):
        return value.render(deployment)
    if SCHEMAS[key][1].get("custom", "").endswith(":textarea"):
        return text_adf(value) if ver == 3 else value
    return value
