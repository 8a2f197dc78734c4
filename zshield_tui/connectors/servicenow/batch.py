"""Bulk updates through the Batch API (`POST /api/now/v1/batch`, base64 bodies), falling
back to one PATCH per record when the instance does not offer it (404 or 400)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from zshield_tui.connectors.errors import ConnectorError, NotFoundError, ValidationError
from zshield_tui.connectors.servicenow.api import ServiceNowApi

BATCH_PATH = "/api/now/v1/batch"
MAX_ITEMS = 50   # keeps one batch well inside the 30 s transaction quota
_HEADERS = [{"name": "Content-Type", "value": "application/json"},
            {"name": "Accept", "value": "application/json"}]
_QUERY = "sysparm_exclude_reference_link=true&sysparm_display_value=false"


async def bulk_patch(api: ServiceNowApi, table: str,
                     changes: Sequence[tuple[str, dict[str, Any]]],
                     fields: Sequence[str] | None = None,
                     ) -> list[dict[str, Any] | ConnectorError]:
    """PATCHes each (sys_id, body); one result record or error per item, in order.
    `fields`: the columns each answer holds (default: the connector's record fields)."""
    if fields is None:
        # Imported here: the client imports this module.
        from zshield_tui.connectors.servicenow.client import RECORD_FIELDS

        fields = RECORD_FIELDS
    results: list[dict[str, Any] | ConnectorError] = []
    for start in range(0, len(changes), MAX_ITEMS):
        chunk = changes[start:start + MAX_ITEMS]
        answered = await _batch(api, table, chunk, fields)
        if answered is None:
            answered = [await _single(api, table, sys_id, body, fields)
                        for sys_id, body in chunk]
        results.extend(answered)
    return results


async def _single(api: ServiceNowApi, table: str, sys_id: str, body: dict[str, Any],
                  fields: Sequence[str] | None = None) -> dict[str, Any] | ConnectorError:
    try:
        return await api.write("PATCH", table, body, sys_id=sys_id,
                               fields=list(fields) if fields else None)
    except ConnectorError as exc:
        return exc


async def _batch(api: ServiceNowApi, table: str, chunk: Sequence[tuple[str, dict[str, Any]]],
                 fields: Sequence[str] | None = None,
                 ) -> list[dict[str, Any] | ConnectorError] | None:
    """The answers of one batch call, or None when the instance has no Batch API."""
    # Only the fields the caller reads back: the instance renders, encodes and sends less.
    query = _QUERY + (f"&sysparm_fields={','.join(fields)}" if fields else "")
    requests = [{"id": str(index), "method": "PATCH",
                 "url": f"/api/now/table/{table}/{sys_id}?{query}", "headers": _HEADERS,
                 "exclude_response_headers": True,
                 "body": base64.b64encode(json.dumps(body).encode()).decode()}
                for index, (sys_id, body) in enumerate(chunk)]
    try:
        # Replaying a batch is harmless unless it appends journal entries.
        journal = any({"work_notes", "comments"} & set(body) for _, body in chunk)
        response = await api.request("POST", BATCH_PATH, idempotent=not journal,
                                     json={"batch_request_id": "zshield",
                                           "rest_requests": requests})
    except (NotFoundError, ValidationError) as exc:
        if exc.status in (400, 404):
            return None
        raise
    data = response.json()
    by_id = {str(item.get("id")): item for item in data.get("serviced_requests", [])}
    results: list[dict[str, Any] | ConnectorError] = []
    for index, (sys_id, body) in enumerate(chunk):
        item = by_id.get(str(index))
        if item is None:
            # Not run before the batch transaction quota ended: do it on its own.
            results.append(await _single(api, table, sys_id, body, fields))
            continue
        results.append(_item_result(api, item, table, sys_id))
    return results


def _item_result(api: ServiceNowApi, item: dict[str, Any], table: str,
                 sys_id: str) -> dict[str, Any] | ConnectorError:
    status = int(item.get("status_code", 0))
    try:
        body = json.loads(base64.b64decode(item.get("body") or "") or b"null")
    except ValueError:
        body = None
    if 200 <= status < 300 and isinstance(body, dict):
        return body.get("result", {})
    error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
    message = error.get("message") or item.get("error_message") or item.get("status_text", "")
    detail = error.get("detail") or ""
    text = f"batch PATCH {table}/{sys_id}: {status} {message}" + (f": {detail}" if detail
                                                                   else "")
    if status == 404:
        return NotFoundError(text, target=api.target, status=status)
    if status in (400, 403) and "Data Policy" in f"{message} {detail}":
        return ValidationError(text, fields={"data_policy": detail.rpartition("mandatory:")[2]
                                             .strip()}, target=api.target, status=status)
    return ConnectorError(text, target=api.target, status=status)
