"""/rest/api/{2,3}/issue...: create, bulk create, get, edit, transitions, properties."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .render import base, error, issue_json, list_param, status_json
from .state import RESOLUTIONS, Issue, JiraState, now
from .validate import check_fields, rich_value, version

NOT_FOUND = "Issue does not exist or you do not have permission to see it."
BULK_LIMIT = 50


def _state(request: Request) -> JiraState:
    return request.app.state.jira


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return ...


def _create_one(request: Request, ver: int, body: Any) -> tuple[dict | None, dict]:
    """(created reference, errors body) for one IssueUpdateDetails."""
    state = _state(request)
    if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
        return None, {"errorMessages": ["Issue must contain fields."], "errors": {}}
    clean, errors, project, issuetype = check_fields(
        state, body["fields"], ver, request.scope["jira_deployment"], creating=True)
    properties = body.get("properties") or []
    if not isinstance(properties, list) or not all(
            isinstance(p, dict) and isinstance(p.get("key"), str) and "value" in p
            for p in properties):
        errors["properties"] = "Properties must be a list of {key, value}."
    if errors:
        return None, {"errorMessages": [], "errors": errors}
    assert project is not None and issuetype is not None
    clean.setdefault("priority", {"id": "3", "name": "Medium"})
    issue = state.new_issue(project, issuetype, clean)
    issue.visible_at = request.app.state.clock() + request.app.state.faults.search_lag
    if not request.app.state.faults.ignore_create_properties:
        for prop in properties:
            issue.properties[prop["key"]] = prop["value"]
    return {"id": issue.id, "key": issue.key,
            "self": f"{base(request)}/rest/api/{ver}/issue/{issue.id}"}, {}


async def create_issue(request: Request) -> Response:
    """POST /issue: 201 {id, key, self} or 400 with errors by field."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    body = await _json(request)
    created, problems = _create_one(request, ver, body)
    if created is None:
        return JSONResponse(problems, status_code=400)
    return JSONResponse(created, status_code=201)


async def create_bulk(request: Request) -> Response:
    """POST /issue/bulk: at most 50; 201 if any was created, else 400."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    body = await _json(request)
    updates = body.get("issueUpdates") if isinstance(body, dict) else None
    if not isinstance(updates, list):
        return error(400, ["issueUpdates must be a list."])
    if len(updates) > BULK_LIMIT:
        return error(400, [f"You can't create more than {BULK_LIMIT} issues in one request."])
    issues, failures = [], []
    for index, update in enumerate(updates):
        created, problems = _create_one(request, ver, update)
        if created is None:
            failures.append({"status": 400, "elementErrors": problems,
                             "failedElementNumber": index})
        else:
            issues.append(created)
    # 201 if at least one issue was created, 400 if all failed (same envelope).
    return JSONResponse({"issues": issues, "errors": failures},
                        status_code=201 if issues else 400)


def _issue_or_404(request: Request):
    ver = version(request.scope)
    if ver is None:
        return None, None, error(404, ["Not found"])
    issue = _state(request).find_issue(request.path_params["key"])
    if issue is None:
        return ver, None, error(404, [NOT_FOUND])
    return ver, issue, None


async def get_issue(request: Request) -> Response:
    """GET /issue/{key} with `fields` and `properties`."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    fields = list_param(request, "fields")
    props = list_param(request, "properties")
    return JSONResponse(issue_json(request, _state(request), issue, ver, fields, props))


async def edit_issue(request: Request) -> Response:
    """PUT /issue/{key}: 204; status cannot be set here."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    body = await _json(request)
    if not isinstance(body, dict):
        return error(400, ["Can not deserialize the request body."])
    raw = dict(body.get("fields") or {})
    errors: dict[str, str] = {}
    comments = _apply_update(issue, body.get("update") or {}, raw, ver, errors)
    clean, problems, _, _ = check_fields(_state(request), raw, ver,
                                         request.scope["jira_deployment"], creating=False)
    errors.update(problems)
    if errors:
        return error(400, errors=errors)
    issue.fields.update(clean)
    for text in comments:
        _state(request).add_comment(issue, request.scope["jira_user"], text)
    for prop in body.get("properties") or []:
        issue.properties[prop["key"]] = prop["value"]
    issue.updated = now()
    return Response(status_code=204)


def _apply_update(issue: Issue, update: Any, raw: dict[str, Any], ver: int,
                  errors: dict[str, str]) -> list[str]:
    """Folds the `update` verbs into `raw` fields (labels take add/remove/set, comment takes
    add, other fields set) and returns the comments to add. A field may not be in both."""
    comments: list[str] = []
    if not isinstance(update, dict):
        errors["update"] = "Can not deserialize the update operations."
        return comments
    for name, ops in update.items():
        if name in raw:
            errors[name] = f"Field '{name}' cannot be in both 'fields' and 'update'."
            continue
        if not isinstance(ops, list) or not all(isinstance(o, dict) and len(o) == 1
                                                for o in ops):
            errors[name] = "Operations must be a list of single-verb objects."
            continue
        labels = list(issue.fields.get("labels") or [])
        for op in ops:
            (verb, value), = op.items()
            if name == "comment" and verb == "add" and isinstance(value, dict):
                text = rich_value(value.get("body"), ver, "comment", errors)
                if text:
                    comments.append(text)
            elif name == "labels" and verb in {"add", "remove", "set"}:
                if verb == "set":
                    labels = list(value) if isinstance(value, list) else value
                elif verb == "add" and value not in labels:
                    labels.append(value)
                elif verb == "remove" and value in labels:
                    labels.remove(value)
                raw["labels"] = labels
            elif verb == "set" and name != "comment":
                raw[name] = value
            else:
                errors[name] = f"The operation '{verb}' is not supported for field '{name}'."
    return comments


async def get_transitions(request: Request) -> Response:
    """GET transitions available from the current status."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    out = [{"id": tid, "name": name, "hasScreen": False, "isAvailable": True,
            "isConditional": False, "isGlobal": False, "isInitial": False,
            "to": status_json(target)}
           for tid, name, _, target in _state(request).transitions_for(issue)]
    return JSONResponse({"transitions": out})


async def do_transition(request: Request) -> Response:
    """POST a transition by id: 204, or 400 for one not available now."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    body = await _json(request)
    ref = body.get("transition") if isinstance(body, dict) else None
    tid = str(ref.get("id")) if isinstance(ref, dict) and ref.get("id") is not None else None
    match = next((t for t in _state(request).transitions_for(issue) if t[0] == tid), None)
    if match is None:
        return error(400, [f"Transition id '{tid}' is not valid for this issue."])
    extra = body.get("fields") or {}
    unknown = [k for k in extra if k != "resolution"]
    if unknown:
        return error(400, errors={k: f"Field '{k}' cannot be set. It is not on the "
                                     "appropriate screen, or unknown." for k in unknown})
    resolution = None
    if extra.get("resolution") is not None:
        ref = extra["resolution"]
        resolution = next((r for r in RESOLUTIONS if isinstance(ref, dict) and
                           (r["id"] == ref.get("id") or r["name"] == ref.get("name"))), None)
        if resolution is None:
            return error(400, errors={"resolution": "Specify a valid value for resolution"})
    _state(request).move(issue, match[3], resolution)
    return Response(status_code=204)


async def put_property(request: Request) -> Response:
    """PUT an entity property: 201 created, 200 updated."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    raw = await request.body()
    if len(raw) > 32768:
        return error(400, ["The property value is too long (max 32768 characters)."])
    value = await _json(request)
    if value is ... or value is None:
        return error(400, ["The property value must be a valid, non-empty JSON."])
    key = request.path_params["prop"]
    existed = key in issue.properties
    issue.properties[key] = value
    return Response(status_code=200 if existed else 201)


async def get_property(request: Request) -> Response:
    """GET an entity property: {key, value} or 404."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    key = request.path_params["prop"]
    if key not in issue.properties:
        return error(404, [f"The property with key '{key}' does not exist."])
    return JSONResponse({"key": key, "value": issue.properties[key]})


P = "/rest/api/{ver:int}/issue"
routes = [
    Route(P, create_issue, methods=["POST"]),
    Route(P + "/bulk", create_bulk, methods=["POST"]),
    Route(P + "/{key}", get_issue, methods=["GET"]),
    Route(P + "/{key}", edit_issue, methods=["PUT"]),
    Route(P + "/{key}/transitions", get_transitions, methods=["GET"]),
    Route(P + "/{key}/transitions", do_transition, methods=["POST"]),
    Route(P + "/{key}/properties/{prop}", put_property, methods=["PUT"]),
    Route(P + "/{key}/properties/{prop}", get_property, methods=["GET"]),
]
