"""OAuth 2.0 (3LO): loopback login, rotating refresh tokens in a 0600 file, cloud id from
accessible-resources, API calls through /ex/jira/{cloudId}."""

from __future__ import annotations

import json
import stat
import time

import httpx
import pytest

from zshield_tui.connectors.errors import AuthError
from zshield_tui.connectors.jira import JiraConnector
from zshield_tui.connectors.jira.auth import OAuthHosts, OAuthSession
from zshield_tui.sim.jira import state as sim

from .jira_testkit import BASE, ENV, fast_policy, target


def session(app, token_file, secret: str = sim.OAUTH_CLIENT_SECRET) -> OAuthSession:
    return OAuthSession(client_id=sim.OAUTH_CLIENT_ID, client_secret=secret,
                        secret_setting="ZSHIELD_JIRA_SECRET", token_file=token_file,
                        site_url=sim.SITE_URL, hosts=OAuthHosts(auth=BASE, api=BASE),
                        transport=httpx.ASGITransport(app=app))


async def browser_for(app):
    """Plays the browser: follows the consent redirect to the loopback listener."""
    async def open_browser(url: str) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as sim_client:
            consent = await sim_client.get(url)
        assert consent.status_code == 302
        async with httpx.AsyncClient() as loopback:  # 127.0.0.1 only
            done = await loopback.get(consent.headers["location"])
        assert "login complete" in done.text
    return open_browser


async def test_login_over_loopback_saves_tokens_0600(app, tmp_path):
    token_file = tmp_path / "oauth" / "jira.json"
    oauth = session(app, token_file)
    await oauth.login(await browser_for(app), timeout=10)
    saved = json.loads(token_file.read_text())
    assert saved["cloud_id"] == sim.CLOUD_ID and saved["refresh_token"]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert sim.OAUTH_CLIENT_SECRET not in repr(oauth)


async def test_authorization_url_asks_for_offline_access(app, tmp_path):
    url = session(app, tmp_path / "t.json").authorization_url("http://127.0.0.1:9/cb", "s")
    for part in ("audience=api.atlassian.com", "offline_access", "response_type=code",
                 "prompt=consent", "state=s"):
        assert part in url


async def test_refresh_rotates_and_persists_each_new_token(app, tmp_path):
    token_file = tmp_path / "jira.json"
    oauth = session(app, token_file)
    await oauth.login(await browser_for(app), timeout=10)
    first = json.loads(token_file.read_text())["refresh_token"]
    await oauth.refresh()
    second = json.loads(token_file.read_text())["refresh_token"]
    assert second != first and first not in app.state.jira.refresh_tokens
    stale = session(app, tmp_path / "stale.json")
    stale._tokens = {"access_token": "x", "refresh_token": first, "expires_at": 0}
    with pytest.raises(AuthError, match="log in"):
        await stale.refresh()


async def test_expired_access_token_is_refreshed_before_the_call(make_connector, app,
                                                                 tmp_path):
    jira = make_connector("oauth2")
    token_file = jira.oauth.token_file
    tokens = json.loads(token_file.read_text())
    tokens["expires_at"] = time.time() - 10
    token_file.write_text(json.dumps(tokens))
    async with jira:
        assert "SOC Bot" in await jira.test_connection()
    assert json.loads(token_file.read_text())["refresh_token"] != tokens["refresh_token"]


async def test_api_calls_go_through_the_gateway(make_connector, recorder):
    jira = make_connector("oauth2")
    async with jira:
        await jira.test_connection()
    assert (await jira.oauth.api_base()) == f"{BASE}/ex/jira/{sim.CLOUD_ID}"


async def test_3lo_token_is_refused_on_the_site_url(make_connector, app):
    jira = make_connector("oauth2")
    async with jira:
        token = await jira.oauth.access_token()
        direct = await jira.client.get(f"{BASE}/rest/api/3/myself",
                                       headers={"Authorization": f"Bearer {token}"},
                                       auth=None)
    assert direct.status_code == 401


async def test_wrong_client_secret_names_the_setting(app, tmp_path):
    jira = JiraConnector(target("oauth2"), {**ENV, "ZSHIELD_JIRA_SECRET": "bad-secret"},
                         transport=httpx.ASGITransport(app=app), retry=fast_policy(),
                         token_file=tmp_path / "none.json",
                         oauth_hosts=OAuthHosts(auth=BASE, api=BASE))
    with pytest.raises(AuthError, match="log in"):
        await jira.test_connection()
    with pytest.raises(AuthError) as caught:
        await jira.oauth.exchange_code("sim-code-x", "http://127.0.0.1:1/cb")
    assert "ZSHIELD_JIRA_SECRET" in str(caught.value) and "bad-secret" not in str(caught.value)
    await jira.aclose()


def test_oauth_is_refused_for_data_center():
    from zshield_tui.config import TargetConfig
    config = TargetConfig(name="dc", kind="jira", url=BASE, deployment="datacenter",
                          auth={"method": "oauth2", "client_id": "c",
                                "client_secret_env": "ZSHIELD_JIRA_SECRET"})
    with pytest.raises(AuthError, match="pat"):
        JiraConnector(config, ENV)


async def test_revoked_access_token_is_refreshed_once_on_401(make_connector, app):
    jira = make_connector("oauth2")
    async with jira:
        await jira.test_connection()
        app.state.jira.access_tokens.clear()  # revoked server-side before it expired
        assert "SOC Bot" in await jira.test_connection()


class RecordingTransport(httpx.AsyncBaseTransport):
    """Keeps the OAuth requests (they are not in the Jira platform OpenAPI document)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.seen = inner, []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.seen.append(request)
        return await self.inner.handle_async_request(request)


async def test_token_requests_are_json_as_documented(app, tmp_path):
    """API-FACTS A1.3: JSON bodies to /oauth/token, Bearer to accessible-resources."""
    transport = RecordingTransport(httpx.ASGITransport(app=app))
    oauth = session(app, tmp_path / "t.json")
    oauth._transport = transport
    await oauth.login(await browser_for(app), timeout=10)
    await oauth.refresh()
    token_calls = [r for r in transport.seen if r.url.path == "/oauth/token"]
    bodies = [json.loads(r.content) for r in token_calls]
    assert all(r.headers["content-type"] == "application/json" for r in token_calls)
    assert set(bodies[0]) == {"grant_type", "code", "redirect_uri", "client_id",
                              "client_secret"}
    assert bodies[0]["grant_type"] == "authorization_code"
    assert set(bodies[1]) == {"grant_type", "refresh_token", "client_id", "client_secret"}
    resources = [r for r in transport.seen if r.url.path.endswith("/accessible-resources")]
    assert resources and resources[0].headers["authorization"].startswith("Bearer ")


async def test_concurrent_calls_share_one_refresh(make_connector, app):
    """Refresh tokens rotate: two refreshes racing with the same token would lose one."""
    import asyncio

    jira = make_connector("oauth2")
    token_file = jira.oauth.token_file
    tokens = json.loads(token_file.read_text())
    tokens["expires_at"] = time.time() - 10
    token_file.write_text(json.dumps(tokens))
    async with jira:
        key = (await jira.create({"fields": {"project": {"key": "SEC"},
                                             "issuetype": {"name": "Bug"},
                                             "summary": "s"}}, correlation_key="ZS-R")).ticket.key
        issued_before = len(app.state.jira.access_tokens)
        tokens = json.loads(token_file.read_text())
        tokens["expires_at"] = time.time() - 10
        token_file.write_text(json.dumps(tokens))
        jira.oauth._tokens = None
        tickets = await asyncio.gather(*(jira.get(key) for _ in range(5)))
    assert {t.key for t in tickets} == {key}
    assert len(app.state.jira.access_tokens) == issued_before + 1
