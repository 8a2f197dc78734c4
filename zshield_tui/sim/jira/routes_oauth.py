"""OAuth 2.0 (3LO) as auth.atlassian.com and api.atlassian.com serve it: the consent
redirect (granted at once), the token endpoint with rotating refresh tokens, and
accessible-resources."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .routes_issues import _json, _state
from .state import CLOUD_ID, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, SITE_URL

EXPIRES_IN = 3600


def _oauth_error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status)


async def authorize(request: Request) -> Response:
    """The consent page, granted at once: 302 to the loopback redirect."""
    q = request.query_params
    if q.get("client_id") != OAUTH_CLIENT_ID:
        return _oauth_error(400, "invalid_request", "Unknown client_id")
    if q.get("response_type") != "code" or q.get("audience") != "api.atlassian.com":
        return _oauth_error(400, "invalid_request",
                            "response_type=code and audience=api.atlassian.com are required")
    redirect = q.get("redirect_uri", "")
    if urlsplit(redirect).hostname not in {"127.0.0.1", "localhost"}:
        return _oauth_error(400, "invalid_request", "redirect_uri is not registered")
    code = "sim-code-" + secrets.token_urlsafe(8)
    _state(request).auth_codes[code] = {"redirect_uri": redirect,
                                        "scope": q.get("scope", "")}
    query = urlencode({"code": code, "state": q.get("state", "")})
    return RedirectResponse(f"{redirect}?{query}", status_code=302)


async def token(request: Request) -> Response:
    """POST /oauth/token (JSON): code exchange and rotating refresh."""
    body = await _json(request)
    if not isinstance(body, dict):
        return _oauth_error(400, "invalid_request", "The body must be JSON")
    if body.get("client_id") != OAUTH_CLIENT_ID or \
            body.get("client_secret") != OAUTH_CLIENT_SECRET:
        return _oauth_error(401, "access_denied", "Unauthorized")
    state = _state(request)
    clock = request.app.state.clock()
    grant = body.get("grant_type")
    if grant == "authorization_code":
        pending = state.auth_codes.pop(str(body.get("code")), None)
        if pending is None or pending["redirect_uri"] != body.get("redirect_uri"):
            return _oauth_error(403, "invalid_grant", "Invalid authorization code")
        return JSONResponse(state.issue_tokens(pending["scope"], EXPIRES_IN, clock))
    if grant == "refresh_token":
        old = str(body.get("refresh_token"))
        if old not in state.refresh_tokens:
            return _oauth_error(403, "invalid_grant", "Unknown or invalid refresh token.")
        state.refresh_tokens.discard(old)  # rotation: the old one is spent
        return JSONResponse(state.issue_tokens(
            "read:jira-work write:jira-work read:jira-user offline_access", EXPIRES_IN, clock))
    return _oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type {grant!r}")


async def accessible_resources(request: Request) -> Response:
    """The sites the access token may reach, with their cloud ids."""
    header = request.headers.get("authorization", "")
    access = header[7:] if header.lower().startswith("bearer ") else ""
    expiry = _state(request).access_tokens.get(access)
    if expiry is None or expiry < request.app.state.clock():
        return JSONResponse({"code": 401, "message": "Unauthorized"}, status_code=401)
    return JSONResponse([{"id": CLOUD_ID, "url": SITE_URL, "name": "zshield-sim",
                          "scopes": ["read:jira-work", "write:jira-work", "read:jira-user"],
                          "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/"
                                       "avatars/240/rocket.png"}])



routes = [
    Route("/authorize", authorize, methods=["GET"]),
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/token/accessible-resources", accessible_resources, methods=["GET"]),
]
