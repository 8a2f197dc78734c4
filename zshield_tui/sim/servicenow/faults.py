"""Fault injection and rate limiting, as a pure ASGI middleware in front of the routes."""

from __future__ import annotations

import asyncio
import json
import math
import random
from dataclasses import asdict, dataclass, field, fields
from typing import Any

MUTATING = {"POST", "PATCH", "PUT", "DELETE"}


@dataclass
class Faults:
    """What goes wrong, set in create_app or through POST /_sim/faults."""

    latency: float = 0.0            # seconds added to every API request
    error_rate: float = 0.0         # share of API requests answered `error_status`
    error_status: int = 503
    fail_next: int = 0              # the next N API requests answer `error_status`
    throttle_next: int = 0          # the next N API requests answer 429
    retry_after: int = 1            # Retry-After sent with a 429; 0 = send only the reset
    rate_limit_per_hour: int | None = None
    drop_next: int = 0              # the next N writes are applied, then never answered
    drop_hold: float = 30.0         # how long a dropped answer hangs before arriving late
    journal_hidden: bool = False    # sys_journal_field ACL: 200 with nothing
    batch_enabled: bool = True
    password_grant_enabled: bool = True
    client_credentials_enabled: bool = True
    seed: int | None = None
    counts: dict[str, Any] = field(default_factory=dict, repr=False)

    def update(self, values: dict[str, Any]) -> None:
        """Applies known keys; an unknown key is an error (a typo must not pass silently)."""
        names = {f.name for f in fields(self)} - {"counts"}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for key, value in values.items():
            setattr(self, key, value)

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("counts")
        return data


def _error_body(message: str, detail: str) -> bytes:
    return json.dumps({"error": {"message": message, "detail": detail},
                       "status": "failure"}).encode()


class FaultMiddleware:
    """Applies the Faults to `/api/` requests; `/_sim` and the token endpoint pass through."""

    def __init__(self, app, sim) -> None:
        self.app = app
        self.sim = sim
        self.random = random.Random(sim.faults.seed)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        faults, clock = self.sim.faults, self.sim.state.clock
        if faults.latency:
            await asyncio.sleep(faults.latency)
        limit_headers: list[tuple[bytes, bytes]] = []
        if faults.throttle_next > 0:
            faults.throttle_next -= 1
            reset = int(clock.timestamp()) + max(1, faults.retry_after)
            await self._throttle(send, faults.retry_after, reset, 100, "Table API")
            return
        if faults.rate_limit_per_hour:
            window = int(clock.timestamp() // 3600)
            used = faults.counts.get(window, 0) + 1
            faults.counts = {window: used}
            reset = (window + 1) * 3600
            if used > faults.rate_limit_per_hour:
                await self._throttle(send, math.ceil(reset - clock.timestamp()), reset,
                                     faults.rate_limit_per_hour, "Table API")
                return
            limit_headers = [(b"x-ratelimit-limit", str(faults.rate_limit_per_hour).encode()),
                             (b"x-ratelimit-remaining",
                              str(faults.rate_limit_per_hour - used).encode()),
                             (b"x-ratelimit-reset", str(reset).encode())]
        if faults.fail_next > 0 or (faults.error_rate and
                                    self.random.random() < faults.error_rate):
            faults.fail_next = max(0, faults.fail_next - 1)
            await _respond(send, faults.error_status,
                           _error_body("Service Unavailable", "Injected fault"), [])
            return
        dropping = scope["method"] in MUTATING and faults.drop_next > 0
        if dropping:
            faults.drop_next -= 1
        held: list[dict] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start" and limit_headers:
                message = dict(message, headers=[*message.get("headers", []), *limit_headers])
            if dropping:
                held.append(message)
            else:
                await send(message)

        await self.app(scope, receive, capture)
        if dropping:
            # The change is made; the answer is lost until long after any client gave up.
            await asyncio.sleep(faults.drop_hold)
            for message in held:
                await send(message)

    @staticmethod
    async def _throttle(send, retry_after: int, reset: int, limit: int, api: str) -> None:
        headers = [(b"x-ratelimit-limit", str(limit).encode()),
                   (b"x-ratelimit-remaining", b"0"),
                   (b"x-ratelimit-reset", str(reset).encode()),
                   (b"x-ratelimit-rule", b"a1b2c3d4e5f60718293a4b5c6d7e8f90")]
        if retry_after > 0:
            headers.append((b"retry-after", str(retry_after).encode()))
        body = _error_body("Rate limit exceeded",
                           f"Rate limit of {limit} requests per hour for {api} exceeded")
        await _respond(send, 429, body, headers)


async def _respond(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
