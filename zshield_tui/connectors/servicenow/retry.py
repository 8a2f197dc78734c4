"""Retries for ServiceNow calls: 429 honoured (Retry-After, else X-RateLimit-Reset as a
UNIX time), 5xx and network errors with exponential backoff and full jitter, bounded.

Clock, sleep and randomness are injectable so tests run in no time.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How often and how long to wait. `attempts` counts the first try."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_wait: float = 120.0     # never wait longer than this for a rate limit
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.time
    random: Callable[[], float] = field(default_factory=lambda: random.random)

    def backoff(self, attempt: int) -> float:
        """Full jitter: a random wait up to base * 2**attempt, capped."""
        return self.random() * min(self.max_delay, self.base_delay * (2 ** attempt))

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds the server asked us to wait, from Retry-After or X-RateLimit-Reset."""
        retry_after = response.headers.get("retry-after")
        if retry_after:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                pass
        reset = response.headers.get("x-ratelimit-reset")
        if reset:
            try:
                return max(0.0, float(reset) - self.clock())
            except ValueError:
                pass
        return None


class Outcome:
    """Why the last attempt failed, for the caller to turn into a ConnectorError."""

    def __init__(self, response: httpx.Response | None = None,
                 error: Exception | None = None, sent: bool = False,
                 wait: float | None = None) -> None:
        self.response = response
        self.error = error
        self.sent = sent        # the request may have reached the server
        self.wait = wait


async def send_with_retry(send: Callable[[], Awaitable[httpx.Response]], policy: RetryPolicy,
                          *, idempotent: bool) -> httpx.Response | Outcome:
    """The first response worth returning (any status but 429/5xx), or an Outcome.

    A write that is not idempotent (POST) is retried only when the server cannot have
    acted on it: 429, or a connection that never opened.
    """
    outcome = Outcome()
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        try:
            response = await send()
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            outcome = Outcome(error=exc)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError,
                TimeoutError) as exc:
            outcome = Outcome(error=exc, sent=True)
            if not idempotent:
                return outcome
        else:
            if response.status_code == 429:
                wait = policy.rate_limit_wait(response)
                outcome = Outcome(response=response, wait=wait)
                if last or (wait is not None and wait > policy.max_wait):
                    return outcome
                await policy.sleep(wait if wait is not None else policy.backoff(attempt))
                continue
            if response.status_code not in RETRY_STATUSES:
                return response
            outcome = Outcome(response=response, sent=True)
            if not idempotent:
                return outcome
        if last:
            return outcome
        await policy.sleep(policy.backoff(attempt))
    return outcome
