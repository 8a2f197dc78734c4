"""What a Jira target can do beyond the common interface, and what it decides itself
instead of the sync layer: moves by transition name (looked up once per project and
status), the runbook as one marked comment, drafts as `{"fields": ...}`, escalation's
fields; no CMDB and no SLA timers."""

from __future__ import annotations

import pytest

from zshield_tui.connectors.base import RUNBOOK_HEADER
from zshield_tui.connectors.errors import NotFoundError, Unsupported
from zshield_tui.connectors.factory import connector_class
from zshield_tui.connectors.jira import JiraConnector

from .test_jira_operations import payload


def _requests(recorder, method: str, suffix: str) -> int:
    return sum(1 for _, m, path, *_ in recorder.requests if m == method and path.endswith(suffix))


def test_a_jira_target_gets_the_jira_connector_and_says_what_it_lacks():
    assert connector_class("jira") is JiraConnector
    assert not JiraConnector.supports_cmdb and not JiraConnector.supports_sla
    assert not JiraConnector.batches_state_changes


async def test_asking_for_what_jira_lacks_is_a_typed_refusal(make_connector):
    async with make_connector("api_token") as jira:
        with pytest.raises(Unsupported):
            await jira.link_assets("SEC-1", [("web-01", None)])
        with pytest.raises(Unsupported):
            await jira.slas("SEC-1")
        assert jira.configuration_item((await jira.create(
            payload(), correlation_key="ZS-CI")).ticket) is None


async def test_a_second_issue_in_the_same_status_moves_in_one_request(make_connector,
                                                                      recorder, app):
    async with make_connector("api_token") as jira:
        one = (await jira.create(payload(), correlation_key="ZS-M1")).ticket
        two = (await jira.create(payload(), correlation_key="ZS-M2")).ticket
        assert await jira.move(one.key, "Done", status="To Do") == "Done"
        looked = _requests(recorder, "GET", "/transitions")
        assert await jira.move(two.key, "Done", status="To Do") == "Done"
    assert _requests(recorder, "GET", "/transitions") == looked   # no second lookup
    assert [app.state.jira.issues[t.key].status for t in (one, two)] == ["Done", "Done"]


async def test_a_stale_status_takes_the_full_path(make_connector, app):
    async with make_connector("pat") as jira:
        one = (await jira.create(payload(), correlation_key="ZS-S1")).ticket
        two = (await jira.create(payload(), correlation_key="ZS-S2")).ticket
        await jira.move(one.key, "Start Progress", status="To Do")
        await jira.move(two.key, "Done", status="To Do")
        # Our copy says To Do, Jira says In Progress: the cached guess is refused.
        assert await jira.move(one.key, "Done", status="To Do") == "Done"


async def test_a_move_with_no_path_from_the_status_is_not_found(make_connector):
    async with make_connector("api_token") as jira:
        issue = (await jira.create(payload(), correlation_key="ZS-N")).ticket
        with pytest.raises(NotFoundError, match="Reopen"):
            await jira.move(issue.key, "Reopen", status="To Do")


async def test_many_moves_go_one_by_one_with_an_answer_each(make_connector):
    async with make_connector("api_token") as jira:
        issue = (await jira.create(payload(), correlation_key="ZS-B")).ticket
        done, missing = await jira.move_many([(issue.key, "Done", None),
                                              ("SEC-999", "Done", None)])
    assert done.status == "Done"
    assert isinstance(missing, NotFoundError)


async def test_the_runbook_is_one_comment_however_often_it_is_sent(make_connector, app):
    async with make_connector("api_token") as jira:
        issue = (await jira.create(payload(), correlation_key="ZS-R")).ticket
        for _ in range(2):
            await jira.ensure_runbook(issue.key, ["Isolate web-01", "Collect memory"],
                                      alert_id="ZS-R")
        comments = await jira.comments(issue.key)
    assert len(comments) == 1
    assert comments[0].body.splitlines() == [f"{RUNBOOK_HEADER} Playbook for alert ZS-R",
                                             "1. Isolate web-01", "2. Collect memory"]


def test_a_jira_draft_keeps_its_fields_under_fields():
    draft = payload(assignee="ana@example.com")
    assert JiraConnector.draft_fields(draft)["assignee"] == "ana@example.com"
    trimmed = JiraConnector.with_draft_fields(draft, {"summary": "x"})
    assert trimmed["fields"] == {"summary": "x"}


def test_routing_sets_project_and_assignee_and_has_no_group():
    routed = JiraConnector.routed(payload(), project="SOCCRIT", group="Security Operations",
                                  assignee="bo@example.com")
    assert routed["fields"]["project"] == {"key": "SOCCRIT"}
    assert routed["fields"]["assignee"] == "bo@example.com"
    assert "Security Operations" not in str(routed)


def test_default_workflow_is_jira_s():
    assert JiraConnector.default_outbound["resolved"] == "Done"
    assert JiraConnector.default_inbound("indeterminate") == "in_progress"
    assert JiraConnector.default_inbound("done") == "resolved"
    assert JiraConnector.default_inbound("new") is None
    assert JiraConnector.closing_fields({"close_code": "Resolved"}, "resolved") == {}


@pytest.mark.parametrize("auth, assignee", [("api_token", {"accountId": "u-1"}),
                                            ("pat", {"name": "u-1"})])
def test_escalation_fields_follow_the_deployment(make_connector, auth, assignee):
    jira = make_connector(auth)
    assert jira.assignee_fields("u-1") == {"assignee": assignee}
    assert jira.raised_priority_fields({"priority": {"name": "Medium"}}) == \
        {"priority": {"name": "High"}}
    assert jira.raised_priority_fields({"priority": {"name": "Highest"}}) == {}
    assert jira.ticket_ref("SEC-1", "10001") == "SEC-1"
