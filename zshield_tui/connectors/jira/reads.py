"""Reads of the Jira connector: JQL search (Cloud pages by token, Data Center by offset),
create metadata (Cloud wraps its pages in issueTypes / fields, Data Center in values),
and user lookup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.base import CreateMetadata, RemoteTicket
from zshield_tui.connectors.errors import NotFoundError, ValidationError
from zshield_tui.connectors.jira.shapes import metadata_from

if TYPE_CHECKING:
    from zshield_tui.connectors.jira.client import JiraConnector

SEARCH_FIELDS = ["summary", "status", "updated", "created", "labels", "priority", "assignee",
                 "issuetype", "project"]
PROPERTY = "zshield"   # the issue property that names the alert an issue was made for


async def search(jira: JiraConnector, jql: str, *, with_property: bool = True
                 ) -> list[RemoteTicket]:
    """Every page of a JQL search."""
    tickets: list[RemoteTicket] = []
    if jira.cloud:
        token: str | None = None
        while True:
            body: dict[str, Any] = {"jql": jql, "fields": SEARCH_FIELDS,
                                    "maxResults": jira.page_size}
            if with_property:
                body["properties"] = [PROPERTY]
            if token:
                body["nextPageToken"] = token
            page = (await jira._call("POST", "/search/jql", json=body, what="search",
                                     idempotent=True)).json()
            tickets += [jira._ticket(i) for i in page.get("issues") or []]
            token = page.get("nextPageToken")
            if page.get("isLast") is True or not token:
                return tickets
    start = 0
    while True:
        page = (await jira._call("POST", "/search", what="search", idempotent=True, json={
            "jql": jql, "startAt": start, "maxResults": jira.page_size,
            "fields": SEARCH_FIELDS})).json()
        issues = page.get("issues") or []
        tickets += [jira._ticket(i) for i in issues]
        start += len(issues)
        if not issues or start >= int(page.get("total", 0)):
            return tickets


async def create_metadata(jira: JiraConnector, scope: str | None = None) -> CreateMetadata:
    """`PROJECT/IssueType` (name or id); without an issue type, the first one."""
    project, _, wanted = (scope or (jira.projects[0] if jira.projects else "")).partition("/")
    if not project:
        raise ValidationError("create metadata needs a project: pass 'PROJECT/IssueType'",
                              fields={"project": "missing"}, target=jira.name)
    types = await _pages(jira, f"/issue/createmeta/{project}/issuetypes", "issueTypes")
    match = next((t for t in types if wanted and wanted.casefold() in
                  {str(t.get("name", "")).casefold(), str(t.get("id"))}), None)
    if match is None and not wanted:
        match = next((t for t in types if not t.get("subtask")), None)
    if match is None:
        names = ", ".join(t.get("name", "?") for t in types) or "none"
        raise NotFoundError(f"project {project} has no issue type {wanted!r}; "
                            f"available: {names}", target=jira.name)
    metas = await _pages(jira, f"/issue/createmeta/{project}/issuetypes/{match['id']}",
                         "fields")
    return metadata_from(f"{project}/{match.get('name')}", metas)


async def _pages(jira: JiraConnector, path: str, cloud_key: str) -> list[dict[str, Any]]:
    """Cloud wraps createmeta pages in issueTypes / fields, Data Center in values."""
    out: list[dict[str, Any]] = []
    start = 0
    while True:
        page = (await jira._call("GET", path, what="create metadata",
                                 params={"startAt": start, "maxResults": 50})).json()
        items = page.get(cloud_key if jira.cloud else "values") or []
        out += items
        start += len(items)
        if not items or start >= int(page.get("total", start)) or page.get("isLast"):
            return out


async def find_user(jira: JiraConnector, who: str) -> str:
    """Email or name -> accountId (Cloud) or username (Data Center)."""
    if jira.cloud:
        users = (await jira._call("GET", "/user/search", params={"query": who},
                                  what=f"find user {who}")).json()
        exact = [u for u in users if (u.get("emailAddress") or "").casefold() ==
                 who.casefold()] or (users if len(users) == 1 else [])
        if exact:
            return exact[0]["accountId"]
    else:
        users = (await jira._call("GET", "/user/search", params={"username": who},
                                  what=f"find user {who}")).json()
        exact = [u for u in users if who.casefold() in
                 {(u.get("emailAddress") or "").casefold(), u.get("name", "").casefold()}] \
            or (users if len(users) == 1 else [])
        if exact:
            return exact[0]["name"]
    raise NotFoundError(f"no Jira user matches {who!r}"
                        + (f" ({len(users)} partial matches)" if users else ""),
                        target=jira.name)
