"""What a client reads before it works: serverInfo, the field list, projects, resolutions
and the deprecated `issue/createmeta?projectKeys=` call. Third-party clients (pycontribs
`jira`) read serverInfo to decide Cloud or Data Center and the field list to search."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .render import base, error, list_param, resolution_json
from .routes_issues import _state
from .routes_work import _field_metas
from .state import ISSUE_TYPES, RESOLUTIONS, JiraState, Project, jira_time, now
from .validate import version

# Cloud reports one rolling version; Data Center its release (the reference spec's 10.3.24).
# Data Center answers deploymentType "Server" as Server did; clients test only for "Cloud".
_BUILDS = {"cloud": ("1001.0.0-SNAPSHOT", [1001, 0, 0], 100284, "Cloud"),
           "datacenter": ("10.3.24", [10, 3, 24], 10030024, "Server")}
# Searchable system fields as GET /field lists them (clauseNames drive JQL name lookups).
_FIELDS = [
    ("summary", "Summary", {"type": "string", "system": "summary"}),
    ("description", "Description", {"type": "string", "system": "description"}),
    ("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}),
    ("project", "Project", {"type": "project", "system": "project"}),
    ("status", "Status", {"type": "status", "system": "status"}),
    ("priority", "Priority", {"type": "priority", "system": "priority"}),
    ("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    ("assignee", "Assignee", {"type": "user", "system": "assignee"}),
    ("reporter", "Reporter", {"type": "user", "system": "reporter"}),
    ("resolution", "Resolution", {"type": "resolution", "system": "resolution"}),
    ("resolutiondate", "Resolved", {"type": "datetime", "system": "resolutiondate"}),
    ("created", "Created", {"type": "datetime", "system": "created"}),
    ("updated", "Updated", {"type": "datetime", "system": "updated"}),
    ("duedate", "Due Date", {"type": "date", "system": "duedate"}),
    ("attachment", "Attachment", {"type": "array", "items": "attachment",
                                  "system": "attachment"}),
    ("comment", "Comment", {"type": "comments-page", "system": "comment"}),
]
_CLAUSES = {"issuetype": ["issuetype", "type"], "resolutiondate": ["resolutiondate", "resolved"],
            "comment": ["comment"], "status": ["status"]}


async def server_info(request: Request) -> Response:
    """GET /serverInfo: the version and deployment type clients branch on."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    name, numbers, build, deployment = _BUILDS[request.scope["jira_deployment"]]
    return JSONResponse({"baseUrl": base(request), "displayUrl": base(request),
                         "version": name, "versionNumbers": numbers,
                         "deploymentType": deployment, "buildNumber": build,
                         "buildDate": "2025-11-03T00:00:00.000+0000",
                         "serverTime": jira_time(now()), "serverTimeZone": "Etc/UTC",
                         "scmInfo": "5a1f3c0e9b7d2a64c8e0f1b2d3c4a5e6f7081920",
                         "serverTitle": "Jira", "defaultLocale": {"locale": "en_US"}})


async def fields(request: Request) -> Response:
    """GET /field: every field with its clause names, as a bare array."""
    if version(request.scope) is None:
        return error(404, ["Not found"])
    out = []
    for fid, name, schema in _FIELDS:
        out.append({"id": fid, "key": fid, "name": name, "custom": False, "orderable": True,
                    "navigable": True, "searchable": True,
                    "clauseNames": _CLAUSES.get(fid, [fid]), "schema": schema})
    return JSONResponse(out)


def _issuetype_json(request: Request, ver: int, it: dict[str, Any]) -> dict[str, Any]:
    return {"self": f"{base(request)}/rest/api/{ver}/issuetype/{it['id']}", "id": it["id"],
            "description": "", "iconUrl": f"{base(request)}/images/icons/issuetypes/task.png",
            "name": it["name"], "subtask": it["subtask"]}


def _project_json(request: Request, ver: int, project: Project) -> dict[str, Any]:
    return {"self": f"{base(request)}/rest/api/{ver}/project/{project.id}", "id": project.id,
            "key": project.key, "name": project.name, "projectTypeKey": "software"}


async def project(request: Request) -> Response:
    """GET /project/{idOrKey}: the project with its issue types."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    found = _find_project(_state(request), request.path_params["project"])
    if found is None:
        return error(404, ["No project could be found with key "
                           f"'{request.path_params['project']}'."])
    body = _project_json(request, ver, found)
    body["issueTypes"] = [_issuetype_json(request, ver, it) for it in ISSUE_TYPES]
    return JSONResponse(body)


async def resolutions(request: Request) -> Response:
    """GET /resolution: the site's resolutions."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    return JSONResponse([resolution_json(request, ver, r) for r in RESOLUTIONS])


def _find_project(state: JiraState, ref: str) -> Project | None:
    return state.projects.get(ref.upper()) or next(
        (p for p in state.projects.values() if p.id == ref), None)


async def createmeta_legacy(request: Request) -> Response:
    """GET /issue/createmeta?projectKeys=...: deprecated on Cloud but still answered there;
    removed in Data Center 9.0, which answers it as a missing issue."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    if request.scope["jira_deployment"] != "cloud":
        return error(404, ["Issue Does Not Exist"])
    state = _state(request)
    keys = {k.upper() for k in list_param(request, "projectKeys") or []}
    ids = set(list_param(request, "projectIds") or [])
    type_ids = set(list_param(request, "issuetypeIds") or [])
    type_names = set(list_param(request, "issuetypeNames") or [])
    with_fields = "projects.issuetypes.fields" in (list_param(request, "expand") or [])
    # Without a filter every project the user may create in is listed.
    projects = [p for p in state.projects.values()
                if (not keys and not ids) or p.key in keys or p.id in ids]
    out = []
    for proj in projects:
        types = []
        for it in ISSUE_TYPES:
            if (type_ids or type_names) and it["id"] not in type_ids \
                    and it["name"] not in type_names:
                continue
            entry = _issuetype_json(request, ver, it)
            if with_fields:
                entry["expand"] = "fields"
                entry["fields"] = {m["fieldId"]: {k: v for k, v in m.items() if k != "fieldId"}
                                   for m in _field_metas(request)}
            types.append(entry)
        out.append({**_project_json(request, ver, proj), "expand": "issuetypes",
                    "issuetypes": types})
    return JSONResponse({"expand": "projects", "projects": out})


A = "/rest/api/{ver:int}"
routes = [
    Route(A + "/serverInfo", server_info, methods=["GET"]),
    Route(A + "/field", fields, methods=["GET"]),
    Route(A + "/project/{project}", project, methods=["GET"]),
    Route(A + "/resolution", resolutions, methods=["GET"]),
    Route(A + "/issue/createmeta", createmeta_legacy, methods=["GET"]),
]
