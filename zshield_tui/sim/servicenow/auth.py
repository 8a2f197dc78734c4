"""Basic auth, bearer tokens and `/oauth_token.do` (password, refresh_token and
client_credentials grants; form-urlencoded only; refresh tokens do not rotate)."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse

from .state import SimState

ACCESS_SECONDS = 1799
REFRESH_SECONDS = 100 * 24 * 3600
CLIENT_CREDENTIALS_USER = "zshield.integration"


@dataclass
class TokenStore:
    access: dict[str, tuple[str, float]] = field(default_factory=dict)   # token -> user, expiry
    refresh: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # user, client
    issued: int = 0


def authenticate(request: Request, state: SimState, tokens: TokenStore) -> str | None:
    """The user name behind the request's Authorization header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user if state.passwords.get(user) == password and password else None
    if scheme.lower() == "bearer":
        entry = tokens.access.get(value.strip())
        if entry and entry[1] > state.clock.timestamp():
            return entry[0]
    return None


def unauthenticated() -> JSONResponse:
    return JSONResponse({"error": {"message": "User Not Authenticated",
                                   "detail": "Required to provide Auth information"},
                         "status": "failure"}, status_code=401)


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error_description": description, "error": error},
                        status_code=status)


async def oauth_token(request: Request) -> JSONResponse:
    """POST /oauth_token.do."""
    sim = request.app.state.sim
    state, tokens, faults = sim.state, sim.tokens, sim.faults
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        # A JSON body gets an unhelpful failure on a real instance too (B4.2).
        return _oauth_error(400, "server_error", "access_denied")
    form = await request.form()
    grant = form.get("grant_type", "")
    client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    if not client_id or state.clients.get(str(client_id)) != client_secret:
        return _oauth_error(401, "server_error", "access_denied")
    now = state.clock.timestamp()
    if grant == "password":
        if not faults.password_grant_enabled:
            return _oauth_error(400, "unsupported_grant_type", "access_denied")
        user, password = str(form.get("username", "")), str(form.get("password", ""))
        if not password or state.passwords.get(user) != password:
            return _oauth_error(401, "server_error", "access_denied")
        refresh = secrets.token_urlsafe(24)
        tokens.refresh[refresh] = (user, str(client_id), now + REFRESH_SECONDS)
        return _issue(tokens, user, now, refresh)
    if grant == "refresh_token":
        entry = tokens.refresh.get(str(form.get("refresh_token", "")))
        if not entry or entry[1] != client_id or entry[2] <= now:
            return _oauth_error(401, "server_error", "access_denied")
        # Not rotated: the same refresh token comes back.
        return _issue(tokens, entry[0], now, str(form.get("refresh_token")))
    if grant == "client_credentials":
        if not faults.client_credentials_enabled:
            return _oauth_error(400, "unsupported_grant_type", "access_denied")
        return _issue(tokens, CLIENT_CREDENTIALS_USER, now, None)
    return _oauth_error(400, "unsupported_grant_type", "access_denied")


def _issue(tokens: TokenStore, user: str, now: float, refresh: str | None) -> JSONResponse:
    access = secrets.token_urlsafe(32)
    tokens.access[access] = (user, now + ACCESS_SECONDS)
    tokens.issued += 1
    body = {"scope": "useraccount", "token_type": "Bearer", "expires_in": ACCESS_SECONDS,
            "access_token": access}
    if refresh:
        body["refresh_token"] = refresh
    return JSONResponse(body)
