"""Parent and child issues: an issue link of the target's `link_type`, or a sub-task.

The link type is checked against `GET /issueLinkType` once per connector, so a typo in
the config is one clear error naming the types the site has, not a 404 per child. A link
is looked for on the child (`fields.issuelinks`, `fields.parent`) before one is made: the
POST is not idempotent, and a rerun after a lost answer must not link twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.errors import ValidationError

if TYPE_CHECKING:
    from zshield_tui.connectors.jira.client import JiraConnector


class IssueLinks:
    """One per connector: remembers the link type's name as the site spells it."""

    def __init__(self) -> None:
        self._type: str | None = None

    async def link_type(self, jira: JiraConnector) -> str:
        """The configured link type as the site names it; ValidationError listing the
        available ones when the site has no such type."""
        if self._type is None:
            wanted = jira.target.link_type
            data = (await jira._call("GET", "/issueLinkType", what="issue link types")).json()
            types = data.get("issueLinkTypes") or []
            match = next((t for t in types if str(t.get("name", "")).casefold()
                          == wanted.casefold() or str(t.get("id")) == wanted), None)
            if match is None:
                names = ", ".join(str(t.get("name")) for t in types) or "none"
                raise ValidationError(f"link_type {wanted!r} is not an issue link type on "
                                      f"this site; available: {names}",
                                      fields={"link_type": "unknown"}, target=jira.name)
            self._type = str(match["name"])
        return self._type

    async def link(self, jira: JiraConnector, child: str, parent: str) -> None:
        """Links `child` to `parent` unless it is already (either direction) or is its
        sub-task."""
        issue = (await jira._call("GET", f"/issue/{child}", what=f"links of {child}",
                                  params={"fields": "issuelinks,parent"})).json()
        fields = issue.get("fields") or {}
        if (fields.get("parent") or {}).get("key") == parent:
            return
        name = await self.link_type(jira)
        if any(_links_to(link, parent, name) for link in fields.get("issuelinks") or []):
            return
        body = {"type": {"name": name}, "inwardIssue": {"key": parent},
                "outwardIssue": {"key": child}}
        await jira._call("POST", "/issueLink", json=body, idempotent=False,
                         what=f"link {child} to {parent}")


def _links_to(link: dict[str, Any], parent: str, type_name: str) -> bool:
    other = link.get("inwardIssue") or link.get("outwardIssue") or {}
    kind = (link.get("type") or {}).get("name", "")
    return other.get("key") == parent and str(kind).casefold() == type_name.casefold()


def sub_task_fields(issue_type: str | None, parent: str) -> dict[str, Any]:
    """`fields.parent` and the sub-task type, when the target makes children sub-tasks."""
    if not issue_type:
        return {}
    return {"issuetype": {"name": issue_type}, "parent": {"key": parent}}
