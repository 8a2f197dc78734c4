"""Basic and OAuth: form-encoded token requests, refresh before expiry, a 0600 token file,
secrets in no message."""

from __future__ import annotations

import stat
from urllib.parse import parse_qs

import pytest

from zshield_tui.connectors.errors import AuthError

from .conftest import ENV, target


async def test_basic_sends_the_service_account(make_connector, recorder):
    async with make_connector("basic") as connector:
        await connector.test_connection()
    assert recorder.requests[0].headers["authorization"].startswith("Basic ")


async def test_password_grant_is_form_encoded(make_connector, recorder, tmp_path):
    async with make_connector("oauth") as connector:
        await connector.test_connection()
    token = recorder.to("POST", "/oauth_token.do")[0]
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(token.content.decode())
    assert form["grant_type"] == ["password"] and form["username"] == ["zshield.integration"]
    assert recorder.requests[-1].headers["authorization"].startswith("Bearer ")


async def test_token_file_is_private_and_reused(make_connector, tmp_path, recorder):
    async with make_connector("oauth") as connector:
        await connector.test_connection()
    token_file = tmp_path / "tokens" / "snow.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    async with make_connector("oauth") as again:
        await again.test_connection()
    assert len(recorder.to("POST", "/oauth_token.do")) == 1


async def test_token_is_refreshed_before_expiry_and_not_rotated(make_connector, clock, sim):
    async with make_connector("oauth") as connector:
        await connector.test_connection()
        refresh = next(iter(sim.tokens.refresh))
        clock.advance(1799 - 30)   # inside the refresh margin, not yet expired
        await connector.test_connection()
        assert connector.api.credentials.grants == ["password", "refresh_token"]
        assert list(sim.tokens.refresh) == [refresh]


async def test_expired_refresh_token_falls_back_to_the_password(make_connector, clock, sim):
    async with make_connector("oauth") as connector:
        await connector.test_connection()
        sim.tokens.refresh.clear()
        clock.advance(3600)
        await connector.test_connection()
        assert connector.api.credentials.grants == ["password", "refresh_token", "password"]


async def test_revoked_access_token_gets_one_fresh_try(make_connector, sim):
    async with make_connector("oauth") as connector:
        await connector.test_connection()
        sim.tokens.access.clear()
        assert await connector.test_connection()


async def test_client_credentials_grant(make_connector, recorder):
    async with make_connector(target_config=target("client_credentials")) as connector:
        assert await connector.test_connection() == "OAuth client zshield-client"
    form = parse_qs(recorder.to("POST", "/oauth_token.do")[0].content.decode())
    assert form["grant_type"] == ["client_credentials"]


async def test_disabled_client_credentials_explains_the_setting(make_connector, sim):
    sim.faults.client_credentials_enabled = False
    async with make_connector(target_config=target("client_credentials")) as connector:
        with pytest.raises(AuthError, match="client.credential"):
            await connector.test_connection()


@pytest.mark.parametrize("auth", ["basic", "oauth"])
async def test_wrong_password_names_the_setting_not_the_secret(make_connector, auth):
    env = {**ENV, "SN_PASSWORD": "hunter2-wrong"}
    async with make_connector(auth, env=env) as connector:
        with pytest.raises(AuthError) as caught:
            await connector.test_connection()
    assert "hunter2" not in str(caught.value) and "zshield-secret" not in str(caught.value)
    assert "auth" in str(caught.value)


def test_missing_environment_variable_is_named(make_connector):
    with pytest.raises(AuthError, match="SN_PASSWORD"):
        make_connector("basic", env={})


def test_credentials_repr_hides_secrets(make_connector):
    connector = make_connector("oauth")
    assert "zshield-secret" not in repr(connector.api.credentials)
    assert "zshield" not in repr(connector.api.credentials).replace("zshield-client", "") \
        .replace("zshield.integration", "")


async def test_wrong_basic_password_is_sent_once(make_connector, recorder):
    async with make_connector("basic", env={**ENV, "SN_PASSWORD": "nope"}) as connector:
        with pytest.raises(AuthError):
            await connector.test_connection()
    assert len(recorder.requests) == 1   # a retry would only count another failed login
