"""Fixtures: the Jira simulator over ASGI, and connectors per deployment and auth method
whose every request is checked against the published OpenAPI documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from zshield_tui.connectors.jira import JiraConnector
from zshield_tui.connectors.jira.auth import OAuthHosts
from zshield_tui.sim.jira.app import create_app

from .jira_testkit import AUTHS, BASE, ENV, Recorder, fast_policy, seed_oauth, target


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_connector(app, recorder, tmp_path) -> Callable[..., JiraConnector]:
    made: list[JiraConnector] = []

    def make(auth: str, **kw) -> JiraConnector:
        transport = httpx.ASGITransport(app=app)
        extra = {}
        if auth == "oauth2":
            token_file = tmp_path / "oauth" / "jira.json"
            if not token_file.exists():
                seed_oauth(app, token_file)
            extra = {"token_file": token_file, "oauth_hosts": OAuthHosts(auth=BASE, api=BASE)}
        kw.setdefault("retry", fast_policy())
        kw.setdefault("projects", ["SEC"])
        connector = JiraConnector(target(auth), ENV, transport=transport, **extra, **kw)
        connector.client.event_hooks["request"].append(recorder.hook(AUTHS[auth][0]))
        made.append(connector)
        return connector

    return make


@pytest.fixture(params=list(AUTHS))
async def jira(request, make_connector, recorder) -> AsyncIterator[JiraConnector]:
    """A connector for each auth method (and so each deployment); at the end, every
    request it sent must match the published OpenAPI document."""
    connector = make_connector(request.param)
    async with connector:
        yield connector
    problems = recorder.problems()
    assert not problems, "\n".join(problems)
    assert recorder.requests, "no request was recorded"
