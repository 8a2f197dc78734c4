"""A draft becomes the exact HTTP request a push sends: method, URL, headers (secrets
redacted), JSON body.

Jira Cloud takes REST v3 with Atlassian Document Format bodies; Data Center takes v2 with
wiki markup strings, escaped so alert text stays literal. Each field takes the shape its
schema asks for (domain/jira_fields.py). Users are accountIds on Cloud and names on Data
Center; the lookup needs the connector, so it is a callable passed in, and without one
the request says the value is resolved at send time. Correlation keys (DESIGN §6) are added here so
the preview shows what the push really sends.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from zshield_tui.domain import CreateMetadata, TicketDraft
from zshield_tui.domain.correlation import correlation_label
from zshield_tui.domain.jira_fields import ShapeError, is_rich, is_user, shape_value, spec_for
from zshield_tui.domain.metadata import FieldSpec
from zshield_tui.domain.wiki import escape_wiki

from .target import TargetSpec

# email or user name -> accountId (Cloud) / name (Data Center); None when not found.
UserResolver = Callable[[str], "str | None | Awaitable[str | None]"]

_JIRA_FIXED = {"project", "issuetype"}   # set by the draft as objects already
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
                  resolver: Callable[[str], str | None] | None = None,
                  metadata: CreateMetadata | None = None) -> PreparedRequest:
    """The create request for a draft; `table` is the ServiceNow mapping's table,
    `resolver` (synchronous) looks up Jira users and `metadata` (Jira's create metadata)
    decides the shape of custom fields."""
    users = _resolve_sync(_users(draft, target, metadata), resolver)
    return _build(draft, target, alert_id, table, users, metadata)


async def build_request_async(draft: TicketDraft, target: TargetSpec, alert_id: str, *,
                              table: str = "", resolver: UserResolver | None = None,
                              metadata: CreateMetadata | None = None) -> PreparedRequest:
    """As build_request, with a resolver that may be a coroutine function (the connector)."""
    users: dict[str, str | None] = {}
    for user in _users(draft, target, metadata):
        if resolver is not None:
            found = resolver(user)
            users[user] = await found if inspect.isawaitable(found) else found
    return _build(draft, target, alert_id, table, users, metadata)


def _users(draft: TicketDraft, target: TargetSpec, metadata: CreateMetadata | None
           ) -> list[str]:
    """Every user name or email in a Jira draft's user fields, once each."""
    if target.kind != "jira":
        return []
    fields = draft.payload.get("fields", {})
    found: list[str] = []
    for name, value in fields.items():
        spec = _spec(name, metadata)
        if spec is not None and is_user(spec):
            found += [v for v in (value if isinstance(value, list) else [value])
                      if isinstance(v, str)]
    return list(dict.fromkeys(found))


def _spec(name: str, metadata: CreateMetadata | None) -> FieldSpec | None:
    return None if name in _JIRA_FIXED else spec_for(name, metadata.fields if metadata
                                                      else None)


def _resolve_sync(users: list[str], resolver: Callable[[str], Any] | None) -> dict[str, Any]:
    if resolver is None:
        return {}
    return {user: resolver(user) for user in users}


def _build(draft: TicketDraft, target: TargetSpec, alert_id: str, table: str,
           users: dict[str, str | None], metadata: CreateMetadata | None) -> PreparedRequest:
    if target.kind == "jira":
        return _jira(draft, target, alert_id, users, metadata)
    return _servicenow(draft, target, alert_id, table)


def _jira(draft: TicketDraft, target: TargetSpec, alert_id: str,
          users: dict[str, str | None], metadata: CreateMetadata | None) -> PreparedRequest:
    """Each field in the shape the connector sends (connectors/jira/fields.py does the
    same at send time); a value that cannot take its shape stays as rendered, its error
    is on the draft."""
    fields = copy.deepcopy(draft.payload.get("fields", {}))
    notes: list[str] = []
    id_key = "accountId" if target.cloud else "name"

    def account(name: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if users.get(value):
            return {id_key: users[value]}
        if value in users:
            notes.append(f"{name}: no Jira user found for {value!r}")
            return {id_key: f"<no Jira user found for {value}>"}
        notes.append(f"{name}: {id_key} resolved at send time from {value!r}")
        return {id_key: f"<resolved at send time from {value}>"}

    for name, value in fields.items():
        spec = _spec(name, metadata)
        if spec is None:
            if name.startswith("customfield_"):
                notes.append(f"{name}: shaped at send time by the create metadata "
                             "(none fetched for this preview)")
            continue
        try:
            shaped = shape_value(spec, value)
        except ShapeError:
            continue
        if is_user(spec):
            shaped = [account(name, v) for v in shaped] if isinstance(shaped, list) \
                else account(name, shaped)
        elif is_rich(spec) and isinstance(shaped, str):
            shaped = adf(shaped) if target.cloud else escape_wiki(shaped)
        fields[name] = shaped
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
