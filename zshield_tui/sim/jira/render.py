"""JSON shapes of the simulator's answers, per API version and deployment."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .adfcheck import text_adf
from .fields import READ_BACK, stored_json
from .state import CATEGORIES, STATUSES, Comment, Issue, JiraState, jira_time

ALL_FIELDS = ("summary", "description", "priority", "labels", "assignee", "status",
              "issuetype", "project", "created", "updated", "reporter", "attachment",
              "issuelinks", "parent", "resolution", "resolutiondate", *READ_BACK)


def error(status: int, messages: list[str] | None = None,
          errors: dict[str, str] | None = None, headers: dict[str, str] | None = None
          ) -> JSONResponse:
    """Jira's ErrorCollection body."""
    return JSONResponse({"errorMessages": messages or [], "errors": errors or {}},
                        status_code=status, headers=headers)


def base(request: Request) -> str:
    """The base URL of self links (with the gateway prefix when used)."""
    return str(request.base_url).rstrip("/") + request.scope.get("jira_prefix", "")


def status_json(name: str) -> dict[str, Any]:
    """A status with its statusCategory, as in real payloads."""
    status = STATUSES[name]
    return {"id": status["id"], "name": name, "statusCategory": CATEGORIES[status["category"]]}


def rich(text: str | None, ver: int) -> Any:
    """A rich-text field as the version represents it: ADF on v3, a string on v2."""
    if text is None:
        return None
    return text_adf(text) if ver == 3 else text


def issue_json(request: Request, state: JiraState, issue: Issue, ver: int,
               fields: list[str] | None, properties: list[str] | None = None) -> dict[str, Any]:
    """IssueBean with the requested fields (all of them when `fields` is None). The comment
    page is not a navigable field: `*all` and GET issue carry it, `*navigable` does not."""
    deployment = request.scope["jira_deployment"]
    if fields is None or "*all" in fields:
        wanted = [*ALL_FIELDS, "comment"]
    elif "*navigable" in fields:
        wanted = list(ALL_FIELDS)
    else:
        wanted = fields
    values: dict[str, Any] = {}
    for name in wanted:
        if name == "summary":
            values[name] = issue.fields.get("summary")
        elif name == "description":
            values[name] = rich(issue.fields.get("description"), ver)
        elif name == "priority":
            values[name] = issue.fields.get("priority")
        elif name == "labels":
            values[name] = list(issue.fields.get("labels") or [])
        elif name in {"assignee", "reporter"}:
            user = issue.fields.get("assignee") if name == "assignee" else state.bot
            values[name] = user.render(deployment) if user else None
        elif name == "status":
            values[name] = status_json(issue.status)
        elif name == "issuetype":
            values[name] = issue.issuetype
        elif name == "project":
            project = state.projects[issue.project]
            values[name] = {"id": project.id, "key": project.key, "name": project.name}
        elif name in {"created", "updated"}:
            values[name] = jira_time(getattr(issue, name))
        elif name == "attachment":
            values[name] = issue.attachments
        elif name in READ_BACK:
            values[name] = stored_json(name, issue.fields.get(name), ver, deployment)
        elif name == "issuelinks":
            from .routes_links import issue_links_json
            values[name] = issue_links_json(request, state, issue, ver)
        elif name == "parent" and issue.fields.get("parent"):
            values[name] = issue.fields["parent"]
        elif name == "resolution":
            values[name] = resolution_json(request, ver, issue.resolution) \
                if issue.resolution else None
        elif name == "resolutiondate":
            values[name] = jira_time(issue.resolved) if issue.resolved else None
        elif name == "comment":
            shown = [comment_json(request, issue, c, ver) for c in issue.comments]
            values[name] = {"comments": shown, "maxResults": len(shown), "total": len(shown),
                            "startAt": 0}
    body: dict[str, Any] = {"id": issue.id, "key": issue.key,
                            "self": f"{base(request)}/rest/api/{ver}/issue/{issue.id}"}
    if wanted != ["id"]:
        body["fields"] = {k: v for k, v in values.items() if k != "id"}
    if properties:
        body["properties"] = {k: issue.properties[k] for k in properties
                              if k in issue.properties}
    return body


def resolution_json(request: Request, ver: int, resolution: dict[str, Any]) -> dict[str, Any]:
    """A resolution with its self link."""
    return {"self": f"{base(request)}/rest/api/{ver}/resolution/{resolution['id']}",
            **resolution}


def comment_json(request: Request, issue: Issue, comment: Comment, ver: int) -> dict[str, Any]:
    """A comment as the API version represents it."""
    author = comment.author.render(request.scope["jira_deployment"])
    return {"id": comment.id,
            "self": f"{base(request)}/rest/api/{ver}/issue/{issue.id}/comment/{comment.id}",
            "author": author, "updateAuthor": author, "body": rich(comment.body, ver),
            "created": jira_time(comment.created), "updated": jira_time(comment.created),
            "jsdPublic": True}


def split_param(value: str | None) -> list[str] | None:
    """`a,b` query values as a list (None when absent)."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def list_param(request: Request, name: str) -> list[str] | None:
    """A list parameter given as `a,b`, as `name=a&name=b` (requests sends a Python list
    that way) or both: every occurrence counts, as on Jira. None when absent."""
    given = request.query_params.getlist(name)
    if not given:
        return None
    return [v for value in given for v in split_param(value) or []]
