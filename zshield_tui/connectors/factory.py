"""The right connector for a configured target, and the quick metadata fetch that the
mapping preview (CLI and TUI) uses before validating a draft. The one place that picks
by a target's kind: everything above asks the connector (or its class) instead."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zshield_tui.config import TargetConfig
from zshield_tui.domain import CreateMetadata

from .base import Connector


def connector_class(kind: str) -> type[Connector]:
    """The connector class of a target kind: what the system can do and the decisions
    that need no connection (imported on first use; the connectors bring httpx)."""
    if kind == "jira":
        from .jira.client import JiraConnector

        return JiraConnector
    from .servicenow.client import ServiceNowConnector

    return ServiceNowConnector


def connector_for(target: TargetConfig, *, table: str = "incident", projects: Sequence[str] = (),
                  env: Mapping[str, str] | None = None, quick: bool = False,
                  **options: Any) -> Connector:
    """A Jira or ServiceNow connector for `target` (use `async with`). `quick`: one retry
    and short timeouts, for an analyst waiting on a screen rather than an unattended sync.
    `options` go to the connector as they are (a transport, a retry policy, limits)."""
    if target.kind == "jira":
        from .jira.client import JiraConnector
        from .jira.http import RetryPolicy

        if quick:
            options.setdefault("retry", RetryPolicy(max_attempts=2, connect_timeout=3.0,
                                                    read_timeout=10.0))
        return JiraConnector(target, env, projects=projects, **options)
    from .servicenow.client import ServiceNowConnector
    from .servicenow.retry import RetryPolicy as ServiceNowRetry

    if quick:
        options.setdefault("timeout", 10.0)
        options.setdefault("retry", ServiceNowRetry(max_attempts=2))
    return ServiceNowConnector(target, env, table=table, **options)


async def fetch_create_metadata(target: TargetConfig, *, project: str = "",
                                issue_type: str = "", table: str = "incident"
                                ) -> CreateMetadata:
    """What a create may hold right now: Jira `project/issue_type` or a ServiceNow table.
    Raises ConnectorError when the target cannot be reached or refuses."""
    scope = f"{project}/{issue_type}" if target.kind == "jira" else table
    projects = [project] if project else []
    async with connector_for(target, table=table, projects=projects, quick=True) as connector:
        return await connector.create_metadata(scope)
