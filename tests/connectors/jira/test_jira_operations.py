"""Every connector operation against the simulator, for Cloud (API token and OAuth 3LO)
and Data Center (PAT); the `jira` fixture also checks each request against the specs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zshield_tui.connectors.errors import NotFoundError, ValidationError
from zshield_tui.domain.correlation import correlation_label, legacy_correlation_label


def payload(summary: str = "PowerShell download cradle on web-01", **fields) -> dict:
    return {"fields": {"project": {"key": "SEC"}, "issuetype": {"name": "Bug"},
                       "summary": summary, "description": "Host web-01\n\nSeverity: high",
                       "priority": {"name": "High"}, "labels": ["zpoa-shield"], **fields}}


def test_correlation_label_is_a_valid_jira_label():
    assert correlation_label("ZS-2026-000123") == "zshield-zs-2026-000123-4c3b03c25449"
    assert correlation_label("a b/c:D").startswith("zshield-a-b-c-d-")


async def test_test_connection_names_the_account(jira):
    assert "SOC Bot" in await jira.test_connection()


async def test_create_then_get(jira):
    result = await jira.create(payload(), correlation_key="ZS-1")
    assert result.created
    ticket = await jira.get(result.ticket.key)
    assert ticket.key.startswith("SEC-")
    assert ticket.status == "To Do" and ticket.status_category == "new"
    assert ticket.correlation_key == "ZS-1"
    assert {"zpoa-shield", "zshield", correlation_label("ZS-1")} <= set(ticket.fields["labels"])
    assert ticket.url.endswith(f"/browse/{ticket.key}")


async def test_two_pushes_of_one_alert_make_one_issue(jira, app):
    first = await jira.create(payload(), correlation_key="ZS-2")
    second = await jira.create(payload(), correlation_key="ZS-2")
    assert first.created and not second.created
    assert second.ticket.key == first.ticket.key
    assert len(app.state.jira.issues) == 1


async def test_find_by_correlation(jira):
    assert await jira.find_by_correlation("ZS-404") is None
    made = await jira.create(payload(), correlation_key="ZS-3")
    found = await jira.find_by_correlation("ZS-3")
    assert found is not None and found.key == made.ticket.key


@pytest.mark.parametrize("first, second", [("x/1", "x:1"), ("Case-1", "case-1")])
async def test_ids_that_share_a_readable_label_get_issues_of_their_own(jira, app, first,
                                                                      second):
    one = await jira.create(payload(), correlation_key=first)
    two = await jira.create(payload(), correlation_key=second)
    assert two.created and two.ticket.key != one.ticket.key
    assert (await jira.find_by_correlation(first)).key == one.ticket.key
    assert (await jira.find_by_correlation(second)).key == two.ticket.key


async def test_an_issue_labelled_before_the_hash_is_still_found(jira, app):
    made = await jira.create(payload(), correlation_key="ZS-OLD")
    issue = app.state.jira.issues[made.ticket.key]
    issue.fields["labels"] = ["zshield", legacy_correlation_label("ZS-OLD")]
    again = await jira.create(payload(), correlation_key="ZS-OLD")
    assert not again.created and again.ticket.key == made.ticket.key


async def test_an_issue_planted_with_a_colliding_legacy_label_is_not_taken(jira, app):
    """An attacker's alert `case-1`, pushed first under the old labels, must not take
    the ticket of the real `Case-1`."""
    planted = await jira.create(payload(), correlation_key="case-1")
    app.state.jira.issues[planted.ticket.key].fields["labels"] = [
        "zshield", legacy_correlation_label("Case-1")]
    real = await jira.create(payload(), correlation_key="Case-1")
    assert real.created and real.ticket.key != planted.ticket.key


async def test_validation_errors_name_the_field(jira):
    with pytest.raises(ValidationError) as caught:
        await jira.create(payload(labels=["has space"]), correlation_key="ZS-4")
    assert "labels" in caught.value.fields
    assert "contains spaces" in str(caught.value)


async def test_update_fields(jira):
    key = (await jira.create(payload(), correlation_key="ZS-5")).ticket.key
    await jira.update(key, {"summary": "Renamed", "description": "new text"})
    assert (await jira.get(key)).fields["summary"] == "Renamed"


async def test_transitions_by_name(jira):
    key = (await jira.create(payload(), correlation_key="ZS-6")).ticket.key
    names = {t.name: t.to_category for t in await jira.transitions(key)}
    assert names == {"Start Progress": "indeterminate", "Done": "done"}
    ticket = await jira.transition(key, "start progress")
    assert (ticket.status, ticket.status_category) == ("In Progress", "indeterminate")
    ticket = await jira.transition(key, "Done")
    assert ticket.status_category == "done"


async def test_missing_transition_lists_the_available_ones(jira):
    key = (await jira.create(payload(), correlation_key="ZS-7")).ticket.key
    with pytest.raises(NotFoundError) as caught:
        await jira.transition(key, "Escalate")
    assert "Start Progress" in str(caught.value) and "Done" in str(caught.value)


async def test_transition_ids_come_from_the_workflow(jira):
    """OPS uses other transition ids than SEC; lookup by name still works."""
    made = await jira.create({"fields": {**payload()["fields"], "project": {"key": "OPS"}}},
                             correlation_key="ZS-8")
    assert {t.id for t in await jira.transitions(made.ticket.key)} == {"711", "721"}
    assert (await jira.transition(made.ticket.key, "Done")).status == "Done"


async def test_comments_round_trip_and_paginate(jira):
    key = (await jira.create(payload(), correlation_key="ZS-9")).ticket.key
    before = datetime.now(UTC) - timedelta(seconds=5)
    added = await jira.add_comment(key, "First line\nsecond line")
    assert added.body == "First line\nsecond line"
    for n in range(104):  # more than one page of 100
        await jira.add_comment(key, f"note {n}")
    comments = await jira.comments(key)
    assert len(comments) == 105 and comments[0].body == "First line\nsecond line"
    assert len(await jira.comments(key, since=before)) == 105
    assert await jira.comments(key, since=datetime.now(UTC) + timedelta(hours=1)) == []


async def test_attach_a_file(jira, tmp_path, app):
    key = (await jira.create(payload(), correlation_key="ZS-10")).ticket.key
    evidence = tmp_path / "capture.pcap"
    evidence.write_bytes(b"\xd4\xc3\xb2\xa1" + b"0" * 100)
    attachment_id = await jira.attach(key, evidence)
    stored = app.state.jira.issues[key].attachments
    assert [a["id"] for a in stored] == [attachment_id] and stored[0]["size"] == 104


async def test_attachment_size_is_checked_before_upload(make_connector, tmp_path, recorder):
    jira = make_connector("api_token", attachment_limit=10)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 11)
    async with jira:
        with pytest.raises(ValidationError, match="over the attachment limit"):
            await jira.attach("SEC-1", big)
    assert recorder.requests == []


async def test_the_sites_upload_limit_is_checked_before_upload(jira, tmp_path, app):
    key = (await jira.create(payload(), correlation_key="ZS-10b")).ticket.key
    app.state.jira.upload_limit = 50
    big = tmp_path / "memory.dmp"
    big.write_bytes(b"x" * 51)
    with pytest.raises(ValidationError, match="50 bytes"):
        await jira.attach(key, big)
    assert app.state.jira.issues[key].attachments == []


async def test_updated_since_pages_through_everything(jira, recorder):
    jira.page_size = 2  # three issues: two pages by nextPageToken (Cloud) or startAt (DC)
    start = datetime.now(UTC) - timedelta(seconds=1)
    keys = {(await jira.create(payload(f"alert {n}"), correlation_key=f"ZS-U{n}")).ticket.key
            for n in range(3)}
    searched = len(recorder.requests)
    found = await jira.updated_since(start)
    assert {t.key for t in found} == keys
    pages = [r for r in recorder.requests[searched:] if "/search" in r[2]]
    assert len(pages) == 2
    assert await jira.updated_since(datetime.now(UTC) + timedelta(minutes=5)) == []


async def test_create_metadata(jira):
    meta = await jira.create_metadata("SEC/Bug")
    assert meta.scope == "SEC/Bug"
    assert meta.fields["summary"].required and meta.fields["summary"].max_length == 255
    assert meta.fields["priority"].allowed == ("Highest", "High", "Medium", "Low", "Lowest")
    assert meta.fields["labels"].type == "array"
    with pytest.raises(NotFoundError, match="Bug, Task"):
        await jira.create_metadata("SEC/Epic")


async def test_resolve_user_and_assign_by_email(jira):
    who = await jira.resolve_user("ana@example.com")
    assert who == ("ana" if not jira.cloud else "5b10a2844c20165700ede21g")
    made = await jira.create(payload(assignee="ana@example.com"), correlation_key="ZS-11")
    assignee = made.ticket.fields["assignee"]
    assert assignee["displayName"] == "Ana Analyst"
    with pytest.raises(NotFoundError):
        await jira.resolve_user("nobody@example.com")



async def test_updated_since_speaks_the_users_time_zone(jira, app):
    """JQL dates are read in the API user's zone: a UTC cursor sent as-is would miss
    issues for a user west of UTC."""
    app.state.jira.bot.time_zone = "America/New_York"
    start = datetime.now(UTC) - timedelta(seconds=1)
    made = await jira.create(payload(), correlation_key="ZS-TZ")
    assert [t.key for t in await jira.updated_since(start)] == [made.ticket.key]
