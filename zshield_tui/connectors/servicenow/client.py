"""ServiceNowConnector: the Connector interface over the Table API of `incident` or
`sn_si_incident`, plus CMDB, SLA, runbook and bulk operations the sync layer calls."""

from __future__ import annotations

import mimetypes
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from zshield_tui.config import TargetConfig
from zshield_tui.connectors.base import (
    INBOUND_BY_CATEGORY,
    RUNBOOK_HEADER,
    Connector,
    CreateMetadata,
    CreateResult,
    Move,
    RemoteAttachment,
    RemoteComment,
    RemoteTicket,
    Transition,
    Upload,
    runbook_text,
)
from zshield_tui.connectors.enrichment import CmdbResult, SlaStatus
from zshield_tui.connectors.errors import (
    ConnectorError,
    NotFoundError,
    UnavailableError,
    ValidationError,
)
from zshield_tui.connectors.servicenow import states
from zshield_tui.connectors.servicenow.api import MAX_PAGES, ServiceNowApi
from zshield_tui.connectors.servicenow.auth import make_credentials
from zshield_tui.connectors.servicenow.batch import bulk_patch
from zshield_tui.connectors.servicenow.cmdb import lookup_assets
from zshield_tui.connectors.servicenow.journal import Journal, parse_time, query_value, sn_time
from zshield_tui.connectors.servicenow.metadata import table_metadata
from zshield_tui.connectors.servicenow.payload import (
    References,
    configuration_item,
    is_sys_id,
    map_severity,
    raised_levels,
)
from zshield_tui.connectors.servicenow.retry import RetryPolicy
from zshield_tui.connectors.servicenow.sla import read_slas

CORRELATION_DISPLAY = "zshield"
TABLES = ("incident", "sn_si_incident")
RECORD_FIELDS = ["sys_id", "number", "state", "short_description", "priority", "impact",
                 "urgency", "severity", "correlation_id", "correlation_display",
                 "assignment_group", "caller_id", "cmdb_ci", "close_code", "close_notes",
                 "hold_reason", "active", "sys_created_on", "sys_updated_on", "sys_mod_count",
                 "cmdb_ci.name"]
STATE_FIELDS = ["sys_id", "number", "state", "correlation_id", "sys_created_on",
                "sys_updated_on"]
DEFAULT_CLOSE_CODE = {"incident": "Solution provided", "sn_si_incident": "Investigation completed"}
DEFAULT_CLOSE_NOTES = "Closed from zshield"
# The reference to the parent record, per table: the platform resolves an incident's
# children with it (copying the resolution notes); SIR has its own field.
PARENT_FIELD = {"incident": "parent_incident", "sn_si_incident": "parent_security_incident"}
DEFAULT_MAX_ATTACHMENT = 1024 * 1024 * 1024   # com.glide.attachment.max_size default
ATTACHMENT_PAGE = 1000   # the Attachment API's own default sysparm_limit


class ServiceNowConnector(Connector):
    """One ServiceNow target, writing to `table` (incident or sn_si_incident)."""

    kind = "servicenow"
    supports_cmdb = True
    supports_sla = True
    batches_state_changes = True   # the Batch API
    drops_unknown_fields = True    # an unknown column is ignored on insert
    assignee_field = "assigned_to"
    default_outbound = {"in_progress": "In Progress", "resolved": "Resolved",
                        "closed": "Closed"}

    def __init__(self, target: TargetConfig, env: Mapping[str, str] | None = None, *,
                 table: str = "incident", transport: httpx.AsyncBaseTransport | None = None,
                 timeout: float = 30.0, retry: RetryPolicy | None = None,
                 token_file: Path | None = None, clock: Callable[[], float] = time.time,
                 max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT,
                 create_attempts: int = 3, event_hooks: Mapping[str, list] | None = None
                 ) -> None:
        if table not in TABLES:
            raise ValidationError(f"table {table!r} is not supported: use {' or '.join(TABLES)}",
                                  fields={"table": "incident or sn_si_incident"},
                                  target=target.name)
        self.name = target.name
        self.target = target
        self.table = table
        credentials = make_credentials(target, os.environ if env is None else env,
                                       token_file=token_file, clock=clock)
        self.api = ServiceNowApi(target.url, credentials, target=target.name,
                                 transport=transport, timeout=timeout, retry=retry,
                                 event_hooks=event_hooks)
        self.references = References(self.api)
        self.journal = Journal(self.api, table)
        self.max_attachment_bytes = max_attachment_bytes
        self.create_attempts = max(1, create_attempts)
        self._ids: dict[str, str] = {}   # number -> sys_id

    async def aclose(self) -> None:
        await self.api.aclose()

    # -- identity ----------------------------------------------------------------------------
    async def test_connection(self) -> str:
        """The user we act as; client-credential tokens act as the OAuth application user."""
        user = self.api.credentials.user
        if user:
            rows = await self.api.list("sys_user", f"user_name={query_value(user)}",
                                       fields=["user_name", "name"], limit=1)
            if rows and rows[0].get("user_name") == user:
                return f"{rows[0].get('name') or user} ({user})"
            return user
        await self.api.list(self.table, "ORDERBYnumber", fields=["sys_id"], limit=1)
        return f"OAuth client {getattr(self.target.auth, 'client_id', '')}"

    async def resolve_user(self, who: str) -> str:
        return await self.references.user(who)

    # -- records -----------------------------------------------------------------------------
    def _ticket(self, record: Mapping[str, Any]) -> RemoteTicket:
        sys_id, table = str(record.get("sys_id", "")), self.table
        if record.get("number"):
            self._ids[str(record["number"])] = sys_id
        updated = str(record.get("sys_updated_on") or "")
        state = str(record.get("state", ""))
        uri = quote(f"{table}.do?sys_id={sys_id}", safe="")
        return RemoteTicket(
            key=str(record.get("number", "")), remote_id=sys_id,
            url=f"{self.api.base_url}/nav_to.do?uri={uri}",
            status=states.label_of(table, state), status_category=state,
            updated_at=parse_time(updated) if updated else None,
            created_at=parse_time(str(record["sys_created_on"]))
            if record.get("sys_created_on") else None,
            correlation_key=str(record.get("correlation_id") or "") or None,
            fields=_with_ci_name(record))

    async def _sys_id(self, key: str) -> str:
        if is_sys_id(key):
            return key
        if key not in self._ids:
            rows = await self.api.list(self.table, f"number={query_value(key)}",
                                       fields=["sys_id", "number"], limit=1)
            rows = [r for r in rows if r.get("number") == key]
            if not rows:
                raise NotFoundError(f"no {self.table} record {key}", target=self.name)
            self._ids[key] = rows[0]["sys_id"]
        return self._ids[key]

    async def _prepare(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.references.resolve(map_severity(self.table, dict(fields)))

    async def get(self, key: str) -> RemoteTicket:
        record = await self.api.get(self.table, await self._sys_id(key), fields=RECORD_FIELDS)
        return self._ticket(record)

    async def find_by_correlation(self, correlation_key: str) -> RemoteTicket | None:
        query = (f"correlation_id={query_value(correlation_key)}"
                 f"^correlation_display={CORRELATION_DISPLAY}^ORDERBYsys_created_on")
        rows = await self.api.list(self.table, query, fields=RECORD_FIELDS, limit=100)
        # Only an exact match counts: an ignored clause would return unrelated records, and
        # the instance compares text without case, so `case-1` also finds `Case-1`'s.
        rows = [r for r in rows if r.get("correlation_id") == correlation_key
                and r.get("correlation_display") == CORRELATION_DISPLAY]
        return self._ticket(rows[0]) if rows else None

    async def create(self, payload: dict[str, Any], *, correlation_key: str) -> CreateResult:
        existing = await self.find_by_correlation(correlation_key)
        if existing is not None:
            return CreateResult(existing, created=False)
        body = await self._prepare(payload)
        body.update(correlation_id=correlation_key, correlation_display=CORRELATION_DISPLAY)
        failure: UnavailableError | None = None
        for _ in range(self.create_attempts):
            try:
                record = await self.api.write("POST", self.table, body, fields=RECORD_FIELDS)
                return CreateResult(self._ticket(record), created=True)
            except UnavailableError as exc:
                # Sent but unanswered, or failing: look before creating again (DESIGN §6).
                failure = exc
                found = await self.find_by_correlation(correlation_key)
                if found is not None:
                    return CreateResult(found, created=True)
        assert failure is not None
        raise failure

    async def update(self, key: str, fields: dict[str, Any]) -> None:
        await self.api.write("PATCH", self.table, await self._prepare(fields),
                             sys_id=await self._sys_id(key), fields=["sys_id"])

    async def updated_since(self, since: datetime) -> list[RemoteTicket]:
        query = (f"correlation_display={CORRELATION_DISPLAY}^sys_updated_on>={sn_time(since)}"
                 "^ORDERBYsys_updated_on")
        rows = await self.api.list(self.table, query, fields=RECORD_FIELDS)
        return [self._ticket(r) for r in rows
                if r.get("correlation_display") == CORRELATION_DISPLAY]

    # -- state -------------------------------------------------------------------------------
    async def transitions(self, key: str) -> list[Transition]:
        current = (await self.get(key)).status_category
        return [Transition(id=s.value, name=s.label, to_status=s.label, to_category=s.category)
                for s in states.states_of(self.table) if s.value != current]

    def state_body(self, name: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The PATCH body for a move: the state plus close or hold fields when required."""
        state = states.find_state(self.table, name)
        if state is None:
            names = ", ".join(s.label for s in states.states_of(self.table))
            raise NotFoundError(f"no state {name!r} on {self.table}; available: {names}",
                                target=self.name)
        body = {**dict(fields or {}), "state": state.value}
        if state.closing:
            configured = self.target.close
            notes = configured.get("close_notes", "")
            # An unrendered template must never reach the ticket; the sync layer renders it.
            notes = notes if notes and "{{" not in notes and "{%" not in notes \
                else DEFAULT_CLOSE_NOTES
            body.setdefault("close_code", configured.get("close_code")
                            or DEFAULT_CLOSE_CODE[self.table])
            body.setdefault("close_notes", notes)
        if state.needs_hold_reason and not body.get("hold_reason"):
            reasons = ", ".join(f"{v} {label}" for v, label in states.HOLD_REASONS.items())
            raise ValidationError(f"On Hold needs a hold_reason ({reasons})",
                                  fields={"hold_reason": "required"}, target=self.name)
        return body

    async def transition(self, key: str, name: str, fields: dict[str, Any] | None = None
                         ) -> RemoteTicket:
        body = await self._prepare(self.state_body(name, fields))
        record = await self.api.write("PATCH", self.table, body,
                                      sys_id=await self._sys_id(key), fields=RECORD_FIELDS)
        return self._ticket(record)

    async def bulk_update(self, changes: Sequence[tuple[str, dict[str, Any]]], *,
                          brief: bool = False) -> list[RemoteTicket | ConnectorError]:
        """Many PATCHes through the Batch API (or one by one); a result per item. `brief`:
        each answer holds only the ticket's identity, state and times (STATE_FIELDS), what
        a bulk state change reads back; a quarter of the bytes both ways."""
        prepared = [(await self._sys_id(key), await self._prepare(body))
                    for key, body in changes]
        results = await bulk_patch(self.api, self.table, prepared,
                                   STATE_FIELDS if brief else None)
        return [r if isinstance(r, ConnectorError) else self._ticket(r) for r in results]

    async def move_many(self, moves: Sequence[Move]) -> list[RemoteTicket | ConnectorError]:
        """Through the Batch API, each answer brief (identity, state and times)."""
        return await self.bulk_update([(key, self.state_body(name, fields))
                                       for key, name, fields in moves], brief=True)

    # -- journal and files -------------------------------------------------------------------
    async def add_comment(self, key: str, body: str, *, internal: bool = True) -> RemoteComment:
        return await self.journal.write(await self._sys_id(key), body, internal=internal)

    async def comments(self, key: str, *, since: datetime | None = None) -> list[RemoteComment]:
        return await self.journal.read(await self._sys_id(key), since)

    async def add_runbook(self, key: str, steps: Sequence[str], *,
                          alert_id: str = "") -> RemoteComment:
        """The playbook as one work note whose first line marks it as zshield's runbook."""
        return await self.add_comment(key, runbook_text(steps, alert_id), internal=True)

    async def ensure_runbook(self, key: str, steps: Sequence[str], *, alert_id: str = ""
                             ) -> None:
        if not await self.has_runbook(key):
            await self.add_runbook(key, steps, alert_id=alert_id)

    async def has_runbook(self, key: str) -> bool:
        """Whether a runbook note is on the ticket already (seen remotely, not from memory)."""
        sys_id = await self._sys_id(key)
        rows = await self.api.list(
            "sys_journal_field", f"element_id={sys_id}^element=work_notes"
            f"^valueLIKE{RUNBOOK_HEADER}", fields=["sys_id", "value", "element_id"], limit=5)
        if any(str(r.get("value", "")).startswith(RUNBOOK_HEADER) for r in rows):
            return True
        record = await self.api.get(self.table, sys_id, fields=["work_notes"], display="true")
        return f"\n{RUNBOOK_HEADER}" in "\n" + str(record.get("work_notes") or "")

    async def attach(self, key: str, path: Path | None = None, *, name: str | None = None,
                     data: bytes | None = None) -> str:
        upload = Upload.of(path, name, data, target=self.name)
        if upload.size > self.max_attachment_bytes:
            raise ValidationError(
                f"{upload.name} is {upload.size} bytes; the instance accepts at most "
                f"{self.max_attachment_bytes} (com.glide.attachment.max_size)",
                fields={"file": "too large"}, target=self.name)
        content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        response = await self.api.request(
            "POST", "/api/now/attachment/file", content=upload.content(target=self.name),
            headers={"Content-Type": content_type},
            params={"table_name": self.table, "table_sys_id": await self._sys_id(key),
                    "file_name": upload.name})
        return response.json()["result"]["sys_id"]

    async def max_upload_bytes(self) -> int:
        """com.glide.attachment.max_size, as configured for this connector."""
        return self.max_attachment_bytes

    async def attachments(self, key: str) -> list[RemoteAttachment]:
        """The record's sys_attachment rows, every page (a short page is not the end)."""
        params: dict[str, str] | None = {
            "sysparm_query": f"table_name={self.table}^table_sys_id={await self._sys_id(key)}",
            "sysparm_limit": str(ATTACHMENT_PAGE)}
        url: str | None = "/api/now/attachment"
        out: list[RemoteAttachment] = []
        for _ in range(MAX_PAGES):
            if not url:
                break
            response = await self.api.request("GET", url, params=params)
            out += [RemoteAttachment(id=str(r["sys_id"]), filename=str(r.get("file_name", "")),
                                     size=int(r.get("size_bytes") or 0))
                    for r in response.json().get("result") or []]
            # The next link carries every parameter already.
            url, params = response.links.get("next", {}).get("url"), None
        return out

    # -- enrichment --------------------------------------------------------------------------
    async def link_assets(self, key: str, assets: Iterable[tuple[str | None, str | None]],
                          *, set_ci: bool = True) -> CmdbResult:
        """Looks up (hostname, ip) pairs in the CMDB; sets cmdb_ci to the first one found."""
        result = await lookup_assets(self.api, assets)
        if set_ci and result.primary is not None:
            await self.api.write("PATCH", self.table, {"cmdb_ci": result.primary.sys_id},
                                 sys_id=await self._sys_id(key), fields=["sys_id"])
        return result

    async def slas(self, key: str) -> list[SlaStatus]:
        """The ticket's task_sla rows."""
        return await read_slas(self.api, await self._sys_id(key))

    def configuration_item(self, ticket: RemoteTicket) -> str | None:
        return configuration_item(ticket.fields)

    async def link_parent(self, child: str, parent_key: str, *, parent_id: str = "") -> None:
        """The child's parent reference set to the parent's sys_id: a PATCH of the same
        value again changes nothing, so a rerun is safe."""
        parent = parent_id or await self._sys_id(parent_key)
        await self.api.write("PATCH", self.table, {PARENT_FIELD[self.table]: parent},
                             sys_id=await self._sys_id(child), fields=["sys_id"])

    def resolution(self, ticket: RemoteTicket) -> str:
        """The resolution notes, else the state's label."""
        notes = ticket.fields.get("close_notes")
        return str(notes) if notes else ticket.status

    # -- what differs from Jira --------------------------------------------------------------
    @classmethod
    def default_inbound(cls, category: str, *, table: str = "") -> str | None:
        """`category` is the state value: its state's category; Closed and Cancelled close
        the alert rather than resolve it."""
        state = states.by_value(table or "incident", category)
        if state is None:
            return None
        if state.label.casefold() in {"closed", "cancelled", "canceled"}:
            return "closed"
        return INBOUND_BY_CATEGORY.get(state.category)

    @classmethod
    def routed(cls, payload: Mapping[str, Any], *, project: str | None = None,
               group: str | None = None, assignee: str | None = None) -> dict[str, Any]:
        """Assignment group and assigned_to (ServiceNow has no project)."""
        out = dict(payload)
        if group:
            out["assignment_group"] = group
        if assignee:
            out["assigned_to"] = assignee
        return out

    @classmethod
    def closing_fields(cls, close: Mapping[str, str], state: str) -> dict[str, Any]:
        """The configured close code and notes go with a resolve or close, except a
        template the connector cannot render (state_body puts a default in its place)."""
        if state not in {"resolved", "closed"}:
            return {}
        return {k: v for k, v in close.items() if "{" not in v}

    def is_done(self, ticket: RemoteTicket) -> bool:
        """Resolved, closed or cancelled (`status_category` holds the state value)."""
        state = states.by_value(self.table, ticket.status_category)
        return state is not None and state.category == "done"

    async def reopen(self, key: str) -> str:
        """Back to the table's first working state: In Progress on `incident`, Analysis on
        `sn_si_incident` (it has no In Progress), by the same state PATCH as any move."""
        working = next(s for s in states.states_of(self.table) if s.category == "indeterminate")
        return (await self.transition(key, working.label)).status

    def ticket_ref(self, key: str, remote_id: str | None = None) -> str:
        """The sys_id when known: spares a lookup of the number per ticket."""
        return remote_id or key

    def raised_priority_fields(self, current: Mapping[str, Any]) -> dict[str, Any]:
        return raised_levels(current, self.table)

    async def create_metadata(self, scope: str | None = None) -> CreateMetadata:
        """What a create in `scope` (a table; default: this connector's) may hold."""
        return await table_metadata(self.api, scope or self.table)


def _with_ci_name(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields with cmdb_ci as {value, display_value} (the shape of
    sysparm_display_value=all) when the dot-walked name came along: the ticket shows the
    CI's name, not its sys_id."""
    fields = dict(record)
    name = fields.pop("cmdb_ci.name", None)
    if name and isinstance(fields.get("cmdb_ci"), str) and fields["cmdb_ci"]:
        fields["cmdb_ci"] = {"value": fields["cmdb_ci"], "display_value": str(name)}
    return fields
