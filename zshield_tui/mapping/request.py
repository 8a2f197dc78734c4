"""A draft becomes the exact HTTP request a push sends: method, URL, headers (secrets
redacted), JSON body.

Jira Cloud takes REST v3 with Atlassian Document Format bodies; Data Center takes v2 with
plain (wiki markup) strings. Users are accountIds on Cloud and names on Data Center; the
lookup needs the connector, so it is a callable passed in, and without one the request
says the value is resolved at send time. Correlation keys (DESIGN §6) are added here so
the preview shows what the push really sends.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from zshield_tui.domain import TicketDraft
from zshield_tui.domain.correlation import correlation_label

from .target import TargetSpec

# email or user name -> accountId (Cloud) / name (Data Center); None when not found.
UserResolver = Callable[[str], "str | None | Awaitable[str | None]"]

JIRA_RICH_TEXT = {"description", "environment"}
JIRA_USER_FIELDS = {"assignee", "reporter"}
SNOW_PARAMS = {
    # Reference columns (caller_id, assignment_group) are written by display value, as
    # the documented mapping does; the answer carries plain sys_ids, not {link, value}.
    "sysparm_input_display_value": "true",
    "sysparm_exclude_reference_link": "true",
}


@dataclass(frozen=True)
class PreparedRequest:
    """The request as it will go on the wire, except for secrets."""

    method: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    notes: list[str] = field(default_factory=list)   # what is filled in at send time


def adf(text: str) -> dict[str, Any]:
    """Plain text as an ADF document, one paragraph per line. ADF forbids empty text
    nodes, so blank lines add nothing and an empty text is a doc with no content."""
    lines = text.replace("\r\n", "\n").split("\n")
    paragraphs = [{"type": "paragraph", "content": [{"type": "text", "text": line}]}
                  for line in lines if line.strip()]
    return {"type": "doc", "version": 1, "content": paragraphs}


def build_request(draft: TicketDraft, target: TargetSpec, alert_id: str, *, table: str = "",
                  resolver: Callable[[str], str | None] | None = None) -> PreparedRequest:
    """The create request for a draft; `table` is the ServiceNow mapping's table and
    `resolver` (synchronous) looks up Jira users."""
    users = _resolve_sync(_users(draft, target), resolver)
    return _build(draft, target, alert_id, table, users)


async def build_request_async(draft: TicketDraft, target: TargetSpec, alert_id: str, *,
                              table: str = "",
                              resolver: UserResolver | None = None) -> PreparedRequest:
    """As build_request, with a resolver that may be a coroutine function (the connector)."""
    users: dict[str, str | None] = {}
    for user in _users(draft, target):
        if resolver is not None:
            found = resolver(user)
            users[user] = await found if inspect.isawaitable(found) else found
    return _build(draft, target, alert_id, table, users)


def _users(draft: TicketDraft, target: TargetSpec) -> list[str]:
    if target.kind != "jira":
        return []
    fields = draft.payload.get("fields", {})
    return [fields[f] for f in JIRA_USER_FIELDS if isinstance(fields.get(f), str)]


def _resolve_sync(users: list[str], resolver: Callable[[str], Any] | None) -> dict[str, Any]:
    if resolver is None:
        return {}
    return {user: resolver(user) for user in users}


def _build(draft: TicketDraft, target: TargetSpec, alert_id: str, table: str,
           users: dict[str, str | None]) -> PreparedRequest:
    if target.kind == "jira":
        return _jira(draft, target, alert_id, users)
    return _servicenow(draft, target, alert_id, table)


def _jira(draft: TicketDraft, target: TargetSpec, alert_id: str,
          users: dict[str, str | None]) -> PreparedRequest:
    fields = copy.deepcopy(draft.payload.get("fields", {}))
    notes: list[str] = []
    id_key = "accountId" if target.cloud else "name"
    for name in JIRA_USER_FIELDS & fields.keys():
        value = fields[name]
        if not isinstance(value, str):
            continue
        if value in users and users[value]:
            fields[name] = {id_key: users[value]}
        elif value in users:
            fields[name] = {id_key: f"<no Jira user found for {value}>"}
            notes.append(f"{name}: no Jira user found for {value!r}")
        else:
            fields[name] = {id_key: f"<resolved at send time from {value}>"}
            notes.append(f"{name}: {id_key} resolved at send time from {value!r}")
    if target.cloud:
        for name in JIRA_RICH_TEXT & fields.keys():
            if isinstance(fields[name], str):
                fields[name] = adf(fields[name])
    labels = fields.get("labels") if isinstance(fields.get("labels"), list) else []
    fields["labels"] = [*labels, correlation_label(alert_id)]
    body = {"fields": fields, "properties": [{"key": "zshield", "value": {"alert_id": alert_id}}]}
    version = 3 if target.cloud else 2
    base = target.url
    if target.cloud and target.auth_method == "oauth2":
        base = "https://api.atlassian.com/ex/jira/<cloudId>"
        notes.append("OAuth 2.0 (3LO) goes through api.atlassian.com; cloudId found at send time")
    return PreparedRequest("POST", f"{base}/rest/api/{version}/issue",
                           _headers(target), body, notes)


def _servicenow(draft: TicketDraft, target: TargetSpec, alert_id: str,
                table: str) -> PreparedRequest:
    body = dict(draft.payload) | {"correlation_id": alert_id, "correlation_display": "zshield"}
    url = f"{target.url}/api/now/table/{table}?{urlencode(SNOW_PARAMS)}"
    return PreparedRequest("POST", url, _headers(target), body)


def _headers(target: TargetSpec) -> dict[str, str]:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    secret = f"${target.secret_env}" if target.secret_env else "the secret"
    if target.auth_method in {"api_token", "basic"}:
        headers["Authorization"] = f"Basic <redacted: base64 of {target.auth_user}:{secret}>"
    elif target.auth_method == "pat":
        headers["Authorization"] = f"Bearer <redacted: {secret}>"
    elif target.auth_method == "oauth2":
        headers["Authorization"] = "Bearer <redacted: OAuth access token>"
    return headers
