"""GET /api/now/attachment (B7): filtered by sysparm_query, paged by sysparm_limit
(default 1000), next links that stay on the Attachment API."""

from __future__ import annotations

import httpx
import pytest

from zshield_tui.sim.servicenow.app import create_app

AUTH = ("admin", "admin")


@pytest.fixture
async def client():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()),
                                 base_url="http://127.0.0.1:9000", auth=AUTH) as opened:
        yield opened


async def _record(client) -> str:
    response = await client.post("/api/now/table/incident", json={"short_description": "x"})
    return response.json()["result"]["sys_id"]


async def _upload(client, sys_id: str, name: str, data: bytes = b"x") -> None:
    response = await client.post("/api/now/attachment/file", content=data,
                                 headers={"Content-Type": "text/plain"},
                                 params={"table_name": "incident", "table_sys_id": sys_id,
                                         "file_name": name})
    assert response.status_code == 201


async def test_the_query_selects_one_records_files(client):
    mine, other = await _record(client), await _record(client)
    await _upload(client, mine, "a.txt", b"abc")
    await _upload(client, other, "b.txt")
    response = await client.get("/api/now/attachment", params={
        "sysparm_query": f"table_name=incident^table_sys_id={mine}"})
    assert response.status_code == 200
    [row] = response.json()["result"]
    assert (row["file_name"], row["size_bytes"], row["table_sys_id"]) == ("a.txt", "3", mine)
    assert row["download_link"].endswith(f"/api/now/attachment/{row['sys_id']}/file")


async def test_pages_default_to_1000_and_link_to_the_attachment_api(client):
    sys_id = await _record(client)
    for n in range(3):
        await _upload(client, sys_id, f"f{n}.txt")
    query = f"table_sys_id={sys_id}"
    everything = await client.get("/api/now/attachment", params={"sysparm_query": query})
    assert len(everything.json()["result"]) == 3
    assert "sysparm_limit=1000" in everything.headers["Link"]

    first = await client.get("/api/now/attachment",
                             params={"sysparm_query": query, "sysparm_limit": "2"})
    assert len(first.json()["result"]) == 2
    following = first.links["next"]["url"]
    assert following.startswith("http://127.0.0.1:9000/api/now/attachment?")
    second = await client.get(following)
    assert [r["file_name"] for r in second.json()["result"]] == ["f2.txt"]
    assert "next" not in second.links
