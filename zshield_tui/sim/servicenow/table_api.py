"""The Table API (`/api/now[/v1|/v2]/table/{table}[/{sys_id}]`) as one dispatch function,
so the routes and the Batch API run the very same code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from . import query as q
from .render import render
from .schema import columns_of, is_table
from .state import PolicyError, SimState


@dataclass
class SimResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, message: str, detail: str | None = None) -> SimResponse:
    """ServiceNow's error envelope; the code is only in the HTTP status."""
    return SimResponse(status, {"error": {"message": message, "detail": detail},
                                "status": "failure"})


NOT_FOUND = ("No Record found", "Record doesn't exist or ACL restricts the record retrieval")


def dispatch(state: SimState, method: str, version: str, table: str, sys_id: str | None,
             params: dict[str, str], body: bytes, user: str, base_url: str,
             journal_hidden: bool = False) -> SimResponse:
    """One Table API call. `version` is "v1", "v2" or "" (latest, which behaves as v2)."""
    if not is_table(table):
        return error(400, f"Invalid table {table}")
    options = _options(params)
    if method == "GET":
        if sys_id:
            row = state.find(table, sys_id)
            if row is None or (journal_hidden and table == "sys_journal_field"):
                return error(404, *NOT_FOUND)
            return SimResponse(200, {"result": _render(state, table, row, options, base_url)})
        return _list(state, version, table, params, options, base_url, journal_hidden)
    if method in ("POST", "PATCH", "PUT"):
        try:
            values = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return error(400, "Exception while reading request",
                         "The payload is not valid JSON.")
        if not isinstance(values, dict):
            return error(400, "Exception while reading request",
                         "The payload is not a JSON object.")
        try:
            if method == "POST":
                if sys_id:
                    return error(405, "Method not Supported",
                                 "POST is not supported on a single record")
                row = state.insert(table, values, user)
                headers = {"Location": f"{base_url}/api/now/table/{table}/{row['sys_id']}"}
                return SimResponse(201, {"result": _render(state, table, row, options,
                                                           base_url)}, headers)
            if not sys_id:
                return error(405, "Method not Supported",
                             f"{method} needs a sys_id in the path")
            row = state.update(table, sys_id, values, user)
        except PolicyError as exc:
            return error(403, "Operation Failed",
                         f"Data Policy Exception: \n The following fields are mandatory: {exc}")
        if row is None:
            return error(404, *NOT_FOUND)
        return SimResponse(200, {"result": _render(state, table, row, options, base_url)})
    if method == "DELETE":
        if not sys_id or not state.delete(table, sys_id):
            return error(404, *NOT_FOUND)
        return SimResponse(204)
    return error(405, "Method not Supported", f"{method} is not supported")


def _options(params: dict[str, str]) -> dict[str, Any]:
    fields = [f.strip() for f in params.get("sysparm_fields", "").split(",") if f.strip()]
    display = params.get("sysparm_display_value", "false").lower()
    return {"fields": fields or None,
            "display": display if display in ("true", "all") else "false",
            "exclude_links": params.get("sysparm_exclude_reference_link", "false").lower()
            == "true"}


def _render(state: SimState, table: str, row: dict[str, str], options: dict[str, Any],
            base_url: str) -> dict[str, Any]:
    return render(state, table, row, fields=options["fields"], display=options["display"],
                  exclude_links=options["exclude_links"], base_url=base_url)


def _list(state: SimState, version: str, table: str, params: dict[str, str],
          options: dict[str, Any], base_url: str, journal_hidden: bool) -> SimResponse:
    columns = columns_of(table)
    if "sysparm_query" in params:
        parsed = q.parse(params["sysparm_query"], columns)
    else:
        # Name-value pairs (`&active=true`) instead of an encoded query.
        pairs = [f"{k}={v}" for k, v in params.items() if not k.startswith("sysparm_")]
        parsed = q.parse("^".join(pairs), columns)
    rows = [] if journal_hidden and table == "sys_journal_field" else state.rows(table)
    found = [r for r in rows if q.matches(parsed, lambda name, r=r: _value(state, r, name))]
    for name, descending in reversed(parsed.order):
        if name.split(".")[0] in columns:
            found.sort(key=lambda r, n=name: q.sort_key(_value(state, r, n)),
                       reverse=descending)
    try:
        limit = int(params.get("sysparm_limit", "10000"))
        offset = max(0, int(params.get("sysparm_offset", "0")))
    except ValueError:
        return error(400, "Invalid request", "sysparm_limit and sysparm_offset are numbers")
    limit = max(1, limit)
    page = found[offset:offset + limit]
    if version == "v1" and not page:
        return error(404, *NOT_FOUND)
    headers = {} if params.get("sysparm_no_count") == "true" else {
        "X-Total-Count": str(len(found))}
    if params.get("sysparm_suppress_pagination_header") != "true":
        headers["Link"] = _links(base_url, version, table, params, offset, limit, len(found))
    result = [_render(state, table, r, options, base_url) for r in page]
    return SimResponse(200, {"result": result}, headers)


def _value(state: SimState, row: dict[str, str], name: str) -> str:
    if "." not in name:
        return row.get(name, "")
    from .schema import REFERENCES
    head, rest = name.split(".", 1)
    target = state.find(REFERENCES[head], row.get(head, "")) if head in REFERENCES else None
    return _value(state, target, rest) if target else ""


def _links(base_url: str, version: str, table: str, params: dict[str, str], offset: int,
           limit: int, total: int) -> str:
    path = f"{base_url}/api/now/{version + '/' if version else ''}table/{table}"

    def link(at: int, rel: str) -> str:
        query = dict(params, sysparm_offset=str(at), sysparm_limit=str(limit))
        return f'<{path}?{urlencode(query)}>;rel="{rel}"'

    last = max(0, ((total - 1) // limit) * limit) if total else 0
    parts = [link(0, "first")]
    if offset > 0:
        parts.append(link(max(0, offset - limit), "prev"))
    if offset + limit < total:
        parts.append(link(offset + limit, "next"))
    parts.append(link(last, "last"))
    return ",".join(parts)
