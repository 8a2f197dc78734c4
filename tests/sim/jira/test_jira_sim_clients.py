"""What third-party clients read from Jira answers as Jira does: serverInfo, the field list,
enhanced search on v2 and v3, list parameters given twice, resolutions, the deprecated
create metadata and the JQL clauses clients write."""

from __future__ import annotations

import base64

import httpx
import pytest

from zshield_tui.sim.jira import state as sim
from zshield_tui.sim.jira.app import create_app

CLOUD = {"Authorization": "Basic " + base64.b64encode(
    f"{sim.CLOUD_EMAIL}:{sim.CLOUD_TOKEN}".encode()).decode()}
DC = {"Authorization": f"Bearer {sim.DC_PAT}"}


def _issue(summary: str, project: str = "SEC") -> dict:
    return {"fields": {"project": {"key": project}, "issuetype": {"name": "Bug"},
                       "summary": summary}}


@pytest.fixture
async def client():
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as c:
        c.app = app
        yield c


async def _transition(client, key: str, name: str, **fields) -> httpx.Response:
    options = (await client.get(f"/rest/api/2/issue/{key}/transitions", headers=DC)).json()
    tid = next(t["id"] for t in options["transitions"] if t["name"] == name)
    body = {"transition": {"id": tid}, **({"fields": fields} if fields else {})}
    return await client.post(f"/rest/api/2/issue/{key}/transitions", json=body, headers=DC)


async def test_server_info_tells_cloud_from_data_center(client):
    cloud = (await client.get("/rest/api/3/serverInfo", headers=CLOUD)).json()
    dc = (await client.get("/rest/api/2/serverInfo", headers=DC)).json()
    assert cloud["deploymentType"] == "Cloud" and cloud["versionNumbers"][0] == 1001
    assert dc["deploymentType"] == "Server" and dc["versionNumbers"] == [10, 3, 24]
    assert cloud["baseUrl"] == "http://127.0.0.1"
    assert (await client.get("/rest/api/3/serverInfo", headers=DC)).status_code == 404


async def test_the_field_list_names_the_jql_clauses(client):
    listed = (await client.get("/rest/api/2/field", headers=CLOUD)).json()
    by_id = {f["id"]: f for f in listed}
    assert by_id["summary"]["clauseNames"] == ["summary"]
    assert by_id["resolutiondate"]["clauseNames"] == ["resolutiondate", "resolved"]
    assert all(f["custom"] is False and "schema" in f for f in listed)


async def test_enhanced_search_pages_by_token_on_v2_and_v3(client):
    for n in range(3):
        await client.post("/rest/api/3/issue", json=_issue(f"alert {n}"), headers=CLOUD)
    keys, token = [], None
    while True:
        params = {"jql": "project = SEC ORDER BY key", "maxResults": 2, "fields": "summary"}
        if token:
            params["nextPageToken"] = token
        page = (await client.get("/rest/api/2/search/jql", params=params,
                                 headers=CLOUD)).json()
        assert "total" not in page and "startAt" not in page
        keys += [i["key"] for i in page["issues"]]
        token = page.get("nextPageToken")
        if page["isLast"]:
            assert token is None
            break
    assert keys == ["SEC-1", "SEC-2", "SEC-3"]
    v3 = await client.get("/rest/api/3/search/jql", headers=CLOUD,
                          params={"jql": "project = SEC", "fields": "description"})
    assert v3.status_code == 200
    gone = await client.get("/rest/api/2/search/jql", params={"jql": "project = SEC"},
                            headers=DC)
    assert gone.status_code == 404


async def test_a_list_parameter_given_twice_keeps_both(client):
    await client.post("/rest/api/2/issue", json=_issue("Port scan"), headers=DC)
    repeated = [("fields", "summary"), ("fields", "status")]
    issue = (await client.get("/rest/api/2/issue/SEC-1", params=repeated, headers=DC)).json()
    assert set(issue["fields"]) == {"summary", "status"}
    found = (await client.get("/rest/api/2/search", headers=DC, params=[
        ("jql", "project = SEC"), *repeated])).json()
    assert set(found["issues"][0]["fields"]) == {"summary", "status"}
    mixed = (await client.get("/rest/api/2/issue/SEC-1", headers=DC, params=[
        ("fields", "summary,labels"), ("fields", "status")])).json()
    assert set(mixed["fields"]) == {"summary", "labels", "status"}


async def test_a_done_status_carries_a_resolution_and_reopening_clears_it(client):
    await client.post("/rest/api/2/issue", json=_issue("Phishing"), headers=DC)
    fresh = (await client.get("/rest/api/2/issue/SEC-1", headers=DC)).json()["fields"]
    assert fresh["resolution"] is None and fresh["resolutiondate"] is None

    assert (await _transition(client, "SEC-1", "Done")).status_code == 204
    done = (await client.get("/rest/api/2/issue/SEC-1", headers=DC)).json()["fields"]
    assert done["resolution"]["name"] == "Done" and done["resolution"]["id"] == "10000"
    assert done["resolution"]["self"].endswith("/rest/api/2/resolution/10000")
    assert done["resolutiondate"]

    await _transition(client, "SEC-1", "Reopen")
    reopened = (await client.get("/rest/api/2/issue/SEC-1", headers=DC)).json()["fields"]
    assert reopened["resolution"] is None and reopened["resolutiondate"] is None

    await _transition(client, "SEC-1", "Done", resolution={"name": "Won't Do"})
    named = (await client.get("/rest/api/2/issue/SEC-1", headers=DC)).json()["fields"]
    assert named["resolution"]["name"] == "Won't Do"


async def test_an_unknown_resolution_is_refused(client):
    await client.post("/rest/api/2/issue", json=_issue("Phishing"), headers=DC)
    refused = await _transition(client, "SEC-1", "Done", resolution={"name": "Fixed"})
    assert refused.status_code == 400 and "resolution" in refused.json()["errors"]
    assert client.app.state.jira.issues["SEC-1"].status == "To Do"


async def test_the_deprecated_create_metadata_on_cloud_filters_and_expands(client):
    bare = (await client.get("/rest/api/3/issue/createmeta", headers=CLOUD,
                             params={"projectKeys": "OPS"})).json()
    assert [p["key"] for p in bare["projects"]] == ["OPS"]
    assert all("fields" not in t for t in bare["projects"][0]["issuetypes"])
    full = (await client.get("/rest/api/3/issue/createmeta", headers=CLOUD, params={
        "projectKeys": "SEC", "issuetypeNames": "Task",
        "expand": "projects.issuetypes.fields"})).json()
    (only,) = full["projects"][0]["issuetypes"]
    assert only["name"] == "Task"
    assert only["fields"]["priority"]["allowedValues"][2]["name"] == "Medium"
    assert "fieldId" not in only["fields"]["summary"]
    dc = await client.get("/rest/api/2/issue/createmeta", params={"projectKeys": "SEC"},
                          headers=DC)
    assert dc.status_code == 404 and dc.json()["errorMessages"] == ["Issue Does Not Exist"]


async def test_projects_and_resolutions_are_listed(client):
    project = (await client.get("/rest/api/2/project/sec", headers=CLOUD)).json()
    assert project["key"] == "SEC" and {t["name"] for t in project["issueTypes"]} == {
        "Bug", "Task"}
    missing = await client.get("/rest/api/2/project/NOPE", headers=CLOUD)
    assert missing.status_code == 404
    names = [r["name"] for r in (await client.get("/rest/api/2/resolution",
                                                  headers=DC)).json()]
    assert names[0] == "Done"


@pytest.mark.parametrize(("jql", "expected"), [
    ('project = SEC AND status = "To Do"', ["SEC-1", "SEC-3"]),
    ("project = SEC AND status in (Done, 10000)", ["SEC-1", "SEC-2", "SEC-3"]),
    ("project = SEC AND status != Done", ["SEC-1", "SEC-3"]),
    ("project = SEC AND statusCategory = Done", ["SEC-2"]),
    ('project = SEC AND statusCategory in (new, "In Progress")', ["SEC-1", "SEC-3"]),
    ("project = SEC AND resolution is EMPTY", ["SEC-1", "SEC-3"]),
    ("project = SEC AND resolution = Unresolved", ["SEC-1", "SEC-3"]),
    ("project = SEC AND resolution is not EMPTY", ["SEC-2"]),
    ('project = SEC AND text ~ "LOGIN suspicious"', ["SEC-1"]),
    ('project = SEC AND text ~ "firewall"', ["SEC-3"]),
    ("project = SEC AND summary ~ beacon", ["SEC-2"]),
    ("project = SEC AND key not in (SEC-1, SEC-2)", ["SEC-3"]),
])
async def test_jql_reads_status_resolution_and_text_clauses(client, jql, expected):
    for summary in ("Suspicious login on web-01", "Malware beacon", "Port scan"):
        await client.post("/rest/api/2/issue", json=_issue(summary), headers=DC)
    await client.post("/rest/api/2/issue/SEC-3/comment", json={"body": "Blocked at the "
                                                               "firewall"}, headers=DC)
    await _transition(client, "SEC-2", "Done")
    found = (await client.get("/rest/api/2/search", params={"jql": jql}, headers=DC)).json()
    assert sorted(i["key"] for i in found["issues"]) == expected


async def test_jql_still_refuses_what_it_cannot_read(client):
    for jql in ("project = SEC AND labels is EMPTY", "project = SEC AND text = x",
                "project = SEC OR status = Done", 'project = SEC AND text ~ "!!"'):
        answer = await client.get("/rest/api/2/search", params={"jql": jql}, headers=DC)
        assert answer.status_code == 400 and answer.json()["errorMessages"], jql


async def test_update_verbs_edit_labels_fields_and_comments(client):
    await client.post("/rest/api/2/issue", json={"fields": {
        **_issue("Phishing")["fields"], "labels": ["secalert", "mail"]}}, headers=DC)
    edited = await client.put("/rest/api/2/issue/SEC-1", headers=DC, json={"update": {
        "labels": [{"add": "contained"}, {"remove": "mail"}],
        "summary": [{"set": "Phishing: contained"}],
        "comment": [{"add": {"body": "Mailbox purged"}}]}})
    assert edited.status_code == 204
    issue = client.app.state.jira.issues["SEC-1"]
    assert issue.fields["labels"] == ["secalert", "contained"]
    assert issue.fields["summary"] == "Phishing: contained"
    assert [c.body for c in issue.comments] == ["Mailbox purged"]
    shown = (await client.get("/rest/api/2/issue/SEC-1", headers=DC)).json()["fields"]
    assert [c["body"] for c in shown["comment"]["comments"]] == ["Mailbox purged"]


async def test_update_verbs_are_checked_like_fields(client):
    await client.post("/rest/api/2/issue", json=_issue("Phishing"), headers=DC)
    for update in ({"labels": [{"add": "has space"}]}, {"summary": [{"add": "x"}]},
                   {"status": [{"set": {"name": "Done"}}]}, {"labels": "x"}):
        answer = await client.put("/rest/api/2/issue/SEC-1", json={"update": update},
                                  headers=DC)
        assert answer.status_code == 400 and answer.json()["errors"], update
    both = await client.put("/rest/api/2/issue/SEC-1", headers=DC, json={
        "fields": {"summary": "a"}, "update": {"summary": [{"set": "b"}]}})
    assert both.status_code == 400
    assert client.app.state.jira.issues["SEC-1"].fields["summary"] == "Phishing"


async def test_a_page_size_that_is_not_a_number_is_a_400(client):
    for path, headers in (("/rest/api/3/search/jql", CLOUD), ("/rest/api/2/search", DC)):
        answer = await client.get(path, params={"jql": "project = SEC", "maxResults": "x"},
                                  headers=headers)
        assert answer.status_code == 400 and answer.json()["errorMessages"]
