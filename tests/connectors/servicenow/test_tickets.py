"""Create, find, get, update on incident and sn_si_incident, with basic and OAuth auth."""

from __future__ import annotations

import json

import pytest

from zshield_tui.connectors.errors import NotFoundError, ValidationError

from .conftest import records

PAYLOAD = {"short_description": "PowerShell download cradle on web-01",
           "description": "Alert ZS-1 from EDR", "severity": "high",
           "assignment_group": "Security Operations", "caller_id": "ana@yourorg.com"}


async def test_create_sets_correlation_and_resolves_names(connector, sim, table, recorder):
    result = await connector.create(dict(PAYLOAD), correlation_key="ZS-1")

    assert result.created
    ticket = result.ticket
    assert ticket.key.startswith("INC" if table == "incident" else "SIR")
    assert ticket.correlation_key == "ZS-1"
    row = sim.state.tables[table][ticket.remote_id]
    assert row["correlation_id"] == "ZS-1" and row["correlation_display"] == "zshield"
    group = next(g for g in records(sim, "sys_user_group") if g["name"] == "Security Operations")
    ana = sim.state.user("ana.analyst")
    assert row["assignment_group"] == group["sys_id"]
    assert row["caller_id"] == ana["sys_id"]
    assert ticket.status == ("New" if table == "incident" else "Draft")
    assert ticket.url.startswith("http://127.0.0.1:8765/nav_to.do?uri=")
    post = recorder.to("POST", f"/api/now/table/{table}")[0]
    assert post.url.params["sysparm_exclude_reference_link"] == "true"
    assert post.url.params["sysparm_display_value"] == "false"
    assert post.headers["content-type"] == "application/json"


async def test_incident_severity_becomes_impact_and_urgency(make_connector, sim, recorder):
    async with make_connector("basic", "incident") as connector:
        result = await connector.create({**PAYLOAD, "severity": "critical", "priority": "5"},
                                        correlation_key="ZS-2")
    body = json.loads(recorder.to("POST", "/table/incident")[0].content)
    assert "priority" not in body and "severity" not in body
    assert (body["impact"], body["urgency"]) == ("1", "1")
    # The instance computes the priority from impact x urgency.
    assert result.ticket.fields["priority"] == "1"


async def test_security_incident_takes_severity(make_connector, recorder):
    async with make_connector("basic", "sn_si_incident") as connector:
        await connector.create({**PAYLOAD, "severity": "medium"}, correlation_key="ZS-3")
    body = json.loads(recorder.to("POST", "/table/sn_si_incident")[0].content)
    assert body["severity"] == "2" and "priority" not in body


async def test_second_push_finds_the_first(connector, sim, table, recorder):
    first = await connector.create(dict(PAYLOAD), correlation_key="ZS-4")
    second = await connector.create(dict(PAYLOAD), correlation_key="ZS-4")

    assert not second.created
    assert second.ticket.remote_id == first.ticket.remote_id
    assert len(records(sim, table)) == 1
    lookup = recorder.to("GET", f"/api/now/table/{table}")[-1]
    assert lookup.url.params["sysparm_query"].startswith(
        "correlation_id=ZS-4^correlation_display=zshield")


async def test_find_ignores_records_of_other_tools(connector, sim, table):
    sim.state.insert(table, {"short_description": "theirs", "correlation_id": "ZS-5",
                             "correlation_display": "other-tool"})
    assert await connector.find_by_correlation("ZS-5") is None


async def test_get_by_number_and_by_sys_id(connector):
    created = (await connector.create(dict(PAYLOAD), correlation_key="ZS-6")).ticket
    by_number = await connector.get(created.key)
    by_id = await connector.get(created.remote_id)
    assert by_number.remote_id == by_id.remote_id == created.remote_id
    assert by_number.fields["short_description"] == PAYLOAD["short_description"]


async def test_update_patches_only_given_fields(connector, sim, table, recorder):
    ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-7")).ticket
    await connector.update(ticket.key, {"short_description": "Renamed",
                                        "assignment_group": "Network"})
    row = sim.state.tables[table][ticket.remote_id]
    assert row["short_description"] == "Renamed"
    patch = recorder.to("PATCH", ticket.remote_id)[0]
    assert set(json.loads(patch.content)) == {"short_description", "assignment_group"}


async def test_unknown_group_is_a_validation_error(connector):
    with pytest.raises(ValidationError) as caught:
        await connector.create({**PAYLOAD, "assignment_group": "Nobody"},
                               correlation_key="ZS-8")
    assert "assignment_group" in caught.value.fields
    assert "Nobody" in str(caught.value)


async def test_missing_ticket_shows_servicenow_error(connector):
    with pytest.raises(NotFoundError) as caught:
        await connector.get("0" * 32)
    assert "No Record found" in str(caught.value)
    assert "ACL restricts" in str(caught.value)


async def test_updated_since_lists_only_zshield_tickets(connector, sim, table, clock):
    old = (await connector.create(dict(PAYLOAD), correlation_key="ZS-9")).ticket
    clock.advance(60)
    since = clock.now()
    sim.state.insert(table, {"short_description": "manual"})
    ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-10")).ticket
    clock.advance(60)
    await connector.update(old.key, {"short_description": "touched"})

    found = await connector.updated_since(since)

    assert [t.key for t in found] == [ticket.key, old.key]   # oldest update first


async def test_test_connection_names_the_user(connector):
    assert await connector.test_connection() == "Zshield Integration (zshield.integration)"



async def test_create_metadata_reads_choices(connector, table):
    metadata = await connector.create_metadata()
    assert metadata.scope == table
    assert metadata.fields["short_description"].required
    assert "priority" not in metadata.fields
    state_values = metadata.fields["state"].allowed
    assert ("1" if table == "incident" else "10") in state_values
