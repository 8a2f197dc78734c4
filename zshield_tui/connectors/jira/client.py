"""JiraConnector: the Connector interface over Jira Cloud REST v3 or Data Center REST v2."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from zshield_tui import paths
from zshield_tui.config import TargetConfig
from zshield_tui.connectors.base import (
    Connector,
    CreateMetadata,
    CreateResult,
    FieldSpec,
    RemoteAttachment,
    RemoteComment,
    RemoteTicket,
    Transition,
    Upload,
)
from zshield_tui.connectors.errors import (
    AuthError,
    ConnectorError,
    NotFoundError,
    UncertainError,
    ValidationError,
)
from zshield_tui.connectors.jira.auth import OAuthHosts, build_auth
from zshield_tui.connectors.jira.fields import prepare_fields, rich_text
from zshield_tui.connectors.jira.http import JiraHttp, RetryPolicy
from zshield_tui.connectors.jira.links import IssueLinks, sub_task_fields
from zshield_tui.connectors.jira.moves import TransitionCache
from zshield_tui.connectors.jira.reads import (
    PROPERTY,
    SEARCH_FIELDS,
    create_metadata,
    find_user,
    search,
)
from zshield_tui.connectors.jira.shapes import (
    attachments_from,
    comment_from,
    raised_priority_fields,
    ticket_from_issue,
)
from zshield_tui.connectors.tls import verified_context
from zshield_tui.domain.correlation import (
    correlation_label,
    is_ticket_of,
    legacy_correlation_label,
)

MARKER = "zshield"   # on every issue zshield creates: bounds the update poll


class JiraConnector(Connector):
    """One Jira target. `env` supplies secrets (default: os.environ); `transport` lets tests
    use the simulator."""

    kind = "jira"
    default_outbound = {"in_progress": "Start Progress", "resolved": "Done", "closed": "Done"}
    page_size = 100   # per search / comment page; the server may return fewer

    def __init__(self, target: TargetConfig, env: Mapping[str, str] | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 retry: RetryPolicy | None = None, projects: Sequence[str] = (),
                 attachment_limit: int = 10 * 1024 * 1024, oauth_hosts: OAuthHosts | None = None,
                 token_file: Path | None = None, uncertain_looks: int = 3) -> None:
        if target.kind != "jira":
            raise ConnectorError(f"target kind is {target.kind!r}, not jira", target=target.name)
        self.name = target.name
        self.target = target
        self.cloud = target.deployment == "cloud"
        self.site = target.url.rstrip("/")
        self.projects = [p.upper() for p in projects]
        self.attachment_limit = attachment_limit
        self.uncertain_looks = max(1, uncertain_looks)
        self.policy = retry or RetryPolicy()
        self._tz: ZoneInfo | None = None
        self._site_upload_limit: int | None = None
        http_auth, hint, self.oauth = build_auth(
            target, env if env is not None else os.environ, transport=transport,
            hosts=oauth_hosts,
            token_file=token_file or paths.data_dir() / "oauth" / f"jira-{self.name}.json")
        self.client = httpx.AsyncClient(transport=transport, auth=http_auth,
                                        timeout=self.policy.timeout(),
                                        headers={"Accept": "application/json"},
                                        verify=verified_context())
        self.http = JiraHttp(self.client, self.policy, target=self.name, auth_hint=hint)
        self._base: str | None = None if self.oauth else self.site
        self._moves = TransitionCache()
        self.field_specs: dict[str, dict[str, FieldSpec]] = {}   # per PROJECT/IssueType
        self._links = IssueLinks()

    def __repr__(self) -> str:
        return f"JiraConnector(name={self.name!r}, deployment={self.target.deployment!r})"

    async def aclose(self) -> None:
        """Closes the HTTP client."""
        await self.client.aclose()

    # -- plumbing -------------------------------------------------------------------------
    async def _url(self, path: str) -> str:
        if self._base is None:
            assert self.oauth is not None
            self._base = await self.oauth.api_base()
        version = "3" if self.cloud else "2"
        return f"{self._base}/rest/api/{version}{path}"

    async def _call(self, method: str, path: str, *, what: str, **kwargs: Any
                    ) -> httpx.Response:
        return await self.http.request(method, await self._url(path), what=what, **kwargs)

    def _rich(self, text: Any) -> Any:
        return rich_text(text, cloud=self.cloud)

    def _ticket(self, issue: dict[str, Any]) -> RemoteTicket:
        return ticket_from_issue(issue, self.site, PROPERTY)

    async def _prepare(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Each field in the shape its schema asks for (fields.py)."""
        return await prepare_fields(self, fields)

    # -- Connector ------------------------------------------------------------------------
    async def test_connection(self) -> str:
        """`Display Name <email>` of the authenticated account."""
        me = (await self._call("GET", "/myself", what="test connection")).json()
        try:
            self._tz = ZoneInfo(me.get("timeZone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self._tz = ZoneInfo("UTC")
        who = me.get("emailAddress") or me.get("name") or me.get("accountId", "?")
        return f"{me.get('displayName', who)} <{who}>"

    def _create_body(self, payload: dict[str, Any], correlation_key: str,
                     fields: dict[str, Any]) -> dict[str, Any]:
        labels = list(fields.get("labels") or [])
        for label in (MARKER, correlation_label(correlation_key)):
            if label not in labels:
                labels.append(label)
        body = {k: v for k, v in payload.items() if k != "fields"}
        body["fields"] = {**fields, "labels": labels}
        properties = [p for p in body.get("properties") or [] if p.get("key") != PROPERTY]
        body["properties"] = [*properties,
                              {"key": PROPERTY, "value": {"alert_id": correlation_key}}]
        return body

    async def create(self, payload: dict[str, Any], *, correlation_key: str) -> CreateResult:
        """Finds the issue already made for the alert, else creates it; after an uncertain
        answer it looks again before a second (and last) attempt."""
        existing = await self.find_by_correlation(correlation_key, payload)
        if existing:
            return CreateResult(existing, created=False)
        body = self._create_body(payload, correlation_key,
                                 await self._prepare(payload.get("fields") or {}))
        for attempt in (1, 2):
            try:
                made = (await self._call("POST", "/issue", json=body, what="create issue")).json()
            except UncertainError:
                found = await self.look_after_uncertain(correlation_key, payload)
                if found:
                    return CreateResult(found, created=True)
                if attempt == 2:
                    raise
                continue
            return CreateResult(await self._made(made["key"], correlation_key), created=True)
        raise AssertionError("unreachable")  # pragma: no cover

    async def look_after_uncertain(self, correlation_key: str,
                                   payload: dict[str, Any] | None = None) -> RemoteTicket | None:
        """Searches a few times, waiting between looks: Cloud search may lag fresh writes."""
        for look in range(1, self.uncertain_looks + 1):
            found = await self.find_by_correlation(correlation_key, payload)
            if found or look == self.uncertain_looks:
                return found
            await self.policy.sleep(self.policy.backoff(look))
        return None

    async def get(self, key: str) -> RemoteTicket:
        """The issue with status, labels and the zshield property."""
        issue = (await self._call("GET", f"/issue/{key}", what=f"get {key}",
                                  params={"fields": ",".join(SEARCH_FIELDS),
                                          "properties": PROPERTY})).json()
        return self._ticket(issue)

    async def update(self, key: str, fields: dict[str, Any]) -> None:
        """Edits fields (rich text as ADF on Cloud); status changes go through transition()."""
        await self._call("PUT", f"/issue/{key}", json={"fields": await self._prepare(fields)},
                         what=f"update {key}")

    async def transitions(self, key: str) -> list[Transition]:
        """The transitions available from the issue's current status."""
        data = (await self._call("GET", f"/issue/{key}/transitions",
                                 what=f"transitions of {key}")).json()
        return [Transition(id=str(t["id"]), name=t["name"], to_status=t["to"]["name"],
                           to_category=(t["to"].get("statusCategory") or {}).get("key", ""))
                for t in data.get("transitions") or []]

    async def transition(self, key: str, name: str, fields: dict[str, Any] | None = None
                         ) -> RemoteTicket:
        """By transition name (or, failing that, target status name), case-insensitive."""
        available = await self.transitions(key)
        wanted = name.casefold()
        match = next((t for t in available if t.name.casefold() == wanted), None) or \
            next((t for t in available if t.to_status.casefold() == wanted), None)
        if match is None:
            names = ", ".join(f"{t.name} (-> {t.to_status})" for t in available) or "none"
            raise NotFoundError(f"{key} has no transition {name!r} from its current status; "
                                f"available: {names}", target=self.name)
        body: dict[str, Any] = {"transition": {"id": match.id}}
        if fields:
            body["fields"] = fields
        await self._call("POST", f"/issue/{key}/transitions", json=body,
                         what=f"transition {key} to {match.to_status}", idempotent=False)
        return await self.get(key)

    async def post_transition(self, key: str, transition_id: str,
                              fields: dict[str, Any] | None = None) -> None:
        """Runs a transition already looked up (bulk moves look ids up once per status);
        a transition not valid from the issue's status now is refused by Jira (400)."""
        body: dict[str, Any] = {"transition": {"id": transition_id}}
        if fields:
            body["fields"] = fields
        await self._call("POST", f"/issue/{key}/transitions", json=body,
                         what=f"transition {key}", idempotent=False)

    async def move(self, key: str, name: str, fields: Mapping[str, Any] | None = None, *,
                   status: str = "") -> str:
        """By a transition looked up once per project and status (`status`: where the
        caller last saw the issue), else by the issue's own transitions."""
        return await self._moves.move(self, key, name, fields, status)

    # -- what differs from ServiceNow ---------------------------------------------------
    @classmethod
    def draft_fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        """A Jira draft is `{"fields": ...}` (plus `properties`, `update`)."""
        return dict(payload.get("fields", payload))

    @classmethod
    def with_draft_fields(cls, payload: Mapping[str, Any], fields: Mapping[str, Any]
                          ) -> dict[str, Any]:
        return {**payload, "fields": dict(fields)}

    @classmethod
    def routed(cls, payload: Mapping[str, Any], *, project: str | None = None,
               group: str | None = None, assignee: str | None = None) -> dict[str, Any]:
        """Project and assignee (Jira has no assignment group)."""
        fields = dict(payload.get("fields") or {})
        if project:
            fields["project"] = {"key": project}
        if assignee:
            fields["assignee"] = assignee
        return {**payload, "fields": fields}

    def child_fields(self, parent_key: str) -> dict[str, Any]:
        """A sub-task of the parent's issue, when the target names a `child_issue_type`."""
        return sub_task_fields(self.target.child_issue_type, parent_key)

    async def link_parent(self, child: str, parent_key: str, *, parent_id: str = "") -> None:
        """An issue link of the target's `link_type`, the parent as its inward issue."""
        await self._links.link(self, child, parent_key)

    def resolution(self, ticket: RemoteTicket) -> str:
        """The issue's resolution name (Done, Won't Do...), else its status."""
        found = ticket.fields.get("resolution")
        name = found.get("name") if isinstance(found, dict) else None
        return str(name) if name else ticket.status

    def assignee_fields(self, user: str) -> dict[str, Any]:
        """An accountId on Cloud, a username on Data Center."""
        return {"assignee": {"accountId": user} if self.cloud else {"name": user}}

    def raised_priority_fields(self, current: Mapping[str, Any]) -> dict[str, Any]:
        return raised_priority_fields(current)

    def _comment(self, raw: dict[str, Any]) -> RemoteComment:
        return comment_from(raw, wiki=not self.cloud)

    async def add_comment(self, key: str, body: str, *, internal: bool = True) -> RemoteComment:
        """A Jira comment (Jira has no internal note; `internal` does not apply)."""
        raw = (await self._call("POST", f"/issue/{key}/comment", json={"body": self._rich(body)},
                                what=f"comment on {key}")).json()
        return self._comment(raw)

    async def comments(self, key: str, *, since: datetime | None = None) -> list[RemoteComment]:
        """All pages: never trust maxResults, stop at total or an empty page."""
        out: list[RemoteComment] = []
        start = 0
        while True:
            page = (await self._call("GET", f"/issue/{key}/comment", what=f"comments of {key}",
                                     params={"startAt": start, "maxResults": self.page_size,
                                             "orderBy": "created"})).json()
            items = page.get("comments") or []
            out += [self._comment(c) for c in items]
            start += len(items)
            if not items or start >= int(page.get("total", 0)):
                break
        return [c for c in out if since is None or c.created_at >= since]

    async def attach(self, key: str, path: Path | None = None, *, name: str | None = None,
                     data: bytes | None = None) -> str:
        """Checks the size against the configured limit and the site's upload limit
        (attachment/meta) before sending anything."""
        upload = Upload.of(path, name, data, target=self.name)
        limit = self.attachment_limit
        if upload.size <= limit:
            limit = min(limit, await self._upload_limit())
        if upload.size > limit:
            raise ValidationError(f"{upload.name} is {upload.size} bytes, over the attachment "
                                  f"limit of {limit} bytes", fields={"file": "too large"},
                                  target=self.name)
        mime = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        content = upload.content(target=self.name)
        answer = (await self._call("POST", f"/issue/{key}/attachments",
                                   files={"file": (upload.name, content, mime)},
                                   headers={"X-Atlassian-Token": "no-check"},
                                   what=f"attach {upload.name} to {key}")).json()
        return str(answer[0]["id"])

    async def max_upload_bytes(self) -> int:
        """The configured limit, or the site's upload limit when lower."""
        return min(self.attachment_limit, await self._upload_limit())

    async def attachments(self, key: str) -> list[RemoteAttachment]:
        """The issue's `attachment` field (every file: it is not paged)."""
        issue = (await self._call("GET", f"/issue/{key}", params={"fields": "attachment"},
                                  what=f"attachments of {key}")).json()
        return attachments_from(issue)

    async def _upload_limit(self) -> int:
        if self._site_upload_limit is None:
            try:
                meta = (await self._call("GET", "/attachment/meta",
                                         what="attachment settings")).json()
            except AuthError:
                raise
            except ConnectorError:
                meta = {}  # settings unreadable: the configured limit still applies
            if not meta.get("enabled", True):
                raise ValidationError("attachments are disabled on this Jira site",
                                      fields={"file": "attachments disabled"}, target=self.name)
            self._site_upload_limit = int(meta.get("uploadLimit") or self.attachment_limit)
        return self._site_upload_limit

    def _project_clause(self, payload: dict[str, Any] | None = None) -> str:
        projects = list(self.projects)
        ref = ((payload or {}).get("fields") or {}).get("project") or {}
        if isinstance(ref, dict) and ref.get("key") and ref["key"].upper() not in projects:
            projects.append(ref["key"].upper())
        if not projects:
            return ""
        if len(projects) == 1:
            return f"project = {projects[0]} AND "
        return f"project in ({', '.join(projects)}) AND "

    async def find_by_correlation(self, correlation_key: str,
                                  payload: dict[str, Any] | None = None) -> RemoteTicket | None:
        """The issue made for exactly this alert (bounded by project when known): found by
        its label, or by the label issues made before the hash was added, and confirmed
        by its `zshield` property, so an alert whose id differs only in case or in a
        replaced character never takes another's issue."""
        labels = sorted({correlation_label(correlation_key),
                         legacy_correlation_label(correlation_key)})
        quoted = ", ".join(f'"{label}"' for label in labels)
        for ticket in await search(self, f"{self._project_clause(payload)}labels in ({quoted})"):
            if not self.cloud:
                ticket = replace(ticket, correlation_key=await self._property(ticket.key))
            if is_ticket_of(correlation_key, list(ticket.fields.get("labels") or []),
                            ticket.correlation_key):
                return replace(ticket, correlation_key=correlation_key)
        return None

    async def _property(self, key: str) -> str | None:
        """The alert id in the issue's `zshield` property (Data Center search does not
        return properties); None when the issue has none."""
        try:
            found = (await self._call("GET", f"/issue/{key}/properties/{PROPERTY}",
                                      what=f"property of {key}")).json()
        except NotFoundError:
            return None
        value = found.get("value") if isinstance(found, dict) else None
        alert_id = value.get("alert_id") if isinstance(value, dict) else None
        return alert_id if isinstance(alert_id, str) else None

    async def _made(self, key: str, correlation_key: str) -> RemoteTicket:
        """The new issue; its `zshield` property is written now if the create skipped it
        (whether Data Center honours `properties` on create is not documented)."""
        ticket = await self.get(key)
        if ticket.correlation_key is None:
            await self._call("PUT", f"/issue/{key}/properties/{PROPERTY}",
                             json={"alert_id": correlation_key}, what=f"tag {key}")
            ticket = replace(ticket, correlation_key=correlation_key)
        return ticket

    async def updated_since(self, since: datetime) -> list[RemoteTicket]:
        """JQL has minute precision in the API user's time zone: ask from the minute before
        and filter exactly here."""
        if self._tz is None:
            await self.test_connection()
        local = (since - timedelta(minutes=1)).astimezone(self._tz)
        jql = (f'{self._project_clause()}labels = "{MARKER}" AND updated >= '
               f'"{local:%Y/%m/%d %H:%M}" ORDER BY updated ASC')
        return [t for t in await search(self, jql)
                if t.updated_at is None or t.updated_at >= since]

    async def create_metadata(self, scope: str | None = None) -> CreateMetadata:
        """`PROJECT/IssueType` (name or id); without an issue type, the first one."""
        return await create_metadata(self, scope)

    async def resolve_user(self, who: str) -> str:
        """Email or name -> accountId (Cloud) or username (Data Center)."""
        return await find_user(self, who)
