"""One retry policy for every connector: bounded attempts, exponential backoff with jitter,
the server's own wait (Retry-After, else X-RateLimit-Reset) honoured, and the replay rule:
a request is repeated only when the server cannot have acted on it or repeating it is
harmless. What differs per system is a few parameters, set by the connector's subclass.

Clock, sleep and randomness are injectable so tests run in no time.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

# The request was never sent: repeating it is always safe.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# It may have reached the server: only an idempotent request repeats it.
MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError,
              TimeoutError)


@dataclass
class RetryPolicy:
    """How often and how long to retry. `max_attempts` counts the first try."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0          # cap of one backoff
    # A longer wait asked by the server is handed back, not slept; None: max_delay.
    max_wait: float | None = 120.0
    jitter: float = 1.0
    # Full jitter: a random wait up to the delay; else the delay plus up to `jitter` of it.
    full_jitter: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # Statuses that prove nothing was done (retried for any request), and those that may
    # come after the change was made (retried only when repeating it is harmless).
    retry_always: frozenset[int] = frozenset({429})
    retry_if_idempotent: frozenset[int] = frozenset({500, 502, 503, 504})
    reset_format: Literal["unix", "iso"] = "unix"   # how X-RateLimit-Reset is written
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.time           # UNIX seconds
    random: Callable[[], float] = field(default_factory=lambda: random.random)

    def timeout(self) -> httpx.Timeout:
        """The httpx timeouts of this policy."""
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)

    def backoff(self, retry: int) -> float:
        """The wait before the retry-th retry (1-based): exponential, jittered, capped."""
        delay = self.base_delay * 2 ** (retry - 1)
        spread = self.random() if self.full_jitter else 1 + self.jitter * self.random()
        return min(self.max_delay, delay * spread)

    def server_delay(self, response: httpx.Response) -> float | None:
        """Seconds the server asked for: Retry-After (seconds or an HTTP date), else
        X-RateLimit-Reset in the system's format; None when it said nothing usable."""
        value = response.headers.get("retry-after")
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                try:
                    return max(0.0, parsedate_to_datetime(value).timestamp() - self.clock())
                except (TypeError, ValueError):
                    pass
        reset = response.headers.get("x-ratelimit-reset")
        if reset:
            try:
                when = (float(reset) if self.reset_format == "unix" else
                        datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp())
            except ValueError:
                return None
            return max(0.0, when - self.clock())
        return None

    @property
    def wait_limit(self) -> float:
        return self.max_delay if self.max_wait is None else self.max_wait

    def retries(self, status: int, *, idempotent: bool) -> bool:
        return status in self.retry_always or (idempotent and status in
                                                self.retry_if_idempotent)


class Outcome:
    """Why the last attempt failed, for the caller to turn into a ConnectorError."""

    def __init__(self, response: httpx.Response | None = None,
                 error: Exception | None = None, sent: bool = False,
                 wait: float | None = None) -> None:
        self.response = response
        self.error = error
        self.sent = sent        # the request may have reached the server
        self.wait = wait        # what the server asked for, if it did


async def send_with_retry(send: Callable[[], Awaitable[httpx.Response]], policy: RetryPolicy,
                          *, idempotent: bool) -> httpx.Response | Outcome:
    """The first response not worth retrying (success or not), or an Outcome.

    A request that is not idempotent is retried only when the server cannot have acted on
    it: a status in `retry_always`, or a connection that never opened.
    """
    outcome = Outcome()
    for retry in range(1, policy.max_attempts + 1):
        last = retry == policy.max_attempts
        delay: float | None = None
        try:
            response = await send()
        except NOT_SENT as exc:
            outcome = Outcome(error=exc)
        except MAYBE_SENT as exc:
            outcome = Outcome(error=exc, sent=True)
            if not idempotent:
                return outcome
        else:
            status = response.status_code
            if not policy.retries(status, idempotent=True):
                return response
            delay = policy.server_delay(response)
            outcome = Outcome(response=response, sent=status not in policy.retry_always,
                              wait=delay)
            if not policy.retries(status, idempotent=idempotent):
                return outcome
            # Retrying before the server's time only earns a longer wait: hand it back.
            if delay is not None and delay > policy.wait_limit:
                return outcome
        if last:
            return outcome
        await policy.sleep(delay if delay is not None else policy.backoff(retry))
    return outcome
