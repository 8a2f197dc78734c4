"""The simulator's attachments: listed in the issue's `attachment` field when asked,
their bytes behind the `content` link each deployment uses."""

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
                    "summary": "Beacon"}}
NO_CHECK = {"X-Atlassian-Token": "no-check"}


@pytest.fixture
async def client():
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize(("ver", "auth"), [(3, CLOUD), (2, DC)])
async def test_the_attachment_field_lists_uploads_and_content_serves_them(client, ver, auth):
    assert (await client.post(f"/rest/api/{ver}/issue", json=ISSUE, headers=auth)
            ).status_code == 201
    files = [("file", ("a.pcap", b"\xd4\xc3\xb2\xa1", "application/vnd.tcpdump.pcap")),
             ("file", ("iocs.csv", b"type,value\n", "text/csv"))]
    uploaded = await client.post(f"/rest/api/{ver}/issue/SEC-1/attachments", files=files,
                                 headers={**auth, **NO_CHECK})
    assert uploaded.status_code == 200

    issue = (await client.get(f"/rest/api/{ver}/issue/SEC-1",
                              params={"fields": "attachment"}, headers=auth)).json()
    assert list(issue["fields"]) == ["attachment"]
    listed = issue["fields"]["attachment"]
    assert [(a["filename"], a["size"]) for a in listed] == [("a.pcap", 4), ("iocs.csv", 11)]
    assert [a["id"] for a in listed] == [a["id"] for a in uploaded.json()]
    content = await client.get(listed[1]["content"], headers=auth)
    assert content.status_code == 200 and content.content == b"type,value\n"
    # Data Center has no REST content endpoint; Cloud has no /secure.
    wrong = (f"/secure/attachment/{listed[1]['id']}/iocs.csv" if ver == 3
             else f"/rest/api/2/attachment/content/{listed[1]['id']}")
    assert (await client.get(wrong, headers=auth)).status_code == 404


async def test_without_the_field_asked_for_there_is_no_attachment_field(client):
    await client.post("/rest/api/3/issue", json=ISSUE, headers=CLOUD)
    issue = (await client.get("/rest/api/3/issue/SEC-1", params={"fields": "summary"},
                              headers=CLOUD)).json()
    assert "attachment" not in issue["fields"]


async def test_content_needs_credentials_and_an_existing_id(client):
    assert (await client.get("/rest/api/3/attachment/content/1")).status_code == 401
    assert (await client.get("/rest/api/3/attachment/content/1", headers=CLOUD)
            ).status_code == 404
