"""What the mapping layer needs to know about a target, without importing the config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TargetSpec:
    """A ticketing target as rendering and request building see it. No secret values:
    only the name of the environment variable that holds one."""

    name: str
    kind: str                       # jira | servicenow
    url: str = ""
    deployment: str | None = None   # Jira: cloud | datacenter
    auth_method: str = ""           # api_token | pat | oauth2 | basic
    auth_user: str = ""             # the account email or user name; not a secret
    secret_env: str = ""            # environment variable holding the secret

    @property
    def cloud(self) -> bool:
        return self.kind == "jira" and self.deployment != "datacenter"


def target_spec(target: Any) -> TargetSpec:
    """A TargetSpec from a config TargetConfig (or anything shaped like one)."""
    if isinstance(target, TargetSpec):
        return target
    auth = getattr(target, "auth", None)
    user = getattr(auth, "email", None) or getattr(auth, "username", None) or ""
    secret = (getattr(auth, "token_env", None) or getattr(auth, "password_env", None)
              or getattr(auth, "client_secret_env", None) or "")
    return TargetSpec(
        name=target.name, kind=target.kind, url=str(target.url).rstrip("/"),
        deployment=getattr(target, "deployment", None),
        auth_method=getattr(auth, "method", "") or "", auth_user=user, secret_env=secret,
    )


# The documented examples (DESIGN §3), usable before any config exists.
EXAMPLE_TARGETS = {
    "example-jira": TargetSpec(
        "example-jira", "jira", "https://yourorg.atlassian.net", "cloud", "api_token",
        "soc-bot@yourorg.com", "ZSHIELD_JIRA_TOKEN"),
    "example-snow": TargetSpec(
        "example-snow", "servicenow", "https://yourorg.service-now.com", None, "oauth2",
        "zshield", "ZSHIELD_SNOW_CLIENT_SECRET"),
}
