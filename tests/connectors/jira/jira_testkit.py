"""Helpers for the Jira connector tests: targets per auth method, the request recorder
that checks every request against the OpenAPI specs, a retry policy that never sleeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from zshield_tui.config import TargetConfig
from zshield_tui.connectors.jira.auth import write_private
from zshield_tui.connectors.jira.http import RetryPolicy
from zshield_tui.sim.jira import state as sim

from .jira_spec import check_request

BASE = "http://127.0.0.1:8089"
ENV = {"ZSHIELD_JIRA_TOKEN": sim.CLOUD_TOKEN, "ZSHIELD_JIRA_PAT": sim.DC_PAT,
       "ZSHIELD_JIRA_SECRET": sim.OAUTH_CLIENT_SECRET}
AUTHS = {
    "api_token": ("cloud", {"method": "api_token", "email": sim.CLOUD_EMAIL,
                            "token_env": "ZSHIELD_JIRA_TOKEN"}),
    "pat": ("datacenter", {"method": "pat", "token_env": "ZSHIELD_JIRA_PAT"}),
    "oauth2": ("cloud", {"method": "oauth2", "client_id": sim.OAUTH_CLIENT_ID,
                         "client_secret_env": "ZSHIELD_JIRA_SECRET"}),
}


class Recorder:
    """An httpx event hook collecting (deployment, method, path, body, content type)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str, bytes, str, tuple[str, ...]]] = []

    def hook(self, deployment: str) -> Callable[[httpx.Request], object]:
        async def record(request: httpx.Request) -> None:
            path = urlsplit(str(request.url)).path
            if path.startswith("/ex/jira/"):
                path = "/" + path.split("/", 4)[4]
            if path.startswith("/rest/"):
                body = request.content if hasattr(request, "_content") else b""
                self.requests.append((deployment, request.method, path, body,
                                      request.headers.get("content-type", ""),
                                      tuple(request.url.params.keys())))
        return record

    def problems(self) -> list[str]:
        out = []
        for deployment, method, path, body, ctype, query in self.requests:
            try:
                out += check_request(deployment, method, path, body, ctype, query)
            except AssertionError as exc:
                out.append(str(exc))
        return out


def fast_policy(**kw) -> RetryPolicy:
    async def no_sleep(_: float) -> None:
        return None
    return RetryPolicy(sleep=no_sleep, **{"read_timeout": 2.0, **kw})


def target(auth: str, url: str = BASE) -> TargetConfig:
    """OAuth targets name the Cloud site (matched in accessible-resources); the others
    name the simulator directly."""
    deployment, spec = AUTHS[auth]
    return TargetConfig(name=f"jira-{auth}", kind="jira",
                        url=sim.SITE_URL if auth == "oauth2" else url,
                        deployment=deployment, auth=spec)


def seed_oauth(app, token_file: Path) -> None:
    """A completed login: tokens from the simulator's token endpoint, saved 0600."""
    grant = app.state.jira.issue_tokens("read:jira-work write:jira-work read:jira-user "
                                        "offline_access", 3600, datetime.now(UTC).timestamp())
    write_private(token_file, {**grant, "expires_at": datetime.now(UTC).timestamp() + 3600,
                               "cloud_id": None})
