"""The simulator speaks the published wire format (API-FACTS part B)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import httpx
import pytest

from zshield_tui.sim.servicenow.app import create_app
from zshield_tui.sim.servicenow.state import SimClock

AUTH = ("admin", "admin")
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def app():
    return create_app(clock=SimClock(START))


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1:9000", auth=AUTH) as opened:
        yield opened


async def _create(client, table="incident", **values):
    response = await client.post(f"/api/now/table/{table}", json=values)
    assert response.status_code == 201, response.text
    return response


async def test_create_answers_201_with_strings_and_location(client):
    response = await _create(client, short_description="x", impact="2", urgency="2",
                             priority="1")
    record = response.json()["result"]
    assert response.headers["location"].endswith(f"/api/now/table/incident/{record['sys_id']}")
    assert record["number"] == "INC0010001" and record["priority"] == "3"
    assert record["state"] == "1" and record["sys_mod_count"] == "0"
    assert all(isinstance(v, str | dict) for v in record.values())
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", record["sys_created_on"])
    assert record["opened_by"]["link"].startswith("http://127.0.0.1:9000/api/now/table/sys_user/")
    assert record["caller_id"] == ""


async def test_security_incidents_are_numbered_sir(client):
    record = (await _create(client, "sn_si_incident", short_description="x")).json()["result"]
    assert record["number"] == "SIR0010001" and record["state"] == "10"


async def test_reference_shapes_follow_the_parameters(client):
    record = (await _create(client, short_description="x")).json()["result"]
    path = f"/api/now/table/incident/{record['sys_id']}"
    plain = (await client.get(path, params={"sysparm_exclude_reference_link": "true"})).json()
    assert isinstance(plain["result"]["opened_by"], str)
    shown = (await client.get(path, params={"sysparm_display_value": "all",
                                            "sysparm_fields": "opened_by,state"})).json()
    assert shown["result"]["opened_by"]["display_value"] == "System Administrator"
    assert shown["result"]["state"] == {"display_value": "New", "value": "1"}


async def test_v1_answers_404_for_an_empty_result_and_v2_an_empty_list(client):
    query = {"sysparm_query": "number=INC9999999"}
    v1 = await client.get("/api/now/v1/table/incident", params=query)
    v2 = await client.get("/api/now/v2/table/incident", params=query)
    assert v1.status_code == 404
    assert v1.json() == {"error": {"message": "No Record found", "detail":
                                   "Record doesn't exist or ACL restricts the record retrieval"},
                         "status": "failure"}
    assert v2.status_code == 200 and v2.json() == {"result": []}


async def test_pagination_uses_link_and_total_count(client):
    for n in range(5):
        await _create(client, short_description=f"n{n}")
    response = await client.get("/api/now/table/incident", params={
        "sysparm_limit": "2", "sysparm_query": "ORDERBYnumber", "sysparm_fields": "number"})
    assert response.headers["x-total-count"] == "5"
    assert set(response.links) == {"first", "next", "last"}
    seen = [r["number"] for r in response.json()["result"]]
    while "next" in response.links:
        response = await client.get(response.links["next"]["url"])
        seen += [r["number"] for r in response.json()["result"]]
    assert seen == [f"INC001000{n}" for n in range(1, 6)]
    assert "prev" in response.links


async def test_resolving_without_close_info_is_a_data_policy_403(client):
    sys_id = (await _create(client, short_description="x")).json()["result"]["sys_id"]
    refused = await client.patch(f"/api/now/table/incident/{sys_id}", json={"state": "6"})
    assert refused.status_code == 403
    assert refused.json()["status"] == "failure"
    assert "Data Policy Exception" in refused.json()["error"]["detail"]
    resolved = await client.patch(f"/api/now/table/incident/{sys_id}", json={
        "state": "6", "close_code": "Solution provided", "close_notes": "fixed"})
    assert resolved.json()["result"]["state"] == "6"


async def test_writes_need_a_json_content_type(client):
    response = await client.post("/api/now/table/incident", content=b"{}",
                                 headers={"Content-Type": ""})
    assert response.status_code == 400 and response.json()["status"] == "failure"


async def test_unauthenticated_calls_get_401(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as anonymous:
        response = await anonymous.get("/api/now/table/incident")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User Not Authenticated"


async def test_journal_entries_come_from_writing_the_record(client):
    sys_id = (await _create(client, short_description="x",
                            work_notes="first note")).json()["result"]["sys_id"]
    await client.patch(f"/api/now/table/incident/{sys_id}", json={"comments": "to caller"})
    rows = (await client.get("/api/now/table/sys_journal_field", params={
        "sysparm_query": f"element_id={sys_id}^ORDERBYsys_created_on"})).json()["result"]
    assert [(r["element"], r["value"], r["name"]) for r in rows] == [
        ("work_notes", "first note", "incident"), ("comments", "to caller", "incident")]
    record = (await client.get(f"/api/now/table/incident/{sys_id}")).json()["result"]
    assert record["work_notes"] == ""   # journal fields read empty without display values


async def test_oauth_takes_forms_only_and_keeps_the_refresh_token(client):
    form = {"grant_type": "password", "client_id": "zshield-client",
            "client_secret": "zshield-secret", "username": "admin", "password": "admin"}
    refused = await client.post("/oauth_token.do", json=form)
    assert refused.status_code == 400
    first = (await client.post("/oauth_token.do", data=form)).json()
    assert first["token_type"] == "Bearer" and first["expires_in"] == 1799
    again = (await client.post("/oauth_token.do", data={
        "grant_type": "refresh_token", "client_id": "zshield-client",
        "client_secret": "zshield-secret", "refresh_token": first["refresh_token"]})).json()
    assert again["refresh_token"] == first["refresh_token"]
    assert again["access_token"] != first["access_token"]
    bearer = await client.get("/api/now/table/incident", auth=None,
                              headers={"Authorization": f"Bearer {again['access_token']}"})
    assert bearer.status_code == 200


async def test_rate_limit_headers_and_429(client, app):
    await client.post("/_sim/faults", json={"rate_limit_per_hour": 2})
    ok = await client.get("/api/now/table/incident")
    assert ok.headers["x-ratelimit-limit"] == "2"
    assert ok.headers["x-ratelimit-remaining"] == "1"
    reset = int(ok.headers["x-ratelimit-reset"])
    assert reset > START.timestamp()
    await client.get("/api/now/table/incident")
    limited = await client.get("/api/now/table/incident")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) == reset - int(START.timestamp())
    assert limited.json()["error"]["message"] == "Rate limit exceeded"


async def test_unknown_fault_setting_is_refused(client):
    response = await client.post("/_sim/faults", json={"latencyy": 1})
    assert response.status_code == 400


async def test_batch_runs_each_request_with_base64_bodies(client):
    sys_id = (await _create(client, short_description="x")).json()["result"]["sys_id"]
    body = base64.b64encode(json.dumps({"urgency": "1"}).encode()).decode()
    response = await client.post("/api/now/v1/batch", json={
        "batch_request_id": "7", "rest_requests": [
            {"id": "a", "method": "PATCH", "url": f"/api/now/table/incident/{sys_id}",
             "headers": [{"name": "Content-Type", "value": "application/json"}],
             "body": body},
            {"id": "b", "method": "GET", "url": "/api/now/table/incident/" + "0" * 32,
             "exclude_response_headers": True}]})
    data = response.json()
    assert data["batch_request_id"] == "7" and data["unserviced_requests"] == []
    first, second = data["serviced_requests"]
    assert first["status_code"] == 200
    assert json.loads(base64.b64decode(first["body"]))["result"]["urgency"] == "1"
    assert second["status_code"] == 404 and "headers" not in second


async def test_attachments_round_trip(client):
    sys_id = (await _create(client, short_description="x")).json()["result"]["sys_id"]
    created = await client.post("/api/now/attachment/file", content=b"1.2.3.4\n",
                                headers={"Content-Type": "text/plain"},
                                params={"table_name": "incident", "table_sys_id": sys_id,
                                        "file_name": "iocs.txt"})
    assert created.status_code == 201
    result = created.json()["result"]
    assert result["size_bytes"] == "8" and result["download_link"].endswith("/file")
    download = await client.get(f"/api/now/attachment/{result['sys_id']}/file")
    assert download.content == b"1.2.3.4\n"
    missing = await client.post("/api/now/attachment/file", content=b"x",
                                headers={"Content-Type": "text/plain"},
                                params={"table_name": "incident", "table_sys_id": "0" * 32,
                                        "file_name": "a.txt"})
    assert missing.status_code == 404


async def test_clock_endpoint_moves_sla_clocks(client):
    sys_id = (await _create(client, short_description="x", impact="1",
                            urgency="1")).json()["result"]["sys_id"]
    await client.post("/_sim/clock", json={"advance": 7200})
    (sla,) = (await client.get("/api/now/table/task_sla", params={
        "sysparm_query": f"task={sys_id}"})).json()["result"]
    assert sla["percentage"] == "50.00" and sla["time_left"] == "1970-01-01 02:00:00"


async def test_injected_errors_and_latency(client, app):
    await client.post("/_sim/faults", json={"error_rate": 1.0, "latency": 0.01})
    failed = await client.get("/api/now/table/incident")
    assert failed.status_code == 503 and failed.json()["status"] == "failure"
    await client.post("/_sim/faults", json={"error_rate": 0.0})
    assert (await client.get("/api/now/table/incident")).status_code == 200


def test_faults_can_be_set_when_the_app_is_made():
    app = create_app(faults={"batch_enabled": False, "seed": 3})
    assert app.state.sim.faults.batch_enabled is False


async def test_disabled_batch_answers_400(client):
    await client.post("/_sim/faults", json={"batch_enabled": False})
    response = await client.post("/api/now/v1/batch", json={"rest_requests": []})
    assert response.status_code == 400


async def test_an_unknown_path_answers_in_the_instances_error_body(client):
    response = await client.get("/api/now/no_such_api")
    assert response.status_code == 400
    assert response.json() == {"error": {"message": "Requested URI does not represent any "
                                                    "resource", "detail": None},
                               "status": "failure"}
