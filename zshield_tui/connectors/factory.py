"""The right connector for a configured target, and the quick metadata fetch that the
mapping preview (CLI and TUI) uses before validating a draft."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zshield_tui.config import TargetConfig
from zshield_tui.domain import CreateMetadata

from .base import Connector


def connector_for(target: TargetConfig, *, table: str = "incident", projects: Sequence[str] = (),
                  env: Mapping[str, str] | None = None, quick: bool = False) -> Connector:
    """A Jira or ServiceNow connector for `target`. `quick`: one retry and short timeouts,
    for an analyst waiting on a screen rather than an unattended sync."""
    if target.kind == "jira":
        from .jira.client import JiraConnector
        from .jira.http import RetryPolicy

        policy = RetryPolicy(max_attempts=2, connect_timeout=3.0, read_timeout=10.0) \
            if quick else None
        return JiraConnector(target, env, projects=projects, retry=policy)
    from .servicenow.client import ServiceNowConnector
    from .servicenow.retry import RetryPolicy as ServiceNowRetry

    if quick:
        return ServiceNowConnector(target, env, table=table, timeout=10.0,
                                   retry=ServiceNowRetry(max_attempts=2))
    return ServiceNowConnector(target, env, table=table)


async def fetch_create_metadata(target: TargetConfig, *, project: str = "",
                                issue_type: str = "", table: str = "incident"
                                ) -> CreateMetadata:
    """What a create may hold right now: Jira `project/issue_type` or a ServiceNow table.
    Raises ConnectorError when the target cannot be reached or refuses."""
    scope = f"{project}/{issue_type}" if target.kind == "jira" else table
    projects = [project] if project else []
    async with connector_for(target, table=table, projects=projects, quick=True) as connector:
        return await connector.create_metadata(scope)
