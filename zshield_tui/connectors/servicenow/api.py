"""The HTTP layer: auth header, retries, ServiceNow's error envelope -> ConnectorError,
and Table API reads that follow the `Link` header to the last page."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from zshield_tui.connectors.errors import (
    AuthError,
    ConnectorError,
    NotFoundError,
    RateLimitError,
    UnavailableError,
    UncertainError,
    UnreachableError,
    ValidationError,
)
from zshield_tui.connectors.servicenow.auth import Credentials
from zshield_tui.connectors.servicenow.retry import Outcome, RetryPolicy, send_with_retry
from zshield_tui.connectors.tls import verified_context

MAX_PAGES = 1000
PAGE_SIZE = 500


def error_text(response: httpx.Response) -> tuple[str, str]:
    """(message, detail) from `{"error": {"message", "detail"}}`; detail may be null."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}", ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or ""), str(error.get("detail") or "")
    if isinstance(body, dict) and "error_description" in body:
        return str(body.get("error") or ""), str(body.get("error_description") or "")
    return response.reason_phrase or f"HTTP {response.status_code}", ""


class ServiceNowApi:
    """One instance's REST APIs, as the configured user."""

    def __init__(self, base_url: str, credentials: Credentials, *, target: str,
                 transport: httpx.AsyncBaseTransport | None = None, timeout: float = 30.0,
                 retry: RetryPolicy | None = None,
                 event_hooks: Mapping[str, list] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.target = target
        self.credentials = credentials
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.client = httpx.AsyncClient(
            base_url=self.base_url, transport=transport, timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json"}, event_hooks=dict(event_hooks or {}),
            verify=verified_context())

    async def aclose(self) -> None:
        await self.client.aclose()

    async def request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                      json: Any = None, content: bytes | None = None,
                      headers: Mapping[str, str] | None = None,
                      idempotent: bool | None = None) -> httpx.Response:
        """One call with retries; any status >= 400 becomes a ConnectorError."""
        idempotent = method != "POST" if idempotent is None else idempotent
        extra = dict(headers or {})
        if json is not None:
            extra.setdefault("Content-Type", "application/json")

        async def send() -> httpx.Response:
            auth = await self.credentials.header(self.client)
            # asyncio's deadline also bounds transports that ignore httpx timeouts (ASGI).
            return await asyncio.wait_for(self.client.request(
                method, path, params=params, json=json, content=content,
                headers={**extra, "Authorization": auth}), self.timeout)

        result = await send_with_retry(send, self.retry, idempotent=idempotent)
        if isinstance(result, httpx.Response) and result.status_code == 401 \
                and self.credentials.refreshable:
            # An access token can die early (revoked, instance restart): one fresh try.
            self.credentials.invalidate()
            result = await send_with_retry(send, self.retry, idempotent=idempotent)
        if isinstance(result, Outcome):
            raise self._failure(method, path, result, idempotent)
        if result.status_code >= 400:
            raise self._refusal(method, path, result)
        return result

    def _failure(self, method: str, path: str, outcome: Outcome,
                 idempotent: bool) -> ConnectorError:
        where = f"{method} {path}"
        if outcome.response is not None and outcome.response.status_code == 429:
            message, detail = error_text(outcome.response)
            wait = f"; retry in {outcome.wait:.0f} s" if outcome.wait is not None else ""
            return RateLimitError(f"{where}: rate limited ({detail or message}){wait}",
                                  retry_after=outcome.wait, target=self.target, status=429)
        if outcome.response is not None:
            status = outcome.response.status_code
            message, detail = error_text(outcome.response)
            text = f"{where}: the instance answered {status} {message} {detail}".rstrip()
        else:
            text = f"{where}: {type(outcome.error).__name__ or 'no answer'}"
            status = None
        if outcome.response is None and not outcome.sent:
            return UnreachableError(text + ": cannot reach the instance; try later",
                                    target=self.target)
        if outcome.sent and not idempotent:
            return UncertainError(text + " (the change may have been made; look before "
                                  "retrying)", target=self.target, status=status)
        return UnavailableError(text + ": the instance is unreachable or failing; try later",
                                target=self.target, status=status)

    def _refusal(self, method: str, path: str, response: httpx.Response) -> ConnectorError:
        status = response.status_code
        message, detail = error_text(response)
        text = f"{method} {path.split('?')[0]}: {status} {message}" + (
            f": {detail.strip()}" if detail else "")
        if status == 401:
            return AuthError(text + " (check the target's auth settings and secret)",
                             target=self.target, status=status)
        if status == 403 and "Data Policy" in f"{message} {detail}":
            mandatory = detail.rpartition("mandatory:")[2].strip()
            return ValidationError(text, fields={"data_policy": mandatory}, target=self.target,
                                   status=status)
        if status == 403:
            return AuthError(text + " (the integration user lacks a role or an ACL denies it)",
                             target=self.target, status=status)
        if status == 404:
            return NotFoundError(text, target=self.target, status=status)
        if status in (400, 405, 409, 415, 422):
            return ValidationError(text, target=self.target, status=status)
        return ConnectorError(text, target=self.target, status=status)

    # -- Table API -------------------------------------------------------------------------
    async def list(self, table: str, query: str, *, fields: list[str] | None = None,
                   limit: int | None = None, display: str = "false",
                   page_size: int = PAGE_SIZE) -> list[dict[str, Any]]:
        """Rows matching `query`, following `rel="next"` until it is gone (trap 20).

        `limit` stops early once that many rows are in hand.
        """
        params = {"sysparm_query": query, "sysparm_display_value": display,
                  "sysparm_exclude_reference_link": "true",
                  "sysparm_limit": str(min(page_size, limit or page_size))}
        if fields:
            params["sysparm_fields"] = ",".join(fields)
        rows: list[dict[str, Any]] = []
        url: str | None = f"/api/now/table/{table}"
        for page_number in range(MAX_PAGES):
            # The next link carries every parameter already.
            try:
                response = await self.request("GET", url,
                                              params=None if page_number else params)
            except NotFoundError:
                # Table API v1 answers an empty result with 404 (trap 20); so may a proxy
                # pinned to it. An unknown table is a 400, which still raises.
                break
            page = response.json().get("result") or []
            rows.extend(page)
            if limit and len(rows) >= limit:
                return rows[:limit]
            url = response.links.get("next", {}).get("url")
            if not url:
                break
        return rows

    async def get(self, table: str, sys_id: str, *, fields: list[str] | None = None,
                  display: str = "false") -> dict[str, Any]:
        params = {"sysparm_display_value": display, "sysparm_exclude_reference_link": "true"}
        if fields:
            params["sysparm_fields"] = ",".join(fields)
        response = await self.request("GET", f"/api/now/table/{table}/{sys_id}", params=params)
        return response.json()["result"]

    async def write(self, method: str, table: str, body: dict[str, Any], *,
                    sys_id: str | None = None, fields: list[str] | None = None,
                    idempotent: bool | None = None) -> dict[str, Any]:
        """POST (create) or PATCH (partial update) with machine values in and out.

        A PATCH that appends to a journal field is not idempotent: pass idempotent=False.
        """
        params = {"sysparm_display_value": "false", "sysparm_exclude_reference_link": "true",
                  "sysparm_input_display_value": "false"}
        if fields:
            params["sysparm_fields"] = ",".join(fields)
        path = f"/api/now/table/{table}" + (f"/{sys_id}" if sys_id else "")
        response = await self.request(method, path, params=params, json=body,
                                      idempotent=idempotent)
        return response.json()["result"]
