"""Requests with the shared retry policy, and Jira error bodies as ConnectorErrors.

429 and 503 wait for Retry-After (seconds or an HTTP date) or X-RateLimit-Reset (ISO-8601
on Jira), else back off exponentially with jitter; attempts are bounded. A request that was
sent but got no answer is retried only when repeating it is harmless; otherwise it raises
UncertainError so the caller looks before it creates again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from zshield_tui.connectors.errors import (
    AuthError,
    ConnectorError,
    NotFoundError,
    RateLimitError,
    UnavailableError,
    UncertainError,
    ValidationError,
)

# 409 (conflicting concurrent update) and 503 mean the change was not made: safe to repeat.
RETRY_STATUS = {409, 429, 503}
# 502/504 may arrive after the change was made: only idempotent requests repeat them.
RETRY_IF_IDEMPOTENT = {500, 502, 504}


@dataclass
class RetryPolicy:
    """How often and how long to retry; `sleep`, `now` and `random` are injectable."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    jitter: float = 0.5
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    random: Callable[[], float] = random.random

    def timeout(self) -> httpx.Timeout:
        """The httpx timeouts of this policy."""
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)

    def backoff(self, attempt: int) -> float:
        """Exponential delay for the attempt-th retry (1-based), with jitter, capped."""
        delay = self.base_delay * 2 ** (attempt - 1)
        return min(self.max_delay, delay * (1 + self.jitter * self.random()))

    def server_delay(self, response: httpx.Response) -> float | None:
        """What the server asked for: Retry-After, else X-RateLimit-Reset."""
        value = response.headers.get("retry-after")
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                try:
                    return max(0.0, (parsedate_to_datetime(value) - self.now()).total_seconds())
                except (TypeError, ValueError):
                    pass
        reset = response.headers.get("x-ratelimit-reset")
        if reset:
            try:
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                return max(0.0, (when - self.now()).total_seconds())
            except ValueError:
                return None
        return None


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
        for attempt in range(1, policy.max_attempts + 1):
            last = attempt == policy.max_attempts
            try:
                # asyncio's timeout also bounds transports that ignore httpx timeouts.
                async with asyncio.timeout(overall):
                    response = await self.client.request(method, url, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if last:
                    raise UnavailableError(f"{what}: cannot reach Jira ({type(exc).__name__})",
                                           target=self.target) from None
                await policy.sleep(policy.backoff(attempt))
                continue
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError,
                    TimeoutError) as exc:
                if not idempotent:
                    raise UncertainError(
                        f"{what}: no answer from Jira after the request was sent "
                        f"({type(exc).__name__}); the change may have been made",
                        target=self.target) from None
                if last:
                    raise UnavailableError(f"{what}: Jira did not answer "
                                           f"({type(exc).__name__})", target=self.target
                                           ) from None
                await policy.sleep(policy.backoff(attempt))
                continue
            status = response.status_code
            if response.is_success or status in ok:
                return response
            retry = status in RETRY_STATUS or (idempotent and status in RETRY_IF_IDEMPOTENT)
            delay = policy.server_delay(response) if retry else None
            # Retrying before Retry-After only earns a longer wait: hand a long one back.
            if retry and not last and (delay is None or delay <= policy.max_delay):
                await policy.sleep(delay if delay is not None else policy.backoff(attempt))
                continue
            if not idempotent and status in RETRY_IF_IDEMPOTENT:
                raise UncertainError(f"{what}: Jira answered {status} after the request was "
                                     "sent; the change may have been made", target=self.target)
            error = error_for(response, target=self.target, auth_hint=self.auth_hint, what=what)
            if isinstance(error, RateLimitError):
                error.retry_after = delay
            raise error
        raise AssertionError("unreachable")  # pragma: no cover
