"""/rest/api/{2,3}/issueLinkType and /issueLink: link types, and links between issues.

As on a real site: a link is made with `type` (name or id), `inwardIssue` and
`outwardIssue` (key or id) and answers 201 with no body; making a link that exists already
adds none; the issues show their links in `fields.issuelinks`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .render import base, error, status_json
from .routes_issues import _json, _state
from .state import LINK_TYPES, Issue, IssueLink, JiraState
from .validate import version


def link_type_json(request: Request, ver: int, kind: dict[str, str]) -> dict[str, Any]:
    return {**kind, "self": f"{base(request)}/rest/api/{ver}/issueLinkType/{kind['id']}"}


def _linked_issue(request: Request, ver: int, issue: Issue) -> dict[str, Any]:
    """The other end of a link, with the few fields Jira includes."""
    return {"id": issue.id, "key": issue.key,
            "self": f"{base(request)}/rest/api/{ver}/issue/{issue.id}",
            "fields": {"summary": issue.fields.get("summary"),
                       "status": status_json(issue.status),
                       "priority": issue.fields.get("priority"),
                       "issuetype": issue.issuetype}}


def issue_links_json(request: Request, state: JiraState, issue: Issue, ver: int
                     ) -> list[dict[str, Any]]:
    """`fields.issuelinks` of an issue: each link with the issue at its other end, under
    the side that issue is on."""
    out = []
    for link in state.links.values():
        if issue.key not in (link.inward, link.outward):
            continue
        side, other = ("outwardIssue", link.outward) if link.inward == issue.key \
            else ("inwardIssue", link.inward)
        found = state.find_issue(other)
        if found is None:
            continue
        out.append({"id": link.id,
                    "self": f"{base(request)}/rest/api/{ver}/issueLink/{link.id}",
                    "type": link_type_json(request, ver, link.type),
                    side: _linked_issue(request, ver, found)})
    return out


async def list_link_types(request: Request) -> Response:
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    return JSONResponse({"issueLinkTypes": [link_type_json(request, ver, t)
                                            for t in LINK_TYPES]})


def _ref(body: dict[str, Any], name: str) -> str | None:
    ref = body.get(name)
    if not isinstance(ref, dict):
        return None
    value = ref.get("key") or ref.get("id")
    return str(value) if value else None


async def create_link(request: Request) -> Response:
    """POST /issueLink: 201 (empty body, Location of the link); 404 for an unknown type or
    issue; 400 for a body without the three parts."""
    ver = version(request.scope)
    if ver is None:
        return error(404, ["Not found"])
    body = await _json(request)
    if not isinstance(body, dict) or not isinstance(body.get("type"), dict) or \
            _ref(body, "inwardIssue") is None or _ref(body, "outwardIssue") is None:
        return error(400, ["The issue link needs a type, an inwardIssue and an outwardIssue."])
    wanted = body["type"]
    kind = next((t for t in LINK_TYPES if (wanted.get("name") and t["name"] == wanted["name"])
                 or (wanted.get("id") and t["id"] == str(wanted["id"]))), None)
    if kind is None:
        return error(404, [f"No issue link type with name '{wanted.get('name')}' found."])
    state = _state(request)
    inward = state.find_issue(_ref(body, "inwardIssue") or "")
    outward = state.find_issue(_ref(body, "outwardIssue") or "")
    if inward is None or outward is None:
        return error(404, ["Issue Does Not Exist"])
    link = next((k for k in state.links.values() if k.type["id"] == kind["id"]
                 and k.inward == inward.key and k.outward == outward.key), None)
    if link is None:
        link = IssueLink(str(state.next_link_id), kind, inward.key, outward.key)
        state.next_link_id += 1
        state.links[link.id] = link
        inward.updated = outward.updated = max(inward.updated, outward.updated)
    location = f"{base(request)}/rest/api/{ver}/issueLink/{link.id}"
    return Response(status_code=201, headers={"Location": location})


def _link_or_404(request: Request) -> tuple[int | None, IssueLink | None, Response | None]:
    ver = version(request.scope)
    if ver is None:
        return None, None, error(404, ["Not found"])
    link = _state(request).links.get(request.path_params["link_id"])
    if link is None:
        return ver, None, error(404, ["No issue link with id "
                                      f"'{request.path_params['link_id']}' exists."])
    return ver, link, None


async def get_link(request: Request) -> Response:
    ver, link, failed = _link_or_404(request)
    if failed or link is None or ver is None:
        return failed or error(404, ["Not found"])
    state = _state(request)
    inward, outward = state.find_issue(link.inward), state.find_issue(link.outward)
    if inward is None or outward is None:
        return error(404, ["Issue Does Not Exist"])
    return JSONResponse({"id": link.id,
                         "self": f"{base(request)}/rest/api/{ver}/issueLink/{link.id}",
                         "type": link_type_json(request, ver, link.type),
                         "inwardIssue": _linked_issue(request, ver, inward),
                         "outwardIssue": _linked_issue(request, ver, outward)})


async def delete_link(request: Request) -> Response:
    _, link, failed = _link_or_404(request)
    if failed or link is None:
        return failed or error(404, ["Not found"])
    del _state(request).links[link.id]
    return Response(status_code=204)


P = "/rest/api/{ver:int}"
routes = [
    Route(P + "/issueLinkType", list_link_types, methods=["GET"]),
    Route(P + "/issueLink", create_link, methods=["POST"]),
    Route(P + "/issueLink/{link_id}", get_link, methods=["GET"]),
    Route(P + "/issueLink/{link_id}", delete_link, methods=["DELETE"]),
]
