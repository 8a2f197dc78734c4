"""Jira credentials as httpx.Auth: Cloud API token (Basic), Data Center PAT (Bearer) and
Cloud OAuth 2.0 (3LO) with rotating refresh tokens kept in a 0600 file.

Secrets live only inside these objects: their repr and every error name the setting
(e.g. `auth.token_env ZSHIELD_JIRA_TOKEN`), never the value.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from zshield_tui.config import ApiTokenAuth, OAuth2Auth, PatAuth, TargetConfig
from zshield_tui.connectors.errors import AuthError

SCOPES = "read:jira-work write:jira-work read:jira-user offline_access"


class BasicTokenAuth(httpx.Auth):
    """Cloud: `Authorization: Basic base64(email:api_token)`."""

    def __init__(self, email: str, token: str) -> None:
        raw = base64.b64encode(f"{email}:{token}".encode()).decode()
        self._header = f"Basic {raw}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BasicTokenAuth(<hidden>)"


class BearerAuth(httpx.Auth):
    """Data Center personal access token: `Authorization: Bearer <PAT>` (never Basic)."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"


@dataclass(frozen=True)
class OAuthHosts:
    """Where 3LO talks to; tests point both at the simulator."""

    auth: str = "https://auth.atlassian.com"
    api: str = "https://api.atlassian.com"


def write_private(path: Path, data: dict[str, Any]) -> None:
    """Writes JSON atomically with mode 0600 (the file holds a refresh token)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class OAuthSession(httpx.Auth):
    """3LO tokens for one target: login, exchange, refresh (single-flight, rotation
    persisted every time), cloud id lookup, and Bearer headers on API calls."""

    requires_response_body = False

    def __init__(self, *, client_id: str, client_secret: str, secret_setting: str,
                 token_file: Path, site_url: str, hosts: OAuthHosts | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.secret_setting = secret_setting
        self.token_file = token_file
        self.site_url = site_url.rstrip("/")
        self.hosts = hosts or OAuthHosts()
        self._transport = transport
        self.clock = clock
        self._lock = asyncio.Lock()
        self._tokens: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"OAuthSession(client_id={self.client_id!r}, token_file={str(self.token_file)!r})"

    # -- the token file -----------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self._tokens is None:
            try:
                self._tokens = json.loads(self.token_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise AuthError("not logged in to Jira Cloud (OAuth): log in (OAuth consent) for "
                                "this target first (zshield config)") from None
        return self._tokens

    def _save(self, body: dict[str, Any]) -> None:
        old = self._tokens or {}
        tokens = {"access_token": body["access_token"],
                  "refresh_token": body.get("refresh_token") or old.get("refresh_token"),
                  "expires_at": self.clock() + float(body.get("expires_in", 3600)),
                  "scope": body.get("scope", ""), "cloud_id": old.get("cloud_id")}
        self._tokens = tokens
        write_private(self.token_file, tokens)

    # -- the flow -----------------------------------------------------------------------
    def authorization_url(self, redirect_uri: str, state: str) -> str:
        """The consent URL the browser opens (asks for offline_access)."""
        query = urlencode({"audience": "api.atlassian.com", "client_id": self.client_id,
                           "scope": SCOPES, "redirect_uri": redirect_uri, "state": state,
                           "response_type": "code", "prompt": "consent"})
        return f"{self.hosts.auth}/authorize?{query}"

    async def _token_call(self, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "client_id": self.client_id, "client_secret": self._secret}
        async with httpx.AsyncClient(transport=self._transport, timeout=30) as client:
            response = await client.post(f"{self.hosts.auth}/oauth/token", json=body)
        if response.status_code >= 400:
            try:
                reason = response.json().get("error", "")
            except ValueError:
                reason = ""
            if reason == "invalid_grant":
                raise AuthError("the Jira OAuth grant expired or was revoked: log in "
                                "again (OAuth consent, zshield config) for this target", status=403)
            raise AuthError(f"the Jira OAuth token exchange failed ({response.status_code} "
                            f"{reason}): check auth.client_id and auth.client_secret_env "
                            f"{self.secret_setting}", status=response.status_code)
        return response.json()

    async def exchange_code(self, code: str, redirect_uri: str) -> None:
        """Turns the authorization code into tokens and finds the site's cloud id."""
        self._save(await self._token_call({"grant_type": "authorization_code", "code": code,
                                           "redirect_uri": redirect_uri}))
        await self.cloud_id(refresh=True)

    async def refresh(self) -> None:
        """Uses (and replaces) the refresh token; one refresh at a time."""
        tokens = self._load()
        if not tokens.get("refresh_token"):
            raise AuthError("no OAuth refresh token (offline_access missing): log in "
                            "again (OAuth consent, zshield config) for this target")
        self._save(await self._token_call({"grant_type": "refresh_token",
                                           "refresh_token": tokens["refresh_token"]}))

    async def access_token(self, *, force_refresh: bool = False) -> str:
        """A valid access token, refreshed (and the rotation saved) when due."""
        async with self._lock:
            tokens = self._load()
            if force_refresh or tokens.get("expires_at", 0) - 60 <= self.clock():
                await self.refresh()
            return self._load()["access_token"]

    async def cloud_id(self, *, refresh: bool = False) -> str:
        """The cloud id of the configured site, from accessible-resources."""
        tokens = self._load()
        if tokens.get("cloud_id") and not refresh:
            return tokens["cloud_id"]
        access = await self.access_token()
        tokens = self._load()
        async with httpx.AsyncClient(transport=self._transport, timeout=30) as client:
            response = await client.get(
                f"{self.hosts.api}/oauth/token/accessible-resources",
                headers={"Authorization": f"Bearer {access}"})
        if response.status_code != 200:
            raise AuthError(f"accessible-resources answered {response.status_code}: log in "
                            "again (OAuth consent, zshield config)", status=response.status_code)
        sites = response.json()
        match = next((s for s in sites if s.get("url", "").rstrip("/") == self.site_url),
                     sites[0] if len(sites) == 1 else None)
        if match is None:
            names = ", ".join(s.get("url", "?") for s in sites) or "none"
            raise AuthError(f"the OAuth grant does not cover url {self.site_url}; it covers: "
                            f"{names}")
        tokens["cloud_id"] = match["id"]
        write_private(self.token_file, tokens)
        return match["id"]

    async def api_base(self) -> str:
        """`{api host}/ex/jira/{cloudId}`: where 3LO calls must go."""
        return f"{self.hosts.api}/ex/jira/{await self.cloud_id()}"

    async def login(self, open_browser: Callable[[str], Awaitable[None] | None], *,
                    timeout: float = 300.0) -> None:
        """Authorization-code flow with a one-shot loopback redirect on 127.0.0.1."""
        state = secrets.token_urlsafe(16)
        result: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            line = (await reader.readline()).decode(errors="replace")
            while (await reader.readline()) not in {b"\r\n", b"\n", b""}:
                pass
            query = parse_qs(urlsplit(line.split(" ")[1] if " " in line else "").query)
            ok = query.get("state", [""])[0] == state and "code" in query
            text = "zshield: Jira login complete, you can close this tab." if ok else \
                "zshield: login failed (state mismatch or no code)."
            writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                         f"{len(text)}\r\nConnection: close\r\n\r\n{text}".encode())
            await writer.drain()
            writer.close()
            if not result.done():
                if ok:
                    result.set_result(query["code"][0])
                else:
                    result.set_exception(AuthError("OAuth login failed: state mismatch or "
                                                   "consent refused"))

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        redirect = f"http://127.0.0.1:{port}/callback"
        try:
            opened = open_browser(self.authorization_url(redirect, state))
            if opened is not None:
                await opened
            code = await asyncio.wait_for(result, timeout)
        except TimeoutError:
            raise AuthError("OAuth login timed out waiting for the browser") from None
        finally:
            server.close()
            await server.wait_closed()
        await self.exchange_code(code, redirect)

    async def async_auth_flow(self, request: httpx.Request
                              ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Bearer header; one refresh and repeat on a 401."""
        request.headers["Authorization"] = f"Bearer {await self.access_token()}"
        response = yield request
        if response.status_code == 401:
            # The access token may have been revoked early: refresh once and repeat.
            request.headers["Authorization"] = \
                f"Bearer {await self.access_token(force_refresh=True)}"
            yield request


def _secret(env: Mapping[str, str], var: str, setting: str, target: str) -> str:
    value = env.get(var)
    if not value:
        raise AuthError(f"environment variable {var} (from {setting}) is not set", target=target)
    return value


def build_auth(target: TargetConfig, env: Mapping[str, str], *,
               transport: httpx.AsyncBaseTransport | None, hosts: OAuthHosts | None,
               token_file: Path) -> tuple[httpx.Auth, str, OAuthSession | None]:
    """(httpx auth, the hint an auth failure shows, the OAuth session if any)."""
    auth, name = target.auth, target.name
    if isinstance(auth, ApiTokenAuth):
        token = _secret(env, auth.token_env, "auth.token_env", name)
        return (BasicTokenAuth(auth.email, token),
                f"check auth.token_env {auth.token_env} and auth.email {auth.email}", None)
    if isinstance(auth, PatAuth):
        token = _secret(env, auth.token_env, "auth.token_env", name)
        return (BearerAuth(token), f"check auth.token_env {auth.token_env} (a Data Center "
                                   "personal access token)", None)
    if isinstance(auth, OAuth2Auth):
        if target.deployment != "cloud":
            raise AuthError('OAuth 2.0 (3LO) is for Jira Cloud: use method = "pat" on Data '
                            "Center", target=name)
        session = OAuthSession(
            client_id=auth.client_id, secret_setting=auth.client_secret_env,
            client_secret=_secret(env, auth.client_secret_env, "auth.client_secret_env", name),
            token_file=token_file, site_url=target.url, hosts=hosts, transport=transport)
        return (session, f"log in to Jira Cloud again for target {name} (OAuth consent), or "
                         f"check auth.client_id and auth.client_secret_env "
                         f"{auth.client_secret_env}", session)
    raise AuthError(f"auth.method {auth.method!r} is not supported for Jira: use api_token "
                    "(Cloud), pat (Data Center) or oauth2 (Cloud)", target=name)
