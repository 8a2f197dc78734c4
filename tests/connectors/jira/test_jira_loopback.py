"""A few operations over real HTTP on 127.0.0.1 (uvicorn in a thread, bounded)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loopback import served as serve_on_loopback
from zshield_tui.connectors.jira import JiraConnector
from zshield_tui.sim.jira.app import create_app

from .jira_testkit import ENV, fast_policy, target


@pytest.fixture
def served() -> Iterator[tuple[str, object]]:
    app = create_app()
    with serve_on_loopback(app) as url:
        yield url, app


@pytest.mark.parametrize("auth", ["api_token", "pat"])
async def test_create_comment_attach_search_over_http(served, auth, tmp_path):
    url, _ = served
    jira = JiraConnector(target(auth, url), ENV, retry=fast_policy(), projects=["SEC"])
    evidence = tmp_path / "alert.json"
    evidence.write_text('{"id": "ZS-1"}')
    async with jira:
        made = await jira.create({"fields": {"project": {"key": "SEC"},
                                             "issuetype": {"name": "Bug"},
                                             "summary": "over loopback"}},
                                 correlation_key="ZS-LOOP")
        await jira.add_comment(made.ticket.key, "hello")
        assert await jira.attach(made.ticket.key, evidence)
        assert (await jira.find_by_correlation("ZS-LOOP")).key == made.ticket.key
        assert [c.body for c in await jira.comments(made.ticket.key)] == ["hello"]


async def test_read_timeout_after_send_is_detected_over_http(served):
    url, app = served
    app.state.faults.update({"drop_after_change": 1, "drop_hang": 2})
    jira = JiraConnector(target("api_token", url), ENV, projects=["SEC"],
                         retry=fast_policy(read_timeout=0.3, connect_timeout=0.5))
    async with jira:
        result = await jira.create({"fields": {"project": {"key": "SEC"},
                                               "issuetype": {"name": "Bug"},
                                               "summary": "dropped"}},
                                   correlation_key="ZS-HTTP-DROP")
    assert result.created and len(app.state.jira.issues) == 1
