"""The exact request: Jira Cloud v3 with ADF, Data Center v2 with strings, ServiceNow
Table API; secrets redacted; users resolved by the connector or at send time."""

from __future__ import annotations

import asyncio
import dataclasses

from zshield_tui.domain import TicketDraft
from zshield_tui.mapping.preview import preview_alert
from zshield_tui.mapping.request import adf, build_request, build_request_async

CLOUD_BODY = {
    "fields": {
        "project": {"key": "SEC"},
        "issuetype": {"name": "Bug"},
        "summary": "PowerShell download cradle on web-01",
        "description": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [
                {"type": "text", "text": "Encoded command fetched a payload."}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Parent: w3wp.exe"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Severity: high"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Source: EDR"}]},
            {"type": "paragraph", "content": [
                {"type": "text", "text": "MITRE ATT&CK: T1059.001"}]},
        ]},
        "priority": {"name": "High"},
        "labels": ["zpoa-shield", "execution", "zshield-zs-2026-000123-4c3b03c25449"],
        "assignee": {"accountId": "<resolved at send time from ana@yourorg.com>"},
    },
    "properties": [{"key": "zshield", "value": {"alert_id": "ZS-2026-000123"}}],
}

SNOW_BODY = {
    "short_description": "PowerShell download cradle on web-01",
    "description": "Encoded command fetched a payload.\nParent: w3wp.exe",
    "severity": "1",
    "category": "Security",
    "subcategory": "execution",
    "assignment_group": "Security Operations",
    "caller_id": "zpoa-shield-service",
    "correlation_id": "ZS-2026-000123",
    "correlation_display": "zshield",
}


def test_jira_cloud_request_for_the_documented_example(alert, jira_mapping, jira_target):
    request = preview_alert(alert, jira_mapping, jira_target).request
    assert (request.method, request.url) == ("POST",
                                             "https://yourorg.atlassian.net/rest/api/3/issue")
    assert request.headers == {
        "Accept": "application/json", "Content-Type": "application/json",
        "Authorization": "Basic <redacted: base64 of soc-bot@yourorg.com:$ZSHIELD_JIRA_TOKEN>"}
    assert request.body == CLOUD_BODY
    assert request.notes == ["assignee: accountId resolved at send time from 'ana@yourorg.com'"]


def test_servicenow_request_for_the_documented_example(alert, snow_mapping, snow_target):
    request = preview_alert(alert, snow_mapping, snow_target).request
    assert request.method == "POST"
    assert request.url == ("https://yourorg.service-now.com/api/now/table/sn_si_incident"
                           "?sysparm_input_display_value=true"
                           "&sysparm_exclude_reference_link=true")
    assert request.headers["Authorization"] == "Bearer <redacted: OAuth access token>"
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == SNOW_BODY


def test_data_center_takes_v2_strings_and_user_names(alert, jira_mapping, jira_target):
    dc = dataclasses.replace(jira_target, deployment="datacenter", auth_method="pat",
                             secret_env="JIRA_PAT", url="https://jira.corp.example")
    request = preview_alert(alert, jira_mapping, dc, resolver={"ana@yourorg.com": "ana"}.get
                            ).request
    assert request.url == "https://jira.corp.example/rest/api/2/issue"
    assert request.headers["Authorization"] == "Bearer <redacted: $JIRA_PAT>"
    assert request.body["fields"]["description"] == (
        "Encoded command fetched a payload.\nParent: w3wp.exe\n\nSeverity: high\nSource: EDR\n"
        "MITRE ATT&CK: T1059.001")
    assert request.body["fields"]["assignee"] == {"name": "ana"}
    assert request.notes == []


def test_an_async_resolver_gives_the_cloud_account_id(alert, jira_mapping, jira_target):
    draft = preview_alert(alert, jira_mapping, jira_target).draft

    async def lookup(email: str) -> str | None:
        await asyncio.sleep(0)
        return {"ana@yourorg.com": "5b10a2844c20165700ede21g"}.get(email)

    request = asyncio.run(build_request_async(draft, jira_target, alert.id, resolver=lookup))
    assert request.body["fields"]["assignee"] == {"accountId": "5b10a2844c20165700ede21g"}
    unknown = build_request(draft, jira_target, alert.id, resolver=lambda email: None)
    assert unknown.notes == ["assignee: no Jira user found for 'ana@yourorg.com'"]


def test_adf_never_has_empty_text_nodes():
    assert adf("") == {"type": "doc", "version": 1, "content": []}
    doc = adf("one\r\n\n   \ntwo")
    texts = [node["content"][0]["text"] for node in doc["content"]]
    assert texts == ["one", "two"]


def test_oauth_on_cloud_goes_through_the_atlassian_api_gateway(jira_target):
    oauth = dataclasses.replace(jira_target, auth_method="oauth2")
    draft = TicketDraft(target="t", payload={"fields": {"summary": "x"}})
    request = build_request(draft, oauth, "A-1")
    assert request.url == "https://api.atlassian.com/ex/jira/<cloudId>/rest/api/3/issue"
    assert request.headers["Authorization"] == "Bearer <redacted: OAuth access token>"
    assert request.body["fields"]["labels"] == ["zshield-a-1-bc4e7be982ab"]
