"""The simulator checks field shapes as Jira does: 400 with Jira's message per field, and
the stored value read back in Jira's shape."""

from __future__ import annotations

import httpx
import pytest

from zshield_tui.sim.jira.app import create_app

from .test_jira_sim import CLOUD, DC, ISSUE

DEPLOYMENTS = {"cloud": (CLOUD, 3), "datacenter": (DC, 2)}


@pytest.fixture(params=list(DEPLOYMENTS))
async def client(request):
    headers, ver = DEPLOYMENTS[request.param]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()),
                                 base_url="http://127.0.0.1", headers=headers) as c:
        c.ver = ver
        yield c


async def create(client, **fields) -> httpx.Response:
    body = {"fields": {**ISSUE["fields"], **fields}}
    return await client.post(f"/rest/api/{client.ver}/issue", json=body)


async def test_createmeta_lists_custom_fields_with_schema_and_allowed_values(client):
    page = (await client.get(f"/rest/api/{client.ver}/issue/createmeta/SEC/issuetypes/10004")
            ).json()
    metas = {m["fieldId"]: m for m in page.get("fields", page.get("values", []))}
    select = metas["customfield_10100"]
    assert select["schema"] == {"type": "option", "customId": 10100, "custom":
                                "com.atlassian.jira.plugin.system.customfieldtypes:select"}
    assert [v["value"] for v in select["allowedValues"]][:2] == ["Malware", "Phishing"]
    assert metas["components"]["schema"]["items"] == "component"
    assert metas["customfield_10101"]["operations"] == ["add", "set", "remove"]


async def test_well_shaped_fields_are_stored_and_read_back(client):
    made = await create(client, customfield_10100={"value": "Phishing"},
                        customfield_10101=[{"value": "EDR"}, {"value": "SIEM"}],
                        components=[{"name": "Network"}], fixVersions=[{"id": "10001"}],
                        customfield_10102=7.5, customfield_10103="2026-11-24",
                        customfield_10104="2026-11-24T10:00:00.000+0000",
                        duedate="2026-12-01")
    assert made.status_code == 201, made.text
    fields = (await client.get(f"/rest/api/{client.ver}/issue/{made.json()['key']}")
              ).json()["fields"]
    assert fields["customfield_10100"] == {"id": "10201", "value": "Phishing"}
    assert [o["value"] for o in fields["customfield_10101"]] == ["EDR", "SIEM"]
    assert [c["name"] for c in fields["components"]] == ["Network"]
    assert [v["name"] for v in fields["fixVersions"]] == ["2026.12"]
    assert fields["customfield_10102"] == 7.5
    assert (fields["customfield_10103"], fields["duedate"]) == ("2026-11-24", "2026-12-01")
    assert fields["versions"] == [] and fields["customfield_10105"] is None


async def test_badly_shaped_fields_are_refused_by_field(client):
    response = await create(client, customfield_10100="Phishing",
                            customfield_10101={"value": "EDR"},
                            customfield_10108={"value": "Quarantined"},
                            components=[{"name": "Mainframe"}], fixVersions=["2026.11"],
                            customfield_10102="7.5", customfield_10103="24/11/2026",
                            customfield_10104="2026-11-24T10:00:00Z",
                            customfield_10106=["two words"])
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {
        "customfield_10100": "Could not find valid 'id' or 'value' in the Parent Option "
                             "object.",
        "customfield_10101": "data was not an array",
        "customfield_10108": "Option value 'Quarantined' is not valid",
        "components": "Component name 'Mainframe' is not valid",
        "fixVersions": "expected Object containing a 'name' property",
        "customfield_10102": "Operation value must be a number",
        "customfield_10103": "Error parsing date string: 24/11/2026",
        "customfield_10104": "Error parsing date string: 2026-11-24T10:00:00Z",
        "customfield_10106": "The label 'two words' contains spaces which is invalid."}}


async def test_user_pickers_take_the_deployments_identifier(client):
    cloud = client.ver == 3
    good = {"accountId": "5b10a2844c20165700ede21g"} if cloud else {"name": "ana"}
    bad = {"name": "ana"} if cloud else {"name": "nobody"}
    assert (await create(client, customfield_10105=bad)).status_code == 400
    made = await create(client, customfield_10105=good)
    assert made.status_code == 201
    owner = (await client.get(f"/rest/api/{client.ver}/issue/{made.json()['key']}")
             ).json()["fields"]["customfield_10105"]
    assert owner["displayName"] == "Ana Analyst"


async def test_a_textarea_custom_field_is_rich_text(client):
    plain = await create(client, customfield_10107="notes")
    assert (plain.status_code == 201) == (client.ver == 2)
