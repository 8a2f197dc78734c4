"""Field validation for create and edit, with Jira's messages keyed by field."""

from __future__ import annotations

from typing import Any

from .adfcheck import adf_problem, adf_text
from .state import ISSUE_TYPES, PRIORITIES, JiraState, Project

SETTABLE = {"project", "issuetype", "summary", "description", "priority", "labels",
            "assignee", "duedate"}


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
    if "duedate" in raw:
        clean["duedate"] = raw["duedate"]
    return clean, errors, project, issuetype


def _assignee(state: JiraState, ref: Any, deployment: str, errors: dict[str, str]):
    if ref is None:
        return None
    if not isinstance(ref, dict):
        errors["assignee"] = "expected Object"
        return None
    if deployment == "cloud":
        if "name" in ref and "accountId" not in ref:
            # Cloud removed usernames (GDPR): only accountId identifies a user.
            errors["assignee"] = "'accountId' must be the only user identifying query parameter"
            return None
        user = state.find_user(account_id=ref.get("accountId") or ref.get("id"))
    else:
        user = state.find_user(name=ref.get("name"))
    if user is None:
        errors["assignee"] = "Specified user does not exist or you do not have required " \
                             "permissions"
    return user
