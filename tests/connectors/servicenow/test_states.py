"""States, transitions and resolving with close code and notes in the same PATCH."""

from __future__ import annotations

import json

import pytest

from zshield_tui.connectors.errors import NotFoundError, ValidationError

from .conftest import target

PAYLOAD = {"short_description": "Suspicious login", "severity": "medium"}


async def test_transitions_list_the_other_states(connector, table):
    ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-20")).ticket
    moves = await connector.transitions(ticket.key)
    names = [t.name for t in moves]
    if table == "incident":
        assert names == ["In Progress", "On Hold", "Resolved", "Closed", "Canceled"]
    else:
        assert names == ["Analysis", "Contain", "Eradicate", "Recover", "Review", "Closed",
                         "Cancelled"]
    assert {t.to_category for t in moves} <= {"new", "indeterminate", "done"}


async def test_resolve_sends_close_fields_in_the_same_patch(make_connector, sim, recorder, table):
    config = target("basic", close={"close_code": "Solution provided" if table == "incident"
                                    else "False positive", "close_notes": "Benign"})
    async with make_connector(table=table, target_config=config) as connector:
        ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-21")).ticket
        moved = await connector.transition(ticket.key, "resolve")
    patch = json.loads(recorder.to("PATCH", ticket.remote_id)[-1].content)
    assert patch["state"] == ("6" if table == "incident" else "3")
    assert patch["close_notes"] == "Benign"
    assert moved.status == ("Resolved" if table == "incident" else "Closed")
    row = sim.state.tables[table][ticket.remote_id]
    assert row["close_code"] and row["close_notes"] == "Benign"


async def test_explicit_fields_override_close_defaults(connector, sim, table):
    ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-22")).ticket
    await connector.transition(ticket.key, "Closed", {"close_notes": "Done by the analyst"})
    assert sim.state.tables[table][ticket.remote_id]["close_notes"] == "Done by the analyst"


async def test_unrendered_template_never_reaches_the_ticket(make_connector, sim):
    config = target("basic", close={"close_code": "Solution provided",
                                    "close_notes": "Closed from zshield: {{ alert.title }}"})
    async with make_connector(target_config=config) as connector:
        ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-23")).ticket
        await connector.transition(ticket.key, "Resolved")
    assert "{{" not in sim.state.tables["incident"][ticket.remote_id]["close_notes"]


async def test_resolving_without_close_info_shows_the_data_policy_error(make_connector):
    async with make_connector() as connector:
        ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-24")).ticket
        # update() sends fields as given; transition() is the way that adds close info.
        with pytest.raises(ValidationError) as caught:
            await connector.update(ticket.key, {"state": "6"})
    assert caught.value.status == 403
    assert "Data Policy Exception" in str(caught.value)
    assert "Resolution code" in caught.value.fields["data_policy"]


async def test_on_hold_needs_a_hold_reason(make_connector, sim):
    async with make_connector() as connector:
        ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-25")).ticket
        with pytest.raises(ValidationError, match="hold_reason"):
            await connector.transition(ticket.key, "On Hold")
        held = await connector.transition(ticket.key, "On Hold", {"hold_reason": "4"})
    assert held.status == "On Hold"


async def test_unknown_state_lists_the_available_ones(connector):
    ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-26")).ticket
    with pytest.raises(NotFoundError) as caught:
        await connector.transition(ticket.key, "Teleported")
    assert "available:" in str(caught.value)


async def test_security_incident_moves_through_its_phases(make_connector, sim):
    async with make_connector(table="sn_si_incident") as connector:
        ticket = (await connector.create(dict(PAYLOAD), correlation_key="ZS-27")).ticket
        for phase, value in [("Analysis", "16"), ("Contain", "18"), ("Eradicate", "19"),
                             ("Recover", "20"), ("Review", "100")]:
            moved = await connector.transition(ticket.key, phase)
            assert moved.status_category == value
        closed = await connector.transition(ticket.key, "Closed")
    assert closed.fields["active"] == "false"
