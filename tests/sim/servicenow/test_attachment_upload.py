"""POST /api/now/attachment/upload (B7): a multipart form whose `table_name` and
`table_sys_id` come before the file; and the Attachment API under /api/now/v1 as well."""

from __future__ import annotations

import httpx
import pytest

from zshield_tui.sim.servicenow.app import create_app

AUTH = ("admin", "admin")
BOUNDARY = "zshield-boundary"


@pytest.fixture
async def client():
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1:9000", auth=AUTH) as opened:
        opened.sim = app.state.sim
        yield opened


async def _record(client) -> str:
    response = await client.post("/api/now/table/incident", json={"short_description": "x"})
    return response.json()["result"]["sys_id"]


def _form(*parts: tuple[str, str | tuple[str, bytes, str]]) -> bytes:
    """A multipart body with the parts in exactly this order (files as (name, data, type))."""
    out = b""
    for name, value in parts:
        out += f"--{BOUNDARY}\r\n".encode()
        if isinstance(value, tuple):
            filename, data, kind = value
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
                    f"\r\nContent-Type: {kind}\r\n\r\n").encode() + data + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    return out + f"--{BOUNDARY}--\r\n".encode()


async def _post(client, body: bytes, path: str = "/api/now/attachment/upload"):
    return await client.post(path, content=body, headers={
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})


async def test_the_upload_stores_the_file_on_its_record(client):
    sys_id = await _record(client)
    response = await _post(client, _form(
        ("table_name", "incident"), ("table_sys_id", sys_id),
        ("uploadFile", ("evidence.json", b'{"alert": 7}', "application/json"))))
    assert response.status_code == 201
    result = response.json()["result"]
    assert result["file_name"] == "evidence.json" and result["size_bytes"] == "12"
    assert result["content_type"] == "application/json" and result["table_sys_id"] == sys_id
    assert response.headers["Location"].endswith(f"/api/now/attachment/{result['sys_id']}")
    assert client.sim.state.attachments[result["sys_id"]] == b'{"alert": 7}'


async def test_fields_after_the_file_are_not_read(client):
    sys_id = await _record(client)
    response = await _post(client, _form(
        ("uploadFile", ("a.txt", b"abc", "text/plain")),
        ("table_name", "incident"), ("table_sys_id", sys_id)))
    assert response.status_code == 400
    assert response.json()["error"]["detail"] == \
        "Missing parameter(s): table_name, table_sys_id"
    assert client.sim.state.attachments == {}


async def test_an_upload_needs_a_file_and_an_existing_record(client):
    sys_id = await _record(client)
    no_file = await _post(client, _form(("table_name", "incident"),
                                        ("table_sys_id", sys_id)))
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["detail"]
    elsewhere = await _post(client, _form(("table_name", "incident"),
                                          ("table_sys_id", "0" * 32),
                                          ("f", ("a.txt", b"abc", "text/plain"))))
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["message"] == "No Record found"
    raw = await client.post("/api/now/attachment/upload", content=b"abc",
                            headers={"Content-Type": "text/plain"})
    assert raw.status_code == 415 and raw.json()["status"] == "failure"


async def test_the_attachment_api_answers_under_v1_too(client):
    sys_id = await _record(client)
    uploaded = await _post(client, _form(
        ("table_name", "incident"), ("table_sys_id", sys_id),
        ("uploadFile", ("a.txt", b"abc", "text/plain"))), path="/api/now/v1/attachment/upload")
    assert uploaded.status_code == 201
    attachment = uploaded.json()["result"]["sys_id"]
    listed = await client.get("/api/now/v1/attachment",
                              params={"sysparm_query": f"table_sys_id={sys_id}"})
    assert [a["sys_id"] for a in listed.json()["result"]] == [attachment]
    assert (await client.get(f"/api/now/v1/attachment/{attachment}/file")).content == b"abc"
    assert (await client.delete(f"/api/now/v1/attachment/{attachment}")).status_code == 204
    assert attachment not in client.sim.state.attachments


async def test_a_batch_echoes_its_ids_as_strings(client):
    response = await client.post("/api/now/v1/batch", json={
        "batch_request_id": 1, "rest_requests": [
            {"id": 2, "method": "GET", "url": "/api/now/table/incident?sysparm_limit=1"}]})
    data = response.json()
    assert data["batch_request_id"] == "1" and data["serviced_requests"][0]["id"] == "2"
