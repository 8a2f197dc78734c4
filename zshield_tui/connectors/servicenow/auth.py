"""Credentials for ServiceNow: Basic, or OAuth 2.0 at `/oauth_token.do` (password grant
with refresh, or client credentials when no user is configured).

Tokens are refreshed a minute before they expire, persisted only in a 0600 file in the
user data dir, and never appear in a log line, a repr or an error message.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from zshield_tui.config import BasicAuth, OAuth2Auth, TargetConfig
from zshield_tui.connectors.errors import AuthError, UnavailableError, UnreachableError
from zshield_tui.paths import data_dir

REFRESH_MARGIN = 60.0


def _secret(env: Mapping[str, str], name: str | None, setting: str, target: str) -> str:
    value = env.get(name or "", "")
    if not value:
        raise AuthError(f"environment variable {name or '(unset)'} named by {setting} is empty "
                        f"or missing: set it before connecting", target=target)
    return value


class Credentials(ABC):
    """Produces the Authorization header; `invalidate()` after a 401 forces a new token."""

    @abstractmethod
    async def header(self, client: httpx.AsyncClient) -> str:
        """The value of the Authorization header for the next request."""

    def invalidate(self) -> None:  # noqa: B027 - a real default: Basic has no token to forget
        """Forgets a cached token (Basic has none)."""

    @property
    def refreshable(self) -> bool:
        """Whether a 401 may be cured by a new token (never retry a wrong password)."""
        return False

    @property
    def user(self) -> str | None:
        """The user name calls run as, when known (not for client credentials)."""
        return None


class BasicCredentials(Credentials):
    def __init__(self, auth: BasicAuth, env: Mapping[str, str], target: str) -> None:
        password = _secret(env, auth.password_env, "auth.password_env", target)
        raw = f"{auth.username}:{password}".encode()
        self._header = "Basic " + base64.b64encode(raw).decode()
        self._user = auth.username

    def __repr__(self) -> str:
        return f"BasicCredentials(user={self._user!r})"

    async def header(self, client: httpx.AsyncClient) -> str:
        return self._header

    @property
    def user(self) -> str | None:
        return self._user


def default_token_file(target: TargetConfig) -> Path:
    return data_dir() / "tokens" / f"servicenow-{target.name}.json"


class OAuthCredentials(Credentials):
    """Password grant (username + password_env set) or client credentials otherwise."""

    def __init__(self, target: TargetConfig, env: Mapping[str, str], *,
                 token_file: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        auth = target.auth
        assert isinstance(auth, OAuth2Auth)
        self._target = target.name
        self._url = target.url.rstrip("/") + "/oauth_token.do"
        self._client_id = auth.client_id
        self._secret = _secret(env, auth.client_secret_env, "auth.client_secret_env",
                               target.name)
        self._username = auth.username
        self._password = (_secret(env, auth.password_env, "auth.password_env", target.name)
                          if auth.username else None)
        self._file = token_file or default_token_file(target)
        self._clock = clock
        self._lock = asyncio.Lock()
        self._access: str | None = None
        self._refresh: str | None = None
        self._expires_at = 0.0
        self.grants: list[str] = []   # which grants ran, for tests and diagnostics
        self._load()

    def __repr__(self) -> str:
        return f"OAuthCredentials(client_id={self._client_id!r}, user={self._username!r})"

    @property
    def user(self) -> str | None:
        return self._username

    @property
    def refreshable(self) -> bool:
        return True

    def invalidate(self) -> None:
        self._access = None
        self._expires_at = 0.0

    async def header(self, client: httpx.AsyncClient) -> str:
        # One refresh at a time: concurrent calls wait for the token the first one gets.
        async with self._lock:
            if not self._access or self._clock() >= self._expires_at - REFRESH_MARGIN:
                await self._obtain(client)
            return f"Bearer {self._access}"

    async def _obtain(self, client: httpx.AsyncClient) -> None:
        base = {"client_id": self._client_id, "client_secret": self._secret}
        if self._refresh:
            data = await self._grant(client, {**base, "grant_type": "refresh_token",
                                              "refresh_token": self._refresh}, quiet=True)
            if data:
                self._store(data)
                return
            self._refresh = None   # expired or revoked: start over with the password
        if self._username:
            data = await self._grant(client, {**base, "grant_type": "password",
                                              "username": self._username,
                                              "password": self._password or ""})
        else:
            data = await self._grant(client, {**base, "grant_type": "client_credentials"})
        assert data is not None
        self._store(data)

    async def _grant(self, client: httpx.AsyncClient, form: dict[str, str],
                     quiet: bool = False) -> dict | None:
        grant = form["grant_type"]
        self.grants.append(grant)
        try:
            # Form-encoded only: the token endpoint refuses JSON (trap 19).
            response = await client.post(self._url, data=form,
                                         headers={"Accept": "application/json"})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise UnreachableError(f"cannot reach {self._url}: {type(exc).__name__}",
                                   target=self._target) from None
        except httpx.HTTPError as exc:
            raise UnavailableError(f"cannot reach {self._url}: {type(exc).__name__}",
                                   target=self._target) from None
        if response.status_code == 200:
            try:
                data = response.json()
            except ValueError:
                data = {}
            if data.get("access_token"):
                return data
        if quiet and response.status_code in (400, 401):
            return None
        if response.status_code >= 500:
            raise UnavailableError(f"token endpoint answered {response.status_code}",
                                   target=self._target, status=response.status_code)
        hint = ("check auth.client_id, auth.client_secret_env, auth.username and "
                "auth.password_env" if grant == "password" else
                "client credentials need Washington DC or later with "
                "glide.oauth.inbound.client.credential.grant_type.enabled=true, or set "
                "auth.username and auth.password_env for the password grant")
        raise AuthError(f"OAuth {grant} grant refused ({response.status_code}): {hint}",
                        target=self._target, status=response.status_code)

    def _store(self, data: dict) -> None:
        self._access = str(data["access_token"])
        # ServiceNow keeps the refresh token; a refresh answer may omit it.
        self._refresh = str(data.get("refresh_token") or self._refresh or "") or None
        self._expires_at = self._clock() + float(data.get("expires_in", 1800))
        self._save()

    def _load(self) -> None:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if (data.get("url"), data.get("client_id"), data.get("user")) != (
                self._url, self._client_id, self._username):
            return   # made for another instance, client or user
        self._access = data.get("access_token")
        self._refresh = data.get("refresh_token")
        self._expires_at = float(data.get("expires_at", 0))

    def _save(self) -> None:
        """Writes the tokens atomically to a file only the owner can read."""
        self._file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self._file.with_suffix(".tmp")
        data = {"url": self._url, "client_id": self._client_id, "user": self._username,
                "access_token": self._access, "refresh_token": self._refresh,
                "expires_at": self._expires_at}
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.chmod(temporary, 0o600)
        os.replace(temporary, self._file)


def make_credentials(target: TargetConfig, env: Mapping[str, str], *,
                     token_file: Path | None = None,
                     clock: Callable[[], float] = time.time) -> Credentials:
    """The Credentials for a target's `auth` table; other methods are a config error."""
    if isinstance(target.auth, BasicAuth):
        return BasicCredentials(target.auth, env, target.name)
    if isinstance(target.auth, OAuth2Auth):
        return OAuthCredentials(target, env, token_file=token_file, clock=clock)
    raise AuthError(f"auth.method {target.auth.method!r} is not for ServiceNow: use basic or "
                    "oauth2", target=target.name)
