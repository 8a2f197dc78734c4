"""`config.toml`: pydantic models, file locations, and errors that name file and field.

Unknown keys are refused (a typo must not silently disable a setting). Secrets are never
values here: the config names the environment variable that holds each one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .paths import TextFileError, read_text_file
from .rules_config import Escalation, OnCall, Rule, oncall_references, parse_duration


class ConfigError(Exception):
    """The config cannot be used; the message names the file, the field and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class DatabaseConfig(_Strict):
    url: str | None = None
    """A SQLite file path or `sqlite:///path` URL (default: zshield.db in the user data dir),
    or `postgresql://user@host:5432/database` for a team (libpq options such as
    `sslmode=verify-full` in its query)."""
    password_env: str | None = None
    """PostgreSQL: the environment variable holding the password (never in the URL)."""


class UserConfig(_Strict):
    name: str | None = None
    """Who this analyst is on notes, audit rows, assignments and states (default: the
    operating system login). In team mode, the name colleagues know you by."""


class ApiTokenAuth(_Strict):
    method: Literal["api_token"]
    email: str
    """The Atlassian account the API token belongs to."""
    token_env: str
    """Environment variable holding the API token."""


class PatAuth(_Strict):
    method: Literal["pat"]
    token_env: str
    """Environment variable holding the Data Center personal access token."""


class OAuth2Auth(_Strict):
    method: Literal["oauth2"]
    client_id: str
    client_secret_env: str
    """Environment variable holding the OAuth client secret."""
    username: str | None = None
    """ServiceNow password grant: the integration user."""
    password_env: str | None = None
    """ServiceNow password grant: environment variable holding the user's password."""


class BasicAuth(_Strict):
    method: Literal["basic"]
    username: str
    password_env: str
    """Environment variable holding the password."""


Auth = Annotated[ApiTokenAuth | PatAuth | OAuth2Auth | BasicAuth, Field(discriminator="method")]


class AutoCreate(_Strict):
    enabled: bool = False
    """Create tickets automatically for alerts at or above `min_severity`."""
    min_severity: Literal["critical", "high", "medium", "low", "informational"] = "high"


class Workflow(_Strict):
    outbound: dict[str, str] = Field(default_factory=dict)
    """Alert state -> remote transition name (Jira) or state (ServiceNow)."""
    inbound: dict[str, str] = Field(default_factory=dict)
    """Remote status -> alert state."""


class TargetConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """How the CLI, the TUI and the rules refer to this target."""
    kind: Literal["jira", "servicenow"]
    url: str
    """Base URL; https, except http on 127.0.0.1 / localhost (the simulators)."""
    deployment: Literal["cloud", "datacenter"] | None = None
    """Jira only: cloud (REST v3, ADF) or datacenter (REST v2, wiki markup)."""
    auth: Auth
    mapping: str | None = None
    """Mapping file, relative to the config file."""
    auto_create: AutoCreate = Field(default_factory=AutoCreate)
    workflow: Workflow = Field(default_factory=Workflow)
    close: dict[str, str] = Field(default_factory=dict)
    """ServiceNow: fields sent with the closing state (close_code, close_notes)."""
    group_by: str | None = None
    """A template like the mapping's (`{{alert.source}}:{{alert.title}}`) whose value groups
    recurring alerts: an alert with the key of an earlier one inside `group_window` becomes
    a recurrence on that one's ticket (a comment, the alert linked to it), not a ticket of
    its own. Absent: every alert gets its own ticket."""
    group_window: str = "24h"
    """How long after a group's first alert later ones with its key still join it: `30m`,
    `2h`, `1d`; after that the next one starts a new ticket."""
    when_closed: Literal["reopen", "new", "comment"] = "new"
    """What a recurrence does when the group's ticket is done (Jira status category done;
    ServiceNow resolved, closed or cancelled): `reopen` it through the workflow, start a
    `new` ticket, or only `comment` on the closed one."""
    staging: bool = False
    """A staging twin: auto-create runs here without a staging run of its own."""
    staging_twin: str | None = None
    """Production targets: the staging target (same kind) that `zshield rules stage` sends
    to; auto-create here runs only while a staging run of the current mapping, rules and
    filters has passed there."""
    link_type: str = "Relates"
    """Jira only: the issue link type (its name, as `GET /issueLinkType` lists them) that
    links a child alert's issue to its parent's; the parent is the link's inward issue."""
    child_issue_type: str | None = None
    """Jira only: a sub-task issue type (e.g. "Sub-task"): a child alert's issue is then
    created as a sub-task of its parent's (`fields.parent`) instead of being linked."""

    @field_validator("group_window")
    @classmethod
    def _window(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a template such as {{alert.title}}, or left out")
        return value

    @model_validator(mode="after")
    def _check(self) -> TargetConfig:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        local = parts.hostname in {"127.0.0.1", "localhost"}
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValueError(f"url {self.url!r} must be https (http only for 127.0.0.1)")
        if self.kind == "jira" and self.deployment is None:
            raise ValueError("deployment is required for Jira: cloud or datacenter")
        return self


class MappingConfig(_Strict):
    filters: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Overrides of the mapping filters' tables, e.g. `[mapping.filters.jira_priority]`
    `critical = "P1"`; tables: jira_priority, snow_severity, snow_impact, snow_urgency."""


class EvidenceConfig(_Strict):
    roots: list[str] = Field(default_factory=list)
    """Folders evidence files may also be sent from, besides the folder of the alert file
    that names them (DESIGN §4); relative to the config file, `~` not expanded. A file is
    sent only when it resolves (`..` and symlinks followed) to a regular file inside one."""


class TlsConfig(_Strict):
    cert: str
    """PEM certificate file (with its chain), relative to the config file."""
    key: str
    """PEM private key file of that certificate, relative to the config file."""


class SourceConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """How the daemon's log names this source."""
    follow: str
    """A file or a glob (`/var/log/suricata/eve.json`, `/var/log/falco/*.json`) that
    `zshield run` follows like `tail -F`; relative to the config file's folder."""
    format: Literal["auto", "zshield", "suricata", "wazuh", "elastic", "ocsf", "guardduty",
                    "zeek", "falco"] = "auto"
    """The alert format of its files; auto: detected per file from its first record."""


class ReceiveConfig(_Strict):
    listen: str = "127.0.0.1:8765"
    """HOST:PORT (`[::1]:PORT` for IPv6) that `zshield receive` listens on; a host other
    than loopback needs `tls`, since the bearer token must not cross a network in clear."""
    token_env: str = "ZSHIELD_RECEIVE_TOKEN"
    """Environment variable holding the bearer token every sender must present; unset or
    empty, `zshield receive` refuses to start."""
    tls: TlsConfig | None = None
    """Serve HTTPS with this certificate and key, e.g. `{ cert = "...", key = "..." }`."""
    max_body_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    """Largest request body accepted; a longer one is refused with 413 without being read."""

    @field_validator("listen")
    @classmethod
    def _parse_listen(cls, value: str) -> str:
        listen_address(value)
        return value

    @model_validator(mode="after")
    def _tls_off_loopback(self) -> ReceiveConfig:
        if self.tls is None and not is_loopback(listen_address(self.listen)[0]):
            raise ValueError(f"listen {self.listen!r} is not a loopback address: add "
                             'tls = { cert = "...", key = "..." } or listen on 127.0.0.1')
        return self


def listen_address(text: str) -> tuple[str, int]:
    """(host, port) of `HOST:PORT` or `[IPv6]:PORT`; ValueError saying what is wrong."""
    host, sep, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"{text!r}: write an IPv6 address in brackets, [::1]:8765")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"{text!r}: expected HOST:PORT, e.g. 127.0.0.1:8765")
    return host, int(port)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: reachable from this machine only."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve to anything


class AutomationConfig(_Strict):
    children_on_parent_resolved: Literal["close", "note", "none"] = "close"
    """When a parent alert becomes resolved (here, by a remote status, or a rule): close
    its children and their tickets through the workflow, add a note "parent KEY resolved:
    ..." to each child's tickets, or leave them alone."""


class Config(_Strict):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    user: UserConfig = Field(default_factory=UserConfig)
    mapping: MappingConfig = Field(default_factory=MappingConfig)
    targets: list[TargetConfig] = Field(default_factory=list)
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id -> key, e.g. `{"push" = "P"}`; see the help screen for the ids."""
    rules: list[Rule] = Field(default_factory=list)
    """Routing rules, evaluated in order; the first match routes the alert."""
    oncall: dict[str, OnCall] = Field(default_factory=dict)
    """On-call rotations by name, used as `assign = "oncall:NAME"`."""
    escalation: Escalation | None = None
    """Escalation of tickets left in the remote "new" state; none when absent."""
    automation: AutomationConfig = Field(default_factory=AutomationConfig)
    """What follows automatically from a change (a parent's resolution)."""
    evidence: EvidenceConfig = Field(default_factory=EvidenceConfig)
    """Where evidence files may be sent from, besides each alert file's own folder."""
    sources: list[SourceConfig] = Field(default_factory=list)
    """Alert logs that `zshield run` follows as they grow."""
    receive: ReceiveConfig | None = None
    """The HTTP intake of `zshield receive`; absent: its defaults (loopback, token from
    ZSHIELD_RECEIVE_TOKEN), and `config check` does not ask for the token."""

    @model_validator(mode="after")
    def _unique_targets(self) -> Config:
        names = [t.name for t in self.targets]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"target names must be unique: {', '.join(duplicates)}")
        problems = []
        for i, rule in enumerate(self.rules):
            if rule.then.target not in names:
                problems.append(f"rules[{i}] ({rule.name}).then.target: no target "
                                f"{rule.then.target!r}; known: {', '.join(names) or 'none'}")
        for where, rotation in oncall_references(self.rules, self.escalation):
            if rotation not in self.oncall:
                problems.append(f"{where}: no on-call rotation {rotation!r} "
                                f"(add [oncall.{rotation}])")
        for i, target in enumerate(self.targets):
            if target.staging_twin is not None and target.staging_twin not in names:
                problems.append(f"targets[{i}] ({target.name}).staging_twin: no target "
                                f"{target.staging_twin!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_config(path: Path, *, required: bool = False) -> Config:
    """Reads and validates the config; a missing file is an empty config unless required."""
    try:
        data = tomllib.loads(read_text_file(path))
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: no such config file") from None
        return Config()
    except TextFileError as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e, data) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    """`targets[0] (jira-sec).url: ...`: the field path, with the target's name when known."""
    parts: list[str] = []
    node: Any = data
    for loc in error["loc"]:
        if isinstance(loc, int):
            name = node[loc].get("name") if isinstance(node, list) and loc < len(node) and \
                isinstance(node[loc], dict) else None
            parts[-1] += f"[{loc}]" + (f" ({name})" if name else "")
            node = node[loc] if isinstance(node, list) and loc < len(node) else None
        elif loc in {"api_token", "pat", "oauth2", "basic"}:
            continue  # the discriminator's tag, not a key the user wrote
        else:
            parts.append(str(loc))
            node = node.get(loc) if isinstance(node, dict) else None
    message = error["msg"].removeprefix("Value error, ")
    # Whole-config checks (cross-references) already name their field in the message.
    return f"{'.'.join(parts)}: {message}" if parts else message
