"""The simulator answers like Jira: paths, status codes and error bodies."""

from __future__ import annotations

import base64

import httpx
import pytest

from zshield_tui.sim.jira import state as sim
from zshield_tui.sim.jira.app import create_app

CLOUD = {"Authorization": "Basic " + base64.b64encode(
    f"{sim.CLOUD_EMAIL}:{sim.CLOUD_TOKEN}".encode()).decode()}
DC = {"Authorization": f"Bearer {sim.DC_PAT}"}
ISSUE = {"fields": {"project": {"key": "SEC"}, "issuetype": {"name": "Bug"},
                    "summary": "Suspicious login"}}


@pytest.fixture
async def client():
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as c:
        c.app = app
        yield c


async def test_unauthenticated_is_401(client):
    response = await client.get("/rest/api/3/myself")
    assert response.status_code == 401 and response.json()["errorMessages"]
    bad = {"Authorization": "Basic " + base64.b64encode(b"soc-bot@example.com:no").decode()}
    assert (await client.get("/rest/api/3/myself", headers=bad)).status_code == 401


async def test_users_are_account_ids_on_cloud_and_names_on_dc(client):
    cloud = (await client.get("/rest/api/3/myself", headers=CLOUD)).json()
    dc = (await client.get("/rest/api/2/myself", headers=DC)).json()
    assert "accountId" in cloud and "name" not in cloud
    assert dc["name"] == "soc-bot" and "accountId" not in dc


async def test_v3_requires_adf(client):
    body = {"fields": {**ISSUE["fields"], "description": "plain text"}}
    response = await client.post("/rest/api/3/issue", json=body, headers=CLOUD)
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {
        "description": "Operation value must be an Atlassian Document"}}
    empty_text = {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": ""}]}]}
    body["fields"]["description"] = empty_text
    assert (await client.post("/rest/api/3/issue", json=body, headers=CLOUD)).status_code == 400
    body["fields"]["description"] = "plain text"
    assert (await client.post("/rest/api/2/issue", json=body, headers=DC)).status_code == 201


async def test_comment_body_must_be_adf_on_v3(client):
    await client.post("/rest/api/3/issue", json=ISSUE, headers=CLOUD)
    response = await client.post("/rest/api/3/issue/SEC-1/comment", json={"body": "x"},
                                 headers=CLOUD)
    assert response.status_code == 400
    assert "Atlassian Document" in response.json()["errors"]["comment"]


async def test_labels_with_spaces_are_refused(client):
    body = {"fields": {**ISSUE["fields"], "labels": ["Test Application"]}}
    response = await client.post("/rest/api/2/issue", json=body, headers=DC)
    assert response.json()["errors"]["labels"] == \
        "The label 'Test Application' contains spaces which is invalid."


async def test_old_search_is_gone_on_cloud_but_works_on_dc(client):
    for version in (2, 3):
        gone = await client.get(f"/rest/api/{version}/search", params={"jql": "project = SEC"},
                                headers=CLOUD)
        assert gone.status_code == 410 and "/rest/api/3/search/jql" in \
            gone.json()["errorMessages"][0]
    dc = await client.get("/rest/api/2/search", params={"jql": "project = SEC"}, headers=DC)
    assert dc.status_code == 200 and dc.json()["total"] == 0
    assert (await client.get("/rest/api/3/myself", headers=DC)).status_code == 404
    jql = await client.get("/rest/api/3/search/jql", params={"jql": "project = SEC"},
                           headers=DC)
    assert jql.status_code == 404


async def test_search_jql_pages_by_token_and_returns_ids_only_by_default(client):
    for _ in range(3):
        await client.post("/rest/api/3/issue", json=ISSUE, headers=CLOUD)
    first = (await client.post("/rest/api/3/search/jql", headers=CLOUD, json={
        "jql": "project = SEC ORDER BY updated", "maxResults": 2})).json()
    assert "total" not in first and first["isLast"] is False
    assert set(first["issues"][0]) == {"id", "key", "self"}
    rest = (await client.post("/rest/api/3/search/jql", headers=CLOUD, json={
        "jql": "project = SEC", "maxResults": 2, "nextPageToken": first["nextPageToken"]}
    )).json()
    assert rest["isLast"] is True and len(rest["issues"]) == 1
    unbounded = await client.post("/rest/api/3/search/jql", headers=CLOUD,
                                  json={"jql": "ORDER BY updated"})
    assert unbounded.status_code == 400


async def test_jql_updated_has_minute_precision(client):
    await client.post("/rest/api/2/issue", json=ISSUE, headers=DC)
    issue = client.app.state.jira.issues["SEC-1"]
    minute = issue.updated.strftime("%Y/%m/%d %H:%M")
    jql = f'project = SEC AND updated >= "{minute}"'
    found = (await client.get("/rest/api/2/search", params={"jql": jql}, headers=DC)).json()
    assert found["total"] == 1
    bad = await client.get("/rest/api/2/search", params={"jql": "reporter = x"}, headers=DC)
    assert bad.status_code == 400 and bad.json()["errorMessages"]


async def test_createmeta_envelopes_differ(client):
    cloud = (await client.get("/rest/api/3/issue/createmeta/SEC/issuetypes",
                              headers=CLOUD)).json()
    dc = (await client.get("/rest/api/2/issue/createmeta/SEC/issuetypes", headers=DC)).json()
    assert "issueTypes" in cloud and "values" in dc and "isLast" in dc
    fields = (await client.get("/rest/api/3/issue/createmeta/SEC/issuetypes/10004",
                               headers=CLOUD)).json()["fields"]
    assert {f["fieldId"] for f in fields} >= {"summary", "priority", "labels"}


async def test_attachments_need_the_no_check_header_and_part_file(client):
    await client.post("/rest/api/2/issue", json=ISSUE, headers=DC)
    files = {"file": ("a.txt", b"abc", "text/plain")}
    blocked = await client.post("/rest/api/2/issue/SEC-1/attachments", files=files, headers=DC)
    assert blocked.status_code == 403
    ok = await client.post("/rest/api/2/issue/SEC-1/attachments", files=files,
                           headers={**DC, "X-Atlassian-Token": "no-check"})
    assert ok.status_code == 200 and isinstance(ok.json(), list)
    wrong_part = await client.post("/rest/api/2/issue/SEC-1/attachments",
                                   files={"upload": ("a.txt", b"abc")},
                                   headers={**DC, "X-Atlassian-Token": "no-check"})
    assert wrong_part.status_code == 400


async def test_properties_201_then_200(client):
    await client.post("/rest/api/2/issue", json=ISSUE, headers=DC)
    url = "/rest/api/2/issue/SEC-1/properties/zshield"
    assert (await client.put(url, json={"alert_id": "a"}, headers=DC)).status_code == 201
    assert (await client.put(url, json={"alert_id": "b"}, headers=DC)).status_code == 200
    got = (await client.get(url, headers=DC)).json()
    assert got == {"key": "zshield", "value": {"alert_id": "b"}}


async def test_bulk_create_partial_failure_and_limit(client):
    bad = {"fields": {**ISSUE["fields"], "summary": ""}}
    answer = await client.post("/rest/api/2/issue/bulk", headers=DC,
                               json={"issueUpdates": [ISSUE, bad]})
    assert answer.status_code == 201
    body = answer.json()
    assert len(body["issues"]) == 1 and body["errors"][0]["failedElementNumber"] == 1
    too_many = await client.post("/rest/api/2/issue/bulk", headers=DC,
                                 json={"issueUpdates": [ISSUE] * 51})
    assert too_many.status_code == 400


async def test_rate_limit_headers_and_admin_faults(client):
    set_faults = await client.post("/_sim/faults", json={"rate_limit": 1, "rate_window": 60,
                                                         "retry_after": 5})
    assert set_faults.json()["rate_limit"] == 1
    assert (await client.get("/rest/api/2/myself", headers=DC)).status_code == 200
    limited = await client.get("/rest/api/2/myself", headers=DC)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "5"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-Reset"].endswith("Z")
    assert (await client.post("/_sim/faults", json={"nope": 1})).status_code == 400


async def test_oauth_gateway_prefix(client):
    state = client.app.state.jira
    grant = state.issue_tokens("read:jira-work offline_access", 3600, 1e12)
    bearer = {"Authorization": f"Bearer {grant['access_token']}"}
    via_gateway = await client.get(f"/ex/jira/{sim.CLOUD_ID}/rest/api/3/myself",
                                   headers=bearer)
    assert via_gateway.status_code == 200
    assert (await client.get("/rest/api/3/myself", headers=bearer)).status_code == 401
    assert (await client.get("/ex/jira/other/rest/api/3/myself", headers=bearer)
            ).status_code == 401


def test_create_app_takes_fault_presets():
    app = create_app(seed=False, faults={"latency": 0.01})
    assert app.state.faults.latency == 0.01
    assert len(app.state.jira.users) == 1
    with pytest.raises(ValueError):
        create_app(faults={"bogus": 1})


async def test_latency_switch_delays_answers(client):
    import time
    await client.put("/_sim/faults", json={"latency": 0.05})
    started = time.monotonic()
    assert (await client.get("/rest/api/2/myself", headers=DC)).status_code == 200
    assert time.monotonic() - started >= 0.05


async def test_oauth_refresh_tokens_rotate(client):
    state = client.app.state.jira
    grant = state.issue_tokens("read:jira-work offline_access", 3600, 1e12)
    body = {"grant_type": "refresh_token", "client_id": sim.OAUTH_CLIENT_ID,
            "client_secret": sim.OAUTH_CLIENT_SECRET, "refresh_token": grant["refresh_token"]}
    first = await client.post("/oauth/token", json=body)
    assert first.status_code == 200 and first.json()["refresh_token"] != grant["refresh_token"]
    reused = await client.post("/oauth/token", json=body)
    assert reused.status_code == 403 and reused.json()["error"] == "invalid_grant"


async def test_an_unknown_path_or_method_answers_in_jiras_error_body(client):
    unknown = await client.get("/rest/api/3/no-such-resource", headers=CLOUD)
    assert unknown.status_code == 404
    assert unknown.json()["errorMessages"] and unknown.json()["errors"] == {}
    wrong = await client.delete("/rest/api/3/myself", headers=CLOUD)
    assert wrong.status_code == 405 and wrong.json()["errorMessages"]
