"""Starlette routes: Table, Attachment and Batch APIs, plus the test-only `/_sim` endpoints."""

from __future__ import annotations

import asyncio
import base64
import json
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import authenticate, unauthenticated
from .state import fmt
from .table_api import NOT_FOUND, SimResponse, dispatch, error

JSON = "application/json"
ATTACHMENT_LIMIT = "1000"   # the Attachment API's default sysparm_limit (the Table API's: 10000)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _to_response(result: SimResponse) -> Response:
    if result.status == 204:
        return Response(status_code=204, headers=result.headers)
    return JSONResponse(result.body, status_code=result.status, headers=result.headers)


def _check_headers(request: Request, write: bool) -> SimResponse | None:
    accept = request.headers.get("accept", "*/*")
    if not any(kind in accept for kind in ("json", "*/*", "application/*")):
        return error(406, "Unsupported Accept header", f"Cannot produce {accept}")
    if write:
        content_type = request.headers.get("content-type", "")
        if not content_type:
            return error(400, "Content-Type header is missing",
                         "POST, PUT and PATCH need Content-Type: application/json")
        if JSON not in content_type:
            return error(415, "Unsupported Media Type", f"Cannot consume {content_type}")
    return None


async def table(request: Request) -> Response:
    """/api/now[/v1|/v2]/table/{table}[/{sys_id}]."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    problem = _check_headers(request, request.method in ("POST", "PATCH", "PUT"))
    if problem:
        return _to_response(problem)
    params = dict(request.query_params)
    result = dispatch(sim.state, request.method, request.path_params.get("version", ""),
                      request.path_params["table"], request.path_params.get("sys_id"),
                      params, await request.body(), user, _base_url(request),
                      sim.faults.journal_hidden)
    return _to_response(result)


async def attachment_file(request: Request) -> Response:
    """POST /api/now/attachment/file?table_name=&table_sys_id=&file_name= (raw body)."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    params = request.query_params
    missing = [p for p in ("table_name", "table_sys_id", "file_name") if not params.get(p)]
    if missing:
        return _to_response(error(400, "Missing mandatory parameters",
                                  f"Missing parameter(s): {', '.join(missing)}"))
    content_type = request.headers.get("content-type", "")
    if not content_type:
        return _to_response(error(400, "Content-Type header is missing",
                                  "The file's MIME type is mandatory"))
    return _store_attachment(request, user, params["table_name"], params["table_sys_id"],
                             params["file_name"], content_type, await request.body())


async def attachment_upload(request: Request) -> Response:
    """POST /api/now/attachment/upload: multipart form, `table_name` and `table_sys_id`
    fields first, the file as the last part (any part name; the docs use uploadFile)."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _to_response(error(415, "Unsupported Media Type",
                                  "The upload needs Content-Type: multipart/form-data"))
    form = await request.form(max_part_size=sim.max_attachment_bytes + 1)
    fields: dict[str, str] = {}
    upload = None
    for name, value in form.multi_items():
        if isinstance(value, str):
            if upload is None:   # a field after the file is not read: the file comes last
                fields[name] = value
        elif upload is None:
            upload = value
    missing = [p for p in ("table_name", "table_sys_id") if not fields.get(p)]
    if upload is None:
        missing.append("file")
    if missing:
        return _to_response(error(400, "Missing mandatory parameters",
                                  f"Missing parameter(s): {', '.join(missing)}"))
    return _store_attachment(request, user, fields["table_name"], fields["table_sys_id"],
                             upload.filename or "attachment",
                             upload.content_type or "application/octet-stream",
                             await upload.read())


def _store_attachment(request: Request, user: str, table_name: str, table_sys_id: str,
                      file_name: str, content_type: str, data: bytes) -> Response:
    """The attachment on its record: 201 with its metadata and Location, as both upload
    calls answer."""
    sim = request.app.state.sim
    if sim.state.find(table_name, table_sys_id) is None:
        return _to_response(error(404, *NOT_FOUND))
    if len(data) > sim.max_attachment_bytes:
        return _to_response(error(400, "Failed to create the attachment",
                                  "File exceeds the maximum attachment size"))
    row = sim.state.insert("sys_attachment", {
        "file_name": file_name, "content_type": content_type,
        "size_bytes": str(len(data)), "table_name": table_name,
        "table_sys_id": table_sys_id}, user)
    sim.state.attachments[row["sys_id"]] = data
    return JSONResponse({"result": _attachment_json(row, _base_url(request))}, status_code=201,
                        headers={"Location": f"{_base_url(request)}/api/now/attachment/"
                                             f"{row['sys_id']}"})


def _attachment_json(row: dict[str, str], base_url: str) -> dict[str, str]:
    return {**row, "size_compressed": row["size_bytes"], "compressed": "false",
            "download_link": f"{base_url}/api/now/attachment/{row['sys_id']}/file",
            "image_height": "", "image_width": "", "average_image_color": ""}


async def attachment_list(request: Request) -> Response:
    """GET /api/now/attachment?sysparm_query=table_sys_id=..."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    params = dict(request.query_params)
    params.setdefault("sysparm_limit", ATTACHMENT_LIMIT)
    result = dispatch(sim.state, "GET", "", "sys_attachment", None, params, b"", user,
                      _base_url(request))
    if result.status == 200:
        base = _base_url(request)
        result.body["result"] = [_attachment_json(r, base) if "sys_id" in r and
                                 "size_bytes" in r else r for r in result.body["result"]]
        # The pages of this API are its own, not the Table API's.
        if "Link" in result.headers:
            result.headers["Link"] = result.headers["Link"].replace(
                f"{base}/api/now/table/sys_attachment?", f"{base}/api/now/attachment?")
    return _to_response(result)


async def attachment_one(request: Request) -> Response:
    """GET /api/now/attachment/{sys_id}[/file], DELETE /api/now/attachment/{sys_id}."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    sys_id = request.path_params["sys_id"]
    row = sim.state.find("sys_attachment", sys_id)
    if row is None:
        return _to_response(error(404, *NOT_FOUND))
    if request.method == "DELETE":
        sim.state.delete("sys_attachment", sys_id)
        sim.state.attachments.pop(sys_id, None)
        return Response(status_code=204)
    if request.url.path.endswith("/file"):
        return Response(sim.state.attachments[sys_id], media_type=row["content_type"],
                        headers={"X-Attachment-Metadata": json.dumps(row)})
    return JSONResponse({"result": _attachment_json(row, _base_url(request))})


async def batch(request: Request) -> Response:
    """POST /api/now/v1/batch: base64 bodies in and out, one status per item."""
    sim = request.app.state.sim
    user = authenticate(request, sim.state, sim.tokens)
    if user is None:
        return unauthenticated()
    if not sim.faults.batch_enabled:
        return _to_response(error(400, "Requested URI does not represent any resource", None))
    problem = _check_headers(request, True)
    if problem:
        return _to_response(problem)
    try:
        payload = json.loads(await request.body())
        items = payload["rest_requests"]
    except (ValueError, KeyError, TypeError):
        return _to_response(error(400, "Invalid batch request", "rest_requests is missing"))
    serviced = []
    # The items run one after another, as on an instance, and batches in turn (first come,
    # first served: the simulator has one CPU), while other requests arrive and wait out
    # their injected latency meanwhile. Without the yield a batch held back even the arrival
    # of every request behind it, whose latency then started only after it.
    async with sim.batch_turn:
        for item in items:
            serviced.append(_batch_item(sim, item, user, _base_url(request)))
            await asyncio.sleep(0)
    # Every value on the wire is a string, the echoed ids too (pysnc compares them so).
    return JSONResponse({"batch_request_id": str(payload.get("batch_request_id", "")),
                         "serviced_requests": serviced, "unserviced_requests": []})


def _batch_item(sim, item: dict, user: str, base_url: str) -> dict:
    parts = urlsplit(item.get("url", ""))
    segments = parts.path.strip("/").split("/")
    # api/now[/v1|/v2]/table/{table}[/{sys_id}]
    version = segments[2] if len(segments) > 2 and segments[2] in ("v1", "v2") else ""
    rest = segments[3:] if version else segments[2:]
    try:
        body = base64.b64decode(item.get("body") or "")
    except ValueError:
        body = b"!"
    if segments[:2] != ["api", "now"] or not rest or rest[0] != "table" or len(rest) < 2:
        result = error(400, "Requested URI does not represent any resource", item.get("url"))
    else:
        result = dispatch(sim.state, str(item.get("method", "GET")).upper(), version, rest[1],
                          rest[2] if len(rest) > 2 else None, dict(parse_qsl(parts.query)),
                          body, user, base_url, sim.faults.journal_hidden)
    encoded = base64.b64encode(json.dumps(result.body).encode()).decode() \
        if result.body is not None else ""
    out = {"id": str(item.get("id", "")), "status_code": result.status,
           "status_text": {200: "OK", 201: "Created", 204: "No Content"}.get(result.status,
                                                                             "Error"),
           "body": encoded, "execution_time": 1}
    if not item.get("exclude_response_headers"):
        out["headers"] = [{"name": k, "value": v} for k, v in
                          {"Content-Type": JSON, **result.headers}.items()]
    if result.status >= 400:
        out["error_message"] = (result.body or {}).get("error", {}).get("message", "")
    return out


async def sim_faults(request: Request) -> Response:
    """GET or POST /_sim/faults (test only): read or change the fault settings."""
    faults = request.app.state.sim.faults
    if request.method == "POST":
        try:
            faults.update(json.loads(await request.body() or b"{}"))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(faults.public())


async def sim_clock(request: Request) -> Response:
    """POST /_sim/clock {"advance": seconds} (test only): moves the SLA clocks."""
    clock = request.app.state.sim.state.clock
    if request.method == "POST":
        data = json.loads(await request.body() or b"{}")
        clock.advance(float(data.get("advance", 0)))
    return JSONResponse({"now": fmt(clock.now())})


async def sim_journal(request: Request) -> Response:
    """POST /_sim/journal (test only): a note written by someone else on the instance."""
    state = request.app.state.sim.state
    data = json.loads(await request.body())
    row = state.find(data.get("table", "task"), data["sys_id"])
    if row is None:
        return JSONResponse({"error": "no such record"}, status_code=404)
    entry = state.add_journal(row["sys_class_name"], data["sys_id"],
                              data.get("element", "work_notes"), data["value"],
                              data.get("user", "ana.analyst"))
    return JSONResponse(entry, status_code=201)
