"""Requests with the shared retry policy, and Jira error bodies as ConnectorErrors.

Jira's specifics of that policy: 409 (a conflicting concurrent update) and 503 mean the
change was not made and repeat for any request; 429 and 503 wait for Retry-After (seconds or
an HTTP date) or X-RateLimit-Reset (ISO-8601 on Jira); a wait longer than `max_delay` is
handed back. A request that was sent but got no answer is retried only when repeating it is
harmless; otherwise it raises UncertainError so the caller looks before it creates again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

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
from zshield_tui.connectors.retry import Outcome, send_with_retry
from zshield_tui.connectors.retry import RetryPolicy as SharedRetryPolicy

RETRY_STATUS = frozenset({409, 429, 503})
# 502/504 may arrive after the change was made: only idempotent requests repeat them.
RETRY_IF_IDEMPOTENT = frozenset({500, 502, 504})


@dataclass
class RetryPolicy(SharedRetryPolicy):
    """The shared policy with Jira's parameters."""

    max_attempts: int = 5
    max_delay: float = 60.0
    max_wait: float | None = None
    jitter: float = 0.5
    full_jitter: bool = False
    retry_always: frozenset[int] = RETRY_STATUS
    retry_if_idempotent: frozenset[int] = RETRY_IF_IDEMPOTENT
    reset_format: Literal["unix", "iso"] = "iso"


def _messages(response: httpx.Response) -> tuple[list[str], dict[str, str]]:
    try:
        body = response.json()
    except ValueError:
        return ([response.text[:200]] if response.text else []), {}
    if not isinstance(body, dict):
        return [], {}
    messages = [str(m) for m in body.get("errorMessages") or []]
    errors = {str(k): str(v) for k, v in (body.get("errors") or {}).items()}
    if "error_description" in body:
        messages.append(str(body["error_description"]))
    return messages, errors


def error_for(response: httpx.Response, *, target: str, auth_hint: str,
              what: str = "") -> ConnectorError:
    """The ConnectorError for a failed response; names fields, never secrets."""
    status = response.status_code
    messages, errors = _messages(response)
    detail = "; ".join([*messages, *(f"{k}: {v}" for k, v in errors.items())])
    where = f"{what}: " if what else ""
    if status == 401:
        return AuthError(f"{where}Jira refused the credentials (401, expired, revoked or "
                         f"wrong): {auth_hint}", target=target, status=status)
    if status == 403:
        return AuthError(f"{where}permission denied (403){': ' + detail if detail else ''}; "
                         f"the account needs Browse, Create and Edit issues in the project "
                         f"({auth_hint})", target=target, status=status)
    if status == 404:
        return NotFoundError(f"{where}{detail or 'not found'} (404)", target=target,
                             status=status)
    if status == 429:
        return RateLimitError(f"{where}Jira rate limit still exceeded after retries",
                              target=target, status=status)
    if status in {400, 413, 422}:
        return ValidationError(f"{where}Jira refused the request ({status}): "
                               f"{detail or 'no detail given'}",
                               fields=errors, target=target, status=status)
    if status >= 500:
        return UnavailableError(f"{where}Jira is unavailable ({status}): {detail}",
                                target=target, status=status)
    return ConnectorError(f"{where}unexpected answer {status}: {detail}", target=target,
                          status=status)


class JiraHttp:
    """An httpx.AsyncClient plus the retry policy and error mapping."""

    def __init__(self, client: httpx.AsyncClient, policy: RetryPolicy, *, target: str,
                 auth_hint: str) -> None:
        self.client, self.policy, self.target, self.auth_hint = client, policy, target, \
            auth_hint

    async def request(self, method: str, url: str, *, idempotent: bool | None = None,
                      what: str = "", ok: tuple[int, ...] = (), **kwargs: Any
                      ) -> httpx.Response:
        """Sends with retries; returns a 2xx response (or one in `ok`), else raises."""
        if idempotent is None:
            idempotent = method in {"GET", "PUT", "DELETE", "HEAD"}
        policy = self.policy
        overall = policy.read_timeout + policy.connect_timeout

        async def send() -> httpx.Response:
            # asyncio's timeout also bounds transports that ignore httpx timeouts.
            async with asyncio.timeout(overall):
                return await self.client.request(method, url, **kwargs)

        result = await send_with_retry(send, policy, idempotent=idempotent)
        if isinstance(result, httpx.Response):
            if result.is_success or result.status_code in ok:
                return result
            raise error_for(result, target=self.target, auth_hint=self.auth_hint, what=what)
        raise self._failure(result, idempotent=idempotent, what=what)

    def _failure(self, outcome: Outcome, *, idempotent: bool, what: str) -> ConnectorError:
        response, name = outcome.response, type(outcome.error).__name__
        if response is None and not outcome.sent:
            return UnreachableError(f"{what}: cannot reach Jira ({name})", target=self.target)
        if response is None and not idempotent:
            return UncertainError(f"{what}: no answer from Jira after the request was sent "
                                  f"({name}); the change may have been made",
                                  target=self.target)
        if response is None:
            return UnavailableError(f"{what}: Jira did not answer ({name})",
                                    target=self.target)
        if not idempotent and response.status_code in RETRY_IF_IDEMPOTENT:
            return UncertainError(f"{what}: Jira answered {response.status_code} after the "
                                  "request was sent; the change may have been made",
                                  target=self.target)
        error = error_for(response, target=self.target, auth_hint=self.auth_hint, what=what)
        if isinstance(error, RateLimitError):
            error.retry_after = outcome.wait
        return error
