"""What a ServiceNow target can do beyond the common interface, and what it decides itself
instead of the sync layer: state changes (many through one Batch API call), the runbook
as one work note, CMDB links and SLA timers, drafts as columns, escalation's fields."""

from __future__ import annotations

import base64
import json

import pytest

from zshield_tui.connectors.errors import NotFoundError
from zshield_tui.connectors.factory import connector_class
from zshield_tui.connectors.servicenow import ServiceNowConnector

from .conftest import records


async def _ticket(connector, key="ZS-50", **fields):
    payload = {"short_description": "x", **fields}
    return (await connector.create(payload, correlation_key=key)).ticket


def test_a_servicenow_target_gets_the_servicenow_connector_and_its_extras():
    assert connector_class("servicenow") is ServiceNowConnector
    assert ServiceNowConnector.supports_cmdb and ServiceNowConnector.supports_sla
    assert ServiceNowConnector.batches_state_changes


async def test_many_moves_go_through_one_batch_call(connector, recorder, table):
    tickets = [await _ticket(connector, key=f"ZS-6{n}") for n in range(3)]
    results = await connector.move_many([(t.remote_id, "resolved", {"close_notes": "Bulk"})
                                         for t in tickets])

    assert [r.remote_id for r in results] == [t.remote_id for t in tickets]
    assert {r.status for r in results} == {"Resolved" if table == "incident" else "Closed"}
    (call,) = recorder.to("POST", "/api/now/v1/batch")
    body = json.loads(base64.b64decode(json.loads(call.content)["rest_requests"][0]["body"]))
    assert {"state", "close_code", "close_notes"} <= set(body)
    assert body["close_notes"] == "Bulk"
    assert not recorder.to("PATCH", "/api/now/table/")


async def test_many_moves_fall_back_to_single_patches(connector, sim, recorder):
    sim.faults.batch_enabled = False
    tickets = [await _ticket(connector, key=f"ZS-8{n}") for n in range(2)]
    results = await connector.move_many([(t.key, "resolve", None) for t in tickets])
    assert all(not isinstance(r, Exception) for r in results)
    assert len(recorder.to("PATCH", "/api/now/table/")) == 2
    closed = {"incident": "6", "sn_si_incident": "3"}[connector.table]
    assert [r["state"] for r in records(sim, connector.table)] == [closed, closed]


async def test_a_move_to_a_state_the_table_lacks_is_not_found(connector):
    ticket = await _ticket(connector)
    with pytest.raises(NotFoundError, match="no state"):
        await connector.move(ticket.key, "Teleported")


async def test_the_runbook_is_one_work_note_however_often_it_is_sent(connector, sim):
    ticket = await _ticket(connector)
    for _ in range(2):
        await connector.ensure_runbook(ticket.key, ["Isolate web-01"], alert_id="ZS-50")
    notes = [r for r in records(sim, "sys_journal_field") if r["element_id"] ==
             ticket.remote_id]
    assert [(n["element"], n["value"].splitlines()[-1]) for n in notes] == \
        [("work_notes", "1. Isolate web-01")]


async def test_the_configuration_item_is_read_off_the_ticket(connector):
    ticket = await _ticket(connector)
    await connector.link_assets(ticket.key, [("web-01", None)])
    assert connector.configuration_item(await connector.get(ticket.key)) == "web-01"


def test_routing_sets_group_and_assigned_to_and_has_no_project():
    routed = ServiceNowConnector.routed({"short_description": "x"}, project="SOCCRIT",
                                        group="Security Operations", assignee="bo")
    assert routed == {"short_description": "x", "assignment_group": "Security Operations",
                      "assigned_to": "bo"}


def test_a_draft_is_its_columns():
    draft = {"short_description": "x", "assigned_to": "ana"}
    assert ServiceNowConnector.draft_fields(draft) == draft
    assert ServiceNowConnector.with_draft_fields(draft, {"short_description": "x"}) == \
        {"short_description": "x"}


@pytest.mark.parametrize("table, value, state", [
    ("incident", "2", "in_progress"), ("incident", "6", "resolved"),
    ("incident", "7", "closed"), ("incident", "8", "closed"), ("incident", "1", None),
    ("sn_si_incident", "18", "in_progress"), ("sn_si_incident", "3", "closed"),
    ("sn_si_incident", "42", None)])
def test_a_state_value_means_an_alert_state(table, value, state):
    assert ServiceNowConnector.default_inbound(value, table=table) == state


def test_close_fields_go_with_a_resolve_only_when_rendered():
    close = {"close_code": "Resolved", "close_notes": "Closed: {{ alert.title }}"}
    assert ServiceNowConnector.closing_fields(close, "resolved") == {"close_code": "Resolved"}
    assert ServiceNowConnector.closing_fields(close, "in_progress") == {}


def test_escalation_raises_impact_and_urgency_and_on_a_sir_severity(make_connector):
    current = {"impact": "2", "urgency": {"value": "3"}, "severity": "2"}
    assert make_connector(table="incident").raised_priority_fields(current) == \
        {"impact": "1", "urgency": "2"}
    sir = make_connector(table="sn_si_incident")
    assert sir.raised_priority_fields(current) == {"impact": "1", "urgency": "2",
                                                   "severity": "1"}
    assert sir.assignee_fields("abc") == {"assigned_to": "abc"}
    assert sir.ticket_ref("SIR001", "a" * 32) == "a" * 32
    assert sir.ticket_ref("SIR001", "") == "SIR001"
