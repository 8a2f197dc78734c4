"""The ASGI layer in front of the routes: authentication (which also decides Cloud or
Data Center), the OAuth gateway prefix, rate limiting and fault injection."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import re
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from .state import CLOUD_EMAIL, CLOUD_ID, CLOUD_TOKEN, DC_PAT, JiraState

GATEWAY = re.compile(r"^/ex/jira/(?P<cloud>[^/]+)(?P<rest>/rest/.*)$")
UNAUTHENTICATED = {"errorMessages": ["You are not authenticated. Authentication required to "
                                     "perform this operation."], "errors": {}}
CHANGES = {"POST", "PUT", "DELETE"}


@dataclass
class Faults:
    """Switches for failure tests; settable in create_app() and at /_sim/faults."""

    latency: float = 0.0            # seconds added before every API request
    error_rate: float = 0.0         # share of API requests answered with error_status
    error_status: int = 503
    drop_after_change: int = 0      # the next N changes happen, but the answer never comes
    drop_hang: float = 30.0         # how long a dropped answer hangs before it is sent late
    rate_limit: int = 0             # requests per rate_window; 0 = unlimited
    rate_window: float = 1.0
    throttle_next: int = 0          # the next N API requests get 429 regardless
    retry_after: int = 1            # seconds sent in Retry-After
    seed: int = 0
    ignore_create_properties: bool = False  # a server that drops `properties` on create
    search_lag: float = 0.0         # Cloud search sees a new issue only after this long

    def update(self, values: dict[str, Any]) -> None:
        """Sets switches from a mapping; unknown names are refused."""
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown fault switches: {', '.join(unknown)}")
        for name, value in values.items():
            setattr(self, name, type(getattr(self, name))(value))

    def as_dict(self) -> dict[str, Any]:
        """The switches as JSON-ready values."""
        return asdict(self)


async def _send_json(send, status: int, body: Any, headers: dict[str, str] | None = None):
    raw = json.dumps(body).encode()
    head = [(b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", str(len(raw)).encode())]
    head += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})


class Gate:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app, state: JiraState, faults: Faults, clock) -> None:
        self.app, self.state, self.faults, self.clock = app, state, faults, clock
        self.random = random.Random(faults.seed)
        self.window_start = 0.0
        self.window_count = 0

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(("/rest/", "/ex/jira/", "/secure/")):
            await self.app(scope, receive, send)
            return
        if await self._throttled(send) or await self._injected_error(send):
            return
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        scope = dict(scope)
        if not self._authenticate(scope):
            await _send_json(send, 401, UNAUTHENTICATED,
                             {"WWW-Authenticate": 'Basic realm="protected-area"'})
            return
        # POST search reads; only requests that change something are dropped.
        change = scope["method"] in CHANGES and not scope["path"].endswith(
            ("/search", "/search/jql"))
        if change and self.faults.drop_after_change > 0:
            self.faults.drop_after_change -= 1
            await self._dropped(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authenticate(self, scope: dict[str, Any]) -> bool:
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        header = headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        gateway = GATEWAY.match(scope["path"])
        scope["jira_prefix"] = ""
        if gateway:
            if gateway["cloud"] != CLOUD_ID:
                return False
            scope["jira_prefix"] = f"/ex/jira/{CLOUD_ID}"
            scope["path"] = gateway["rest"]
            scope["raw_path"] = gateway["rest"].encode()
        if scheme.lower() == "basic":
            try:
                email, _, token = base64.b64decode(credential).decode().partition(":")
            except ValueError:
                return False
            if (email, token) != (CLOUD_EMAIL, CLOUD_TOKEN):
                return False
            scope["jira_deployment"] = "cloud"
        elif scheme.lower() == "bearer" and credential == DC_PAT and not gateway:
            scope["jira_deployment"] = "datacenter"
        elif scheme.lower() == "bearer" and gateway:
            # 3LO access tokens work only through the gateway, never on the site URL.
            expiry = self.state.access_tokens.get(credential)
            if expiry is None or expiry < self.clock():
                return False
            scope["jira_deployment"] = "cloud"
        else:
            return False
        scope["jira_user"] = self.state.bot
        return True

    async def _throttled(self, send) -> bool:
        f, now = self.faults, self.clock()
        limited = False
        if f.throttle_next > 0:
            f.throttle_next -= 1
            limited = True
        elif f.rate_limit:
            if now - self.window_start >= f.rate_window:
                self.window_start, self.window_count = now, 0
            self.window_count += 1
            limited = self.window_count > f.rate_limit
        if not limited:
            return False
        reset = datetime.fromtimestamp(now + f.retry_after, UTC).strftime("%Y-%m-%dT%H:%MZ")
        await _send_json(send, 429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, {
            "Retry-After": str(f.retry_after), "X-RateLimit-Limit": str(f.rate_limit or 1),
            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset,
            "RateLimit-Reason": "jira-burst-based",
            # Data Center's token-bucket headers.
            "X-RateLimit-Interval-Seconds": str(int(f.rate_window) or 1),
            "X-RateLimit-FillRate": str(f.rate_limit or 1)})
        return True

    async def _injected_error(self, send) -> bool:
        if not self.faults.error_rate or self.random.random() >= self.faults.error_rate:
            return False
        await _send_json(send, self.faults.error_status,
                         {"errorMessages": ["Service temporarily unavailable."], "errors": {}})
        return True

    async def _dropped(self, scope, receive, send) -> None:
        """Makes the change, then holds the answer back (the client times out)."""
        held: list[dict[str, Any]] = []

        async def keep(message: dict[str, Any]) -> None:
            held.append(message)

        await self.app(scope, receive, keep)
        await asyncio.sleep(self.faults.drop_hang)
        for message in held:
            await send(message)
