"""In-memory Jira: projects, workflows, users, issues, comments, attachments, OAuth grants.

One store serves both deployments at once; the credential a request carries decides
whether it is answered as Cloud (Basic API token, OAuth) or Data Center (PAT).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Test credentials the simulator accepts; anything else is a 401.
CLOUD_EMAIL = "soc-bot@example.com"
CLOUD_TOKEN = "sim-cloud-api-token"
DC_PAT = "sim-dc-personal-access-token"
OAUTH_CLIENT_ID = "sim-oauth-client"
OAUTH_CLIENT_SECRET = "sim-oauth-secret"
CLOUD_ID = "0b5e9c1a-4f7d-4a8e-9d2c-5a1b3c4d5e6f"
SITE_URL = "https://zshield-sim.atlassian.net"
UPLOAD_LIMIT = 10 * 1024 * 1024

CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow",
                      "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
STATUSES = {
    "To Do": {"id": "10000", "name": "To Do", "category": "new"},
    "In Progress": {"id": "3", "name": "In Progress", "category": "indeterminate"},
    "Done": {"id": "10001", "name": "Done", "category": "done"},
}
# Two workflows with different transition ids: clients must look ids up by name.
WORKFLOWS: dict[str, list[tuple[str, str, str, str]]] = {
    # (transition id, name, from status, to status)
    "classic": [("11", "Start Progress", "To Do", "In Progress"),
                ("31", "Done", "To Do", "Done"),
                ("21", "Stop Progress", "In Progress", "To Do"),
                ("31", "Done", "In Progress", "Done"),
                ("41", "Reopen", "Done", "To Do")],
    "soc": [("711", "Start Progress", "To Do", "In Progress"),
            ("721", "Done", "To Do", "Done"),
            ("731", "Stop Progress", "In Progress", "To Do"),
            ("721", "Done", "In Progress", "Done"),
            ("741", "Reopen", "Done", "To Do")],
}
PRIORITIES = [{"id": "1", "name": "Highest"}, {"id": "2", "name": "High"},
              {"id": "3", "name": "Medium"}, {"id": "4", "name": "Low"},
              {"id": "5", "name": "Lowest"}]
# A fresh site's link types (id, name, inward, outward).
LINK_TYPES = [{"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
              {"id": "10001", "name": "Cloners", "inward": "is cloned by", "outward": "clones"},
              {"id": "10002", "name": "Duplicate", "inward": "is duplicated by",
               "outward": "duplicates"},
              {"id": "10003", "name": "Relates", "inward": "relates to",
               "outward": "relates to"}]
# A done status carries one of these; the workflows' done transitions set the first.
RESOLUTIONS = [{"id": "10000", "name": "Done",
                "description": "Work has been completed on this issue."},
               {"id": "10001", "name": "Won't Do",
                "description": "This issue won't be actioned."},
               {"id": "10002", "name": "Duplicate",
                "description": "The problem is a duplicate of an existing issue."}]
ISSUE_TYPES = [{"id": "10004", "name": "Bug", "subtask": False},
               {"id": "10002", "name": "Task", "subtask": False}]


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def jira_time(when: datetime) -> str:
    """Jira's timestamp format: milliseconds and an offset without a colon."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}" + \
        when.strftime("%z")


@dataclass
class User:
    account_id: str
    name: str
    email: str
    display_name: str
    time_zone: str = "UTC"   # JQL dates are read in this zone (as Jira does)

    def render(self, deployment: str) -> dict[str, Any]:
        """The user as each deployment shows it (accountId on Cloud, name on DC)."""
        if deployment == "cloud":
            return {"accountId": self.account_id, "emailAddress": self.email,
                    "displayName": self.display_name, "active": True,
                    "accountType": "atlassian", "timeZone": self.time_zone}
        return {"name": self.name, "key": self.name, "emailAddress": self.email,
                "displayName": self.display_name, "active": True,
                "timeZone": self.time_zone}


@dataclass
class Comment:
    id: str
    author: User
    body: str            # kept as plain text; rendered as ADF on v3, a string on v2
    created: datetime


@dataclass
class Issue:
    id: str
    key: str
    project: str
    issuetype: dict[str, Any]
    fields: dict[str, Any]        # summary, description (text), priority, labels, assignee
    status: str = "To Do"
    resolution: dict[str, Any] | None = None
    resolved: datetime | None = None
    created: datetime = field(default_factory=now)
    updated: datetime = field(default_factory=now)
    comments: list[Comment] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    visible_at: float = 0.0       # when Cloud search starts to see it (eventual consistency)


@dataclass
class IssueLink:
    id: str
    type: dict[str, str]          # id, name, inward, outward
    inward: str                   # issue keys
    outward: str


@dataclass
class Project:
    id: str
    key: str
    name: str
    workflow: str


class JiraState:
    """All the data of one simulator instance."""

    def __init__(self, *, seed: bool = True) -> None:
        self.projects: dict[str, Project] = {}
        self.users: list[User] = []
        self.issues: dict[str, Issue] = {}
        self.next_issue_id = 10000
        self.next_comment_id = 10000
        self.next_attachment_id = 10000
        self.attachment_data: dict[str, bytes] = {}   # attachment id -> the file's bytes
        self.counters: dict[str, int] = {}
        self.upload_limit = UPLOAD_LIMIT
        self.auth_codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, float] = {}     # token -> expiry (epoch seconds)
        self.refresh_tokens: set[str] = set()
        self.links: dict[str, IssueLink] = {}          # issue link id -> the link
        self.next_link_id = 10000
        self.projects["SEC"] = Project("10000", "SEC", "Security Operations", "classic")
        self.projects["OPS"] = Project("10001", "OPS", "Operations", "soc")
        self.bot = User("557058:0f1e2d3c-bot", "soc-bot", CLOUD_EMAIL, "SOC Bot")
        self.users.append(self.bot)
        if seed:
            self.users += [
                User("5b10a2844c20165700ede21g", "ana", "ana@example.com", "Ana Analyst"),
                User("5b10ac8d82e05b22cc7d4ef5", "bo", "bo@example.com", "Bo Responder"),
            ]

    # -- issues ---------------------------------------------------------------------
    def new_issue(self, project: Project, issuetype: dict[str, Any],
                  fields: dict[str, Any]) -> Issue:
        """Stores a new issue with the project's next key."""
        self.counters[project.key] = self.counters.get(project.key, 0) + 1
        issue = Issue(str(self.next_issue_id), f"{project.key}-{self.counters[project.key]}",
                      project.key, issuetype, fields)
        self.next_issue_id += 1
        self.issues[issue.key] = issue
        return issue

    def find_issue(self, id_or_key: str) -> Issue | None:
        """By key or id."""
        if id_or_key in self.issues:
            return self.issues[id_or_key]
        return next((i for i in self.issues.values() if i.id == id_or_key), None)

    def transitions_for(self, issue: Issue) -> list[tuple[str, str, str, str]]:
        """The workflow transitions leaving the issue's status."""
        workflow = WORKFLOWS[self.projects[issue.project].workflow]
        return [t for t in workflow if t[2] == issue.status]

    def move(self, issue: Issue, status: str, resolution: dict[str, Any] | None = None
             ) -> None:
        """Puts the issue in `status`: entering a done status sets the resolution and its
        date, leaving one clears both, as Jira's default workflows do."""
        done = STATUSES[status]["category"] == "done"
        if done and (issue.resolution is None or resolution is not None):
            issue.resolution = resolution or RESOLUTIONS[0]
            issue.resolved = now()
        elif not done:
            issue.resolution = issue.resolved = None
        issue.status = status
        issue.updated = now()

    def add_comment(self, issue: Issue, author: User, body: str) -> Comment:
        """Stores a comment and bumps the issue's updated time."""
        comment = Comment(str(self.next_comment_id), author, body, now())
        self.next_comment_id += 1
        issue.comments.append(comment)
        issue.updated = comment.created
        return comment

    # -- users ----------------------------------------------------------------------
    def find_user(self, *, account_id: str | None = None, name: str | None = None
                  ) -> User | None:
        """By accountId or name."""
        for user in self.users:
            if (account_id and user.account_id == account_id) or (name and user.name == name):
                return user
        return None

    def search_users(self, query: str) -> list[User]:
        """Prefix match on email, name or display name."""
        q = query.lower()
        return [u for u in self.users if u.email.lower().startswith(q)
                or u.name.lower().startswith(q) or u.display_name.lower().startswith(q)]

    # -- OAuth ----------------------------------------------------------------------
    def issue_tokens(self, scope: str, expires_in: int, clock: float) -> dict[str, Any]:
        """A new access token (and refresh token with offline_access)."""
        access = "sim-at-" + secrets.token_urlsafe(16)
        self.access_tokens[access] = clock + expires_in
        body: dict[str, Any] = {"access_token": access, "expires_in": expires_in,
                                "scope": scope, "token_type": "bearer"}
        if "offline_access" in scope.split():
            refresh = "sim-rt-" + secrets.token_urlsafe(16)
            self.refresh_tokens.add(refresh)
            body["refresh_token"] = refresh
        return body
