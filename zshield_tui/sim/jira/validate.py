"""Field validation for create and edit, with Jira's messages keyed by field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .adfcheck import adf_problem, adf_text
from .fields import COMPONENTS, OPTION_VALUES, SCHEMAS, VERSIONS, component, option, version_bean
from .state import ISSUE_TYPES, PRIORITIES, JiraState, Project

SETTABLE = set(SCHEMAS)
# Checked by check_fields itself; the rest by their schema (_by_schema).
_SYSTEM = {"project", "issuetype", "summary", "description", "priority", "labels", "assignee"}


def version(request_scope: dict[str, Any]) -> int | None:
    """The REST version of the request, or None when the deployment has no such API."""
    ver = int(request_scope["path_params"].get("ver", 0))
    if ver not in (2, 3):
        return None
    if ver == 3 and request_scope["jira_deployment"] == "datacenter":
        return None  # Data Center has no /rest/api/3
    return ver


def rich_value(value: Any, ver: int, name: str, errors: dict[str, str]) -> str | None:
    """The text of a rich-text value; ADF required on v3, a string on v2."""
    if value is None:
        return None
    if ver == 3:
        problem = adf_problem(value)
        if problem:
            errors[name] = problem
            return None
        return adf_text(value)
    if not isinstance(value, str):
        errors[name] = "Operation value must be a string"
        return None
    return value


def check_fields(state: JiraState, raw: dict[str, Any], ver: int, deployment: str,
                 *, creating: bool, project: Project | None = None
                 ) -> tuple[dict[str, Any], dict[str, str], Project | None, dict | None]:
    """(clean fields, errors, project, issuetype)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    issuetype = None
    for name in raw:
        if name not in SETTABLE:
            errors[name] = (f"Field '{name}' cannot be set. It is not on the appropriate "
                            "screen, or unknown.")
    if creating:
        ref = raw.get("project") or {}
        key = ref.get("key") if isinstance(ref, dict) else None
        pid = ref.get("id") if isinstance(ref, dict) else None
        project = state.projects.get(str(key).upper()) if key else next(
            (p for p in state.projects.values() if p.id == pid), None)
        if project is None:
            errors["project"] = "valid project is required"
        it = raw.get("issuetype") or {}
        issuetype = next((t for t in ISSUE_TYPES if isinstance(it, dict) and
                          (t["id"] == it.get("id") or t["name"] == it.get("name"))), None)
        if issuetype is None:
            errors["issuetype"] = "valid issue type is required"
        if not raw.get("summary"):
            errors["summary"] = "You must specify a summary of the issue."
    if "summary" in raw and raw["summary"]:
        if not isinstance(raw["summary"], str):
            errors["summary"] = "Operation value must be a string"
        elif len(raw["summary"]) > 255:
            errors["summary"] = "Summary must be less than 255 characters."
        elif "\n" in raw["summary"]:
            errors["summary"] = "The summary is invalid because it contains newline characters."
        else:
            clean["summary"] = raw["summary"]
    if "description" in raw:
        clean["description"] = rich_value(raw["description"], ver, "description", errors)
    if raw.get("priority") is not None:
        ref = raw["priority"]
        prio = next((p for p in PRIORITIES if isinstance(ref, dict) and
                     (p["id"] == ref.get("id") or p["name"] == ref.get("name"))), None)
        if prio is None:
            errors["priority"] = "Specify a valid value for priority"
        clean["priority"] = prio
    if "labels" in raw:
        labels = raw["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            errors["labels"] = "Operation value must be an array of strings"
        else:
            for label in labels:
                if any(c.isspace() for c in label):
                    errors["labels"] = f"The label '{label}' contains spaces which is invalid."
                elif len(label) > 255:
                    errors["labels"] = "The label must not exceed 255 characters."
            clean["labels"] = labels
    if "assignee" in raw:
        clean["assignee"] = _assignee(state, raw["assignee"], deployment, errors)
    for name in raw.keys() & SETTABLE - _SYSTEM:
        value = _by_schema(state, name, raw[name], ver, deployment, errors)
        if name not in errors:
            clean[name] = value
    return clean, errors, project, issuetype


def _by_schema(state: JiraState, name: str, value: Any, ver: int, deployment: str,
               errors: dict[str, str]) -> Any:
    """A custom or multi-valued system field checked as Jira checks its type; the value
    stored as GET issue shows it. Messages are Jira's own, keyed by the field id."""
    if value is None:
        return None
    schema = SCHEMAS[name][1]
    kind, items = schema["type"], schema.get("items")
    if kind == "array":
        if not isinstance(value, list):
            errors[name] = "data was not an array"
            return None
        out = [_one(state, name, items, v, ver, deployment, errors) for v in value]
        return None if name in errors else out
    return _one(state, name, kind, value, ver, deployment, errors)


def _one(state: JiraState, name: str, kind: str, value: Any, ver: int, deployment: str,
         errors: dict[str, str]) -> Any:
    if kind == "option":
        return _choice(name, value, OPTION_VALUES.get(name, []), "value", "Option",
                       lambda v: option(name, v), errors)
    if kind == "component":
        return _choice(name, value, COMPONENTS, "name", "Component", component, errors)
    if kind == "version":
        return _choice(name, value, VERSIONS, "name", "Version", version_bean, errors)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors[name] = "Operation value must be a number"
        return value
    if kind in {"date", "datetime"}:
        if not isinstance(value, str) or not _parses(value, kind):
            errors[name] = f"Error parsing date string: {value}"
        return value
    if kind == "user":
        return _assignee(state, value, deployment, errors, name)
    custom = SCHEMAS[name][1].get("custom", "")
    if kind == "string" and custom.endswith(":textarea"):
        return rich_value(value, ver, name, errors)
    if kind == "string":
        if not isinstance(value, str):
            errors[name] = "Operation value must be a string"
        elif custom.endswith(":labels") and any(c.isspace() for c in value):
            errors[name] = f"The label '{value}' contains spaces which is invalid."
        return value
    return value


def _choice(name: str, ref: Any, allowed: list[str], by: str, what: str, make: Any,
            errors: dict[str, str]) -> Any:
    """An option (by value) or a component / version (by name), or any of them by id."""
    if not isinstance(ref, dict) or not ({"id", by} & ref.keys()):
        errors[name] = (f"Could not find valid 'id' or '{by}' in the Parent Option object."
                        if what == "Option" else "expected Object containing a 'name' property")
        return None
    if by in ref:
        if ref[by] not in allowed:
            errors[name] = f"{what} {by} '{ref[by]}' is not valid"
            return None
        return make(ref[by])
    match = next((v for v in allowed if make(v)["id"] == str(ref["id"])), None)
    if match is None:
        errors[name] = f"{what} id '{ref['id']}' is not valid"
        return None
    return make(match)


def _parses(text: str, kind: str) -> bool:
    """Jira's formats: `2026-11-24` for a date, `2026-11-24T10:00:00.000+0000` for a
    date-time."""
    try:
        if kind == "date":
            date.fromisoformat(text)
            return len(text) == 10
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
        return True
    except ValueError:
        return False


def _assignee(state: JiraState, ref: Any, deployment: str, errors: dict[str, str],
              field: str = "assignee"):
    if ref is None:
        return None
    if not isinstance(ref, dict):
        errors[field] = "expected Object"
        return None
    if deployment == "cloud":
        if "name" in ref and "accountId" not in ref:
            # Cloud removed usernames (GDPR): only accountId identifies a user.
            errors[field] = "'accountId' must be the only user identifying query parameter"
            return None
        user = state.find_user(account_id=ref.get("accountId") or ref.get("id"))
    else:
        user = state.find_user(name=ref.get("name"))
    if user is None:
        errors[field] = "Specified user does not exist or you do not have required " \
                        "permissions"
    return user
