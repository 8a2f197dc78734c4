"""Attachments, CMDB lookups, SLA rows and bulk updates through the Batch API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import FIXTURES
from zshield_tui.connectors.errors import NotFoundError, ValidationError
from zshield_tui.connectors.servicenow import batch

EVIDENCE = FIXTURES / "servicenow"


async def _ticket(connector, key="ZS-50", **fields):
    payload = {"short_description": "x", **fields}
    return (await connector.create(payload, correlation_key=key)).ticket


# -- attachments ------------------------------------------------------------------------------
async def test_attachment_is_uploaded_raw_with_its_type(connector, sim, recorder):
    ticket = await _ticket(connector)
    sys_id = await connector.attach(ticket.key, EVIDENCE / "alert-ZS-50.json")

    request = recorder.to("POST", "/api/now/attachment/file")[0]
    assert request.headers["content-type"] == "application/json"
    assert dict(request.url.params) == {"table_name": connector.table,
                                        "table_sys_id": ticket.remote_id,
                                        "file_name": "alert-ZS-50.json"}
    assert sim.state.attachments[sys_id] == (EVIDENCE / "alert-ZS-50.json").read_bytes()
    row = sim.state.tables["sys_attachment"][sys_id]
    assert row["table_sys_id"] == ticket.remote_id


async def test_attachment_name_can_be_chosen(connector, sim):
    ticket = await _ticket(connector)
    sys_id = await connector.attach(ticket.key, EVIDENCE / "iocs.txt", name="iocs-ZS-50.txt")
    assert sim.state.tables["sys_attachment"][sys_id]["content_type"] == "text/plain"


async def test_oversized_attachment_is_refused_before_upload(make_connector, recorder):
    async with make_connector(max_attachment_bytes=10) as connector:
        ticket = await _ticket(connector)
        with pytest.raises(ValidationError, match="at most 10"):
            await connector.attach(ticket.key, EVIDENCE / "iocs.txt")
    assert not recorder.to("POST", "/attachment/file")


async def test_missing_file_is_a_clear_error(connector, tmp_path):
    ticket = await _ticket(connector)
    with pytest.raises(ValidationError, match="cannot read evidence file"):
        await connector.attach(ticket.key, tmp_path / "nope.pcap")


# -- CMDB -------------------------------------------------------------------------------------
async def test_assets_resolve_to_cis_and_unknowns_are_listed(connector, sim, table):
    ticket = await _ticket(connector)
    result = await connector.link_assets(ticket.key, [("web-01", "10.0.0.5"),
                                                      (None, "10.0.0.1"),
                                                      ("ghost-99", "192.0.2.1")])
    assert [(ci.name, ci.matched_on) for ci in result.items] == [("web-01", "web-01"),
                                                                  ("fw-edge", "10.0.0.1")]
    web = result.items[0]
    assert web.ci_class == "cmdb_ci_linux_server" and web.owner == "Bo Admin"
    assert web.support_group == "Platform Team"
    assert result.unknown == ["ghost-99"]
    assert sim.state.tables[table][ticket.remote_id]["cmdb_ci"] == web.sys_id


async def test_duplicate_names_are_not_guessed(connector, sim):
    sim.state.insert("cmdb_ci", {"name": "web-01", "ip_address": "10.9.9.9"})
    sim.state.tables["cmdb_ci"][next(reversed(sim.state.tables["cmdb_ci"]))][
        "sys_class_name"] = "cmdb_ci_linux_server"
    ticket = await _ticket(connector)
    result = await connector.link_assets(ticket.key, [("web-01", None)])
    assert result.items == [] and result.ambiguous == ["web-01"]
    assert sim.state.tables[connector.table][ticket.remote_id]["cmdb_ci"] == ""


# -- SLA --------------------------------------------------------------------------------------
async def test_sla_values_follow_the_clock(make_connector, clock):
    async with make_connector() as connector:
        ticket = await _ticket(connector, severity="critical")   # priority 1: 4 hours
        clock.advance(3600)
        (sla,) = await connector.slas(ticket.key)
        assert sla.name == "Priority 1 resolution (4 hour)"
        assert (sla.stage, sla.stage_label) == ("in_progress", "In progress")
        assert sla.percentage == pytest.approx(25.0)
        assert sla.time_left == timedelta(hours=3)
        assert not sla.has_breached
        assert sla.planned_end == ticket.updated_at + timedelta(hours=4)
        clock.advance(4 * 3600)
        (late,) = await connector.slas(ticket.key)
        assert late.has_breached and late.time_left == timedelta(0)
        await connector.transition(ticket.key, "Resolved")
        (done,) = await connector.slas(ticket.key)
        assert done.stage == "completed" and not done.active


# -- bulk -------------------------------------------------------------------------------------
async def test_bulk_reports_each_failure(connector, sim):
    good = await _ticket(connector, key="ZS-70")
    results = await connector.bulk_update([(good.key, {"short_description": "new"}),
                                           ("0" * 32, {"short_description": "lost"})])
    assert results[0].fields["short_description"] == "new"
    assert isinstance(results[1], NotFoundError)


async def test_batch_splits_large_sets(connector, monkeypatch, recorder):
    monkeypatch.setattr(batch, "MAX_ITEMS", 2)
    tickets = [await _ticket(connector, key=f"ZS-9{n}") for n in range(5)]
    results = await connector.bulk_update([(t.key, {"urgency": "2"}) for t in tickets])
    assert len(results) == 5 and len(recorder.to("POST", "/v1/batch")) == 3


async def test_a_brief_bulk_update_asks_only_for_identity_and_state(connector, recorder):
    tickets = [await _ticket(connector, key=f"ZS-5{n}") for n in range(2)]
    results = await connector.bulk_update([(t.key, {"urgency": "2"}) for t in tickets],
                                          brief=True)
    assert [r.key for r in results] == [t.key for t in tickets]
    assert all(r.status and set(r.fields) <= {"sys_id", "number", "state", "correlation_id",
                                              "sys_created_on", "sys_updated_on"}
               for r in results)
    (call,) = recorder.to("POST", "/api/now/v1/batch")
    url = json.loads(call.content)["rest_requests"][0]["url"]
    assert "sysparm_fields=sys_id,number,state," in url
