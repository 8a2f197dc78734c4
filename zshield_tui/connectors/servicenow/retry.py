"""ServiceNow's parameters of the shared retry policy (zshield_tui.connectors.retry).

Per the Table API rate limiting rules: a 429 carries Retry-After in seconds and
X-RateLimit-Reset as a UNIX time; it is retried for any request, since nothing was done.
5xx and network errors back off exponentially with full jitter, and only requests that are
harmless to repeat are repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from zshield_tui.connectors.retry import Outcome, send_with_retry
from zshield_tui.connectors.retry import RetryPolicy as SharedRetryPolicy

RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class RetryPolicy(SharedRetryPolicy):
    """The shared policy with ServiceNow's parameters."""

    max_attempts: int = 4
    max_delay: float = 30.0
    max_wait: float | None = 120.0
    full_jitter: bool = True
    retry_always: frozenset[int] = frozenset({429})
    retry_if_idempotent: frozenset[int] = RETRY_STATUSES
    reset_format: Literal["unix", "iso"] = "unix"


__all__ = ["Outcome", "RetryPolicy", "send_with_retry"]
