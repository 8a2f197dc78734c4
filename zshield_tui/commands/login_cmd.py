"""`zshield config login TARGET`: the Jira Cloud OAuth 2.0 (3LO) consent in a browser.

The redirect comes back to a one-shot listener on 127.0.0.1; the tokens (refresh tokens
rotate) are kept in a 0600 file in the user data dir, never in the config.
"""

from __future__ import annotations

import asyncio
import webbrowser

from zshield_tui.connectors.errors import ConnectorError
from zshield_tui.domain.terminal import printable

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError


def run(ctx: Context, target_name: str | None) -> int:
    oauth_targets = [t for t in ctx.config.targets
                     if t.kind == "jira" and t.auth.method == "oauth2"]
    if not target_name:
        names = ", ".join(t.name for t in oauth_targets) or "none configured"
        raise UsageError(f"config login needs a target with auth.method = \"oauth2\": {names}")
    target = next((t for t in ctx.config.targets if t.name == target_name), None)
    if target is None:
        raise UsageError(f"{ctx.config_file}: no target named {target_name!r}")
    if target not in oauth_targets:
        raise UsageError(f"{ctx.config_file}: target {target_name!r} does not use OAuth 2.0 "
                         "(only Jira Cloud targets with auth.method = \"oauth2\" log in)")
    try:
        who = asyncio.run(_login(ctx, target))
    except ConnectorError as exc:
        print(printable(f"zshield: {exc}"), file=ctx.err)
        return EXIT_FAILED
    print(printable(f"{target.name}: logged in as {who}"), file=ctx.out)
    return EXIT_OK


async def _login(ctx: Context, target) -> str:
    from zshield_tui.connectors.jira.client import JiraConnector

    def open_browser(url: str) -> None:
        print(f"Opening the Atlassian consent page; if no browser opens, visit:\n  {url}",
              file=ctx.out, flush=True)
        webbrowser.open(url)

    async with JiraConnector(target) as jira:
        assert jira.oauth is not None
        await jira.oauth.login(open_browser)
        return await jira.test_connection()
