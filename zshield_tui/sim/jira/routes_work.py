"""Comments, attachments, search, create metadata, users and /myself."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .fields import field_metas
from .jql import JqlError, parse
from .render import base, comment_json, error, issue_json, list_param
from .routes_issues import _issue_or_404, _json, _state
from .state import ISSUE_TYPES, jira_time, now
from .validate import rich_value, version

REMOVED = ("The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
           "API. A full migration guideline is available at "
           "https://developer.atlassian.com/changelog/#CHANGE-2046")


def _int(request: Request, name: str, default: int) -> int:
    try:
        return max(0, int(request.query_params.get(name, default)))
    except ValueError:
        return default


async def list_comments(request: Request) -> Response:
    """GET comments, paged by startAt/maxResults with total."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    deployment = request.scope["jira_deployment"]
    start = _int(request, "startAt", 0)
    size = _int(request, "maxResults", 100 if deployment == "cloud" else 50) or 1
    order = request.query_params.get("orderBy", "created")
    if order not in {"created", "-created", "+created"}:
        return error(400, [f"Invalid orderBy value: {order}"])
    items = sorted(issue.comments, key=lambda c: (c.created, int(c.id)),
                   reverse=order == "-created")
    page = items[start:start + size]
    return JSONResponse({"startAt": start, "maxResults": size, "total": len(items),
                         "comments": [comment_json(request, issue, c, ver) for c in page]})


async def add_comment(request: Request) -> Response:
    """POST a comment: ADF on v3, a string on v2; 201 with the comment."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    body = await _json(request)
    errors: dict[str, str] = {}
    raw = body.get("body") if isinstance(body, dict) else None
    if raw is None or raw == "":
        return error(400, errors={"comment": "Comment body can not be empty!"})
    text = rich_value(raw, ver, "comment", errors)
    if errors or text is None:
        return error(400, errors=errors)
    comment = _state(request).add_comment(issue, request.scope["jira_user"], text)
    return JSONResponse(comment_json(request, issue, comment, ver), status_code=201)


async def add_attachment(request: Request) -> Response:
    """POST multipart part `file` with X-Atlassian-Token: no-check: 200 + array."""
    ver, issue, failed = _issue_or_404(request)
    if failed:
        return failed
    if request.headers.get("x-atlassian-token", "").lower() != "no-check":
        return error(403, ["XSRF check failed"])
    state = _state(request)
    form = await request.form(max_part_size=state.upload_limit * 2)
    files = [f for f in form.getlist("file") if hasattr(f, "filename")]
    if not files:
        return error(400, ["No file was attached: use the multipart part name 'file'."])
    out = []
    for upload in files:
        data = await upload.read()
        if len(data) > state.upload_limit:
            return error(413, [f"The file '{upload.filename}' exceeds the maximum attachment "
                               f"size of {state.upload_limit} bytes."])
        state.next_attachment_id += 1
        aid = str(state.next_attachment_id)
        item = {"id": aid, "filename": upload.filename, "size": len(data),
                "mimeType": upload.content_type or "application/octet-stream",
                "created": jira_time(now()),
                "author": request.scope["jira_user"].render(request.scope["jira_deployment"]),
                "self": f"{base(request)}/rest/api/{ver}/attachment/{aid}",
                # Data Center has no REST content endpoint: files come from /secure.
                "content": f"{base(request)}/rest/api/{ver}/attachment/content/{aid}"
                if request.scope["jira_deployment"] == "cloud"
                else f"{base(request)}/secure/attachment/{aid}/{quote(upload.filename)}"}
        issue.attachments.append(item)
        state.attachment_data[aid] = data
        out.append(item)
    issue.updated = now()
    return JSONResponse(out, status_code=200)


async def attachment_content(request: Request) -> Response:
    """GET an attachment's bytes (the `content` link of its metadata): Cloud
    /rest/api/3/attachment/content/{id}, Data Center /secure/attachment/{id}/{filename}."""
    cloud = request.scope["jira_deployment"] == "cloud"
    if ("ver" in request.path_params) != cloud or (cloud and version(request.scope) is None):
        return error(404, ["Not found"])
    state = _state(request)
    data = state.attachment_data.get(request.path_params["id"])
    meta = next((a for i in state.issues.values() for a in i.attachments
                 if a["id"] == request.path_params["id"]), None)
    if data is None or meta is None:
        return error(404, ["The attachment with id "
                           f"'{request.path_params['id']}' does not exist."])
    return Response(data, media_type=meta["mimeType"])


async def attachment_meta(request: Request) -> Response:
    """GET attachment settings: enabled and uploadLimit (bytes)."""
    if version(request.scope) is None:
        return error(404, ["Not found"])
    return JSONResponse({"enabled": True, "uploadLimit": _state(request).upload_limit})


def _run_jql(request: Request, jql: str, *, cloud: bool):
    try:
        query = parse(jql, ZoneInfo(request.scope["jira_user"].time_zone))
    except JqlError as exc:
        return None, error(400, [str(exc)])
    if cloud and not query.bounded:
        return None, error(400, ["Unbounded JQL queries are not allowed here. Please add a "
                                 "search restriction to your query."])
    clock = request.app.state.clock()
    # Cloud's enhanced search is eventually consistent: fresh writes may not show yet.
    found = [i for i in _state(request).issues.values()
             if query.match(i) and (not cloud or i.visible_at <= clock)]
    found.sort(key=lambda i: (i.updated, i.id), reverse=query.order_desc)
    return found, None


async def _search_params(request: Request) -> dict[str, Any]:
    if request.method == "POST":
        body = await _json(request)
        return body if isinstance(body, dict) else {}
    q = request.query_params
    params: dict[str, Any] = dict(q)
    for name in ("fields", "properties", "expand"):
        if name in q:
            params[name] = list_param(request, name)
    return params


async def search_jql(request: Request) -> Response:
    """Cloud enhanced search (v3, and v2 with wiki-markup strings): token paging, no total,
    only ids unless fields are asked."""
    ver = version(request.scope)
    if request.scope["jira_deployment"] != "cloud" or ver is None:
        return error(404, ["Not found"])
    params = await _search_params(request)
    found, failed = _run_jql(request, str(params.get("jql") or ""), cloud=True)
    if failed:
        return failed
    try:
        size = min(int(params.get("maxResults") or 50), 5000) or 1
    except (TypeError, ValueError):
        return error(400, ["The value of 'maxResults' must be a number."])
    token = params.get("nextPageToken")
    try:
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
    except ValueError:
        return error(400, ["The provided next page token is invalid or expired."])
    page = found[start:start + size]
    fields = params.get("fields") or ["id"]
    body: dict[str, Any] = {"issues": [issue_json(request, _state(request), i, ver, fields,
                                                  params.get("properties")) for i in page],
                            "isLast": start + size >= len(found)}
    if not body["isLast"]:
        body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return JSONResponse(body)


async def search_old(request: Request) -> Response:
    """/rest/api/{2,3}/search: gone on Cloud (410), the offset search on Data Center."""
    if request.scope["jira_deployment"] == "cloud":
        return error(410, [REMOVED])
    if version(request.scope) != 2:
        return error(404, ["Not found"])
    params = await _search_params(request)
    found, failed = _run_jql(request, str(params.get("jql") or ""), cloud=False)
    if failed:
        return failed
    try:
        start, size = int(params.get("startAt") or 0), int(params.get("maxResults") or 50) or 1
    except (TypeError, ValueError):
        return error(400, ["The values of 'startAt' and 'maxResults' must be numbers."])
    page = found[start:start + size]
    return JSONResponse({"expand": "schema,names", "startAt": start, "maxResults": size,
                         "total": len(found), "issues": [
                             issue_json(request, _state(request), i, 2,
                                        params.get("fields") or ["*navigable"])
                             for i in page]})


def _field_metas(request: Request) -> list[dict[str, Any]]:
    return field_metas(base(request))


def _page(request: Request, items: list[Any], cloud_key: str) -> JSONResponse:
    start, size = _int(request, "startAt", 0), min(_int(request, "maxResults", 50) or 50, 200)
    page = items[start:start + size]
    body: dict[str, Any] = {"maxResults": size, "startAt": start, "total": len(items)}
    if request.scope["jira_deployment"] == "cloud":
        body[cloud_key] = page
    else:
        body.update(values=page, isLast=start + size >= len(items))
    return JSONResponse(body)


async def createmeta_types(request: Request) -> Response:
    """GET createmeta issue types (Cloud issueTypes, DC values)."""
    if version(request.scope) is None:
        return error(404, ["Not found"])
    if request.path_params["project"].upper() not in {
            *(_state(request).projects), *(p.id for p in _state(request).projects.values())}:
        return error(404, ["No project could be found with key "
                           f"'{request.path_params['project']}'."])
    return _page(request, ISSUE_TYPES, "issueTypes")


async def createmeta_fields(request: Request) -> Response:
    """GET createmeta fields of one issue type (Cloud fields, DC values)."""
    failed = await createmeta_types(request)
    if failed.status_code != 200:
        return failed
    if request.path_params["type"] not in {t["id"] for t in ISSUE_TYPES}:
        return error(404, ["The issue type with id "
                           f"'{request.path_params['type']}' does not exist."])
    return _page(request, _field_metas(request), "fields")


async def user_search(request: Request) -> Response:
    """Cloud ?query= (accountId), Data Center ?username= (name)."""
    deployment = request.scope["jira_deployment"]
    if version(request.scope) is None:
        return error(404, ["Not found"])
    q = request.query_params.get("query" if deployment == "cloud" else "username")
    if not q:
        return error(400, ["The query parameter 'query' is required." if deployment == "cloud"
                           else "The username query parameter was not provided"])
    users = _state(request).search_users(q)
    return JSONResponse([u.render(deployment) for u in users])


async def myself(request: Request) -> Response:
    """The authenticated user, with the time zone JQL dates are read in."""
    if version(request.scope) is None:
        return error(404, ["Not found"])
    user = request.scope["jira_user"]
    body = user.render(request.scope["jira_deployment"])
    body["self"] = f"{base(request)}/rest/api/{version(request.scope)}/myself"
    return JSONResponse(body)


A = "/rest/api/{ver:int}"
routes = [
    Route(A + "/issue/{key}/comment", list_comments, methods=["GET"]),
    Route(A + "/issue/{key}/comment", add_comment, methods=["POST"]),
    Route(A + "/issue/{key}/attachments", add_attachment, methods=["POST"]),
    Route(A + "/attachment/meta", attachment_meta, methods=["GET"]),
    Route(A + "/attachment/content/{id}", attachment_content, methods=["GET"]),
    Route("/secure/attachment/{id}/{filename}", attachment_content, methods=["GET"]),
    Route(A + "/search/jql", search_jql, methods=["GET", "POST"]),
    Route(A + "/search", search_old, methods=["GET", "POST"]),
    Route(A + "/issue/createmeta/{project}/issuetypes", createmeta_types, methods=["GET"]),
    Route(A + "/issue/createmeta/{project}/issuetypes/{type}", createmeta_fields,
          methods=["GET"]),
    Route(A + "/user/search", user_search, methods=["GET"]),
    Route(A + "/myself", myself, methods=["GET"]),
]
