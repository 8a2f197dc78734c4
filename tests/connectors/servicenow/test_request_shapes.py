"""Every request of a full ticket life, checked against API-FACTS part B."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from tests.conftest import FIXTURES


async def _life(connector):
    ticket = (await connector.create(
        {"short_description": "Beacon to 203.0.113.7", "severity": "high", "priority": "1",
         "assignment_group": "Security Operations", "caller_id": "zpoa-shield-service"},
        correlation_key="ZS-100")).ticket
    await connector.add_comment(ticket.key, "Investigating")
    await connector.comments(ticket.key)
    await connector.attach(ticket.key, FIXTURES / "servicenow" / "iocs.txt")
    await connector.link_assets(ticket.key, [("web-01", "10.0.0.5")])
    await connector.slas(ticket.key)
    await connector.update(ticket.key, {"severity": "critical"})
    await connector.transition(ticket.key, "Resolved" if connector.table == "incident"
                               else "Closed")
    await connector.bulk_update([(ticket.key, {"work_notes": "bulk"})])
    return ticket


async def test_every_request_follows_the_published_shapes(connector, recorder, auth):
    await _life(connector)
    allowed_paths = ("/api/now/table/", "/api/now/attachment/file", "/api/now/v1/batch",
                     "/oauth_token.do")
    for request in recorder.requests:
        path = request.url.path
        assert path.startswith(allowed_paths), path
        assert request.url.host == "127.0.0.1"
        assert request.headers["accept"] == "application/json"
        if path.startswith("/api/"):
            expected = "Basic " if auth == "basic" else "Bearer "
            assert request.headers["authorization"].startswith(expected)
        if path.startswith("/api/now/table/"):
            # Machine values: plain sys_ids, no display values.
            assert request.url.params["sysparm_exclude_reference_link"] == "true"
            if request.method != "GET":
                assert request.url.params["sysparm_display_value"] == "false"
                assert request.headers["content-type"] == "application/json"
        if path == "/oauth_token.do":
            assert request.headers["content-type"] == "application/x-www-form-urlencoded"
            assert "client_secret" in parse_qs(request.content.decode())


async def test_incident_writes_never_carry_priority(make_connector, recorder):
    async with make_connector(table="incident") as connector:
        await _life(connector)
    bodies = [json.loads(r.content) for r in recorder.requests
              if r.method in ("POST", "PATCH") and r.url.path.startswith("/api/now/table/")]
    assert bodies and all("priority" not in b for b in bodies)
    resolve = next(b for b in bodies if b.get("state") == "6")
    assert {"close_code", "close_notes"} <= set(resolve)


async def test_list_reads_are_bounded_and_paged(make_connector, sim, recorder):
    async with make_connector() as connector:
        for n in range(3):
            sim.state.insert("incident", {"short_description": f"n{n}",
                                          "correlation_display": "zshield",
                                          "correlation_id": f"P-{n}"})
        rows = await connector.api.list("incident", "correlation_display=zshield^ORDERBYnumber",
                                        fields=["number"], page_size=2)
    assert [r["number"] for r in rows] == ["INC0010001", "INC0010002", "INC0010003"]
    pages = recorder.to("GET", "/api/now/table/incident")
    assert len(pages) == 2 and pages[1].url.params["sysparm_offset"] == "2"
