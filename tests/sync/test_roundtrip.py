"""Notes and status both ways, closing with children, and a conflict, on both simulators."""

from __future__ import annotations

import pytest

from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.targets import make_connector

from .conftest import ENV

TARGETS = ["jira-sec", "snow-sir"]
START = {"jira-sec": "Start Progress", "snow-sir": "Analysis"}


async def remote_side(engine, target: str):
    """A second client on the same instance: a colleague working the ticket remotely."""
    return make_connector(engine.targets[target], ENV)


@pytest.mark.parametrize("target", TARGETS)
async def test_notes_go_out_come_back_and_never_echo(engine, store, target):
    await engine.push(["ZS-000002"], target)
    key = repo.ticket_for(store.conn, "ZS-000002", target).key
    assert engine.queue_comment("ZS-000002", "Isolated the host.\n[/] not markup") == [target]
    await engine.drain()
    async with await remote_side(engine, target) as remote:
        bodies = [c.body for c in await remote.comments(key)]
        assert bodies == ["Isolated the host.\n[/] not markup"]
        await remote.add_comment(key, "Owner confirmed the change window")
    await engine.sync_once()
    await engine.sync_once()
    # Sorted by origin: the simulator's clock need not agree with ours.
    notes = sorted(repo.note_rows(store.conn, "ZS-000002"), key=lambda n: n["origin"])
    assert [(n["origin"], n["sync_state"]) for n in notes] == [("local", "synced"),
                                                                ("remote", None)]
    assert notes[1]["body"] == "Owner confirmed the change window"
    async with await remote_side(engine, target) as remote:
        assert len(await remote.comments(key)) == 2


@pytest.mark.parametrize("target", TARGETS)
async def test_status_goes_out_and_comes_back(engine, store, target):
    await engine.push(["ZS-000002"], target)
    key = repo.ticket_for(store.conn, "ZS-000002", target).key
    async with await remote_side(engine, target) as remote:
        await remote.transition(key, START[target])
    await engine.sync_once()
    assert repo.alert_state(store.conn, "ZS-000002") == "in_progress"
    engine.queue_state("ZS-000002", "resolved")
    await engine.sync_once()
    async with await remote_side(engine, target) as remote:
        ticket = await remote.get(key)
    assert ticket.status_category == ("done" if target == "jira-sec" else "3")
    assert repo.alert_state(store.conn, "ZS-000002") == "resolved"
    assert repo.conflicts(store.conn, "ZS-000002") == []


@pytest.mark.parametrize("target", TARGETS)
async def test_both_sides_changing_is_a_recorded_conflict(engine, store, target):
    await engine.push(["ZS-000002"], target)
    key = repo.ticket_for(store.conn, "ZS-000002", target).key
    engine.queue_state("ZS-000002", "acknowledged")   # no transition configured for it
    async with await remote_side(engine, target) as remote:
        await remote.transition(key, START[target])
    await engine.sync_once()
    assert repo.alert_state(store.conn, "ZS-000002") == "acknowledged"
    [conflict] = repo.conflicts(store.conn, "ZS-000002")
    assert conflict["local"] == "acknowledged" and conflict["remote"] == "in_progress"
    assert repo.ticket_for(store.conn, "ZS-000002", target).error.startswith("conflict")


@pytest.mark.parametrize("target", TARGETS)
async def test_closing_a_parent_closes_every_childs_ticket(engine, store, target):
    family = ["ZS-000001", "ZS-000011", "ZS-000012", "ZS-000013"]
    await engine.push(family, target)
    changed = engine.queue_state("ZS-000001", "resolved", children=True)
    assert changed == family
    report = await engine.drain()
    assert report.done == 4 and not report.failed
    async with await remote_side(engine, target) as remote:
        for alert_id in family:
            ticket = await remote.get(repo.ticket_for(store.conn, alert_id, target).key)
            assert ticket.status_category == ("done" if target == "jira-sec" else "3")


@pytest.mark.parametrize("target", TARGETS)
async def test_the_playbook_goes_out_once_and_does_not_come_back(engine, store, target):
    store.conn.execute("UPDATE alert SET playbook = ? WHERE id = 'ZS-000002'",
                       ('["Isolate web-01", "Collect a memory image"]',))
    await engine.push(["ZS-000002"], target)
    key = repo.ticket_for(store.conn, "ZS-000002", target).key
    # A rerun of the op (a crash after sending) must not post it twice.
    repo.enqueue(store.conn, target, "ZS-000002", "runbook", {"steps": ["Isolate web-01"]})
    await engine.sync_once()
    async with await remote_side(engine, target) as remote:
        bodies = [c.body for c in await remote.comments(key)]
    assert len(bodies) == 1
    assert "1. Isolate web-01" in bodies[0] and "2. Collect a memory image" in bodies[0]
    assert repo.note_rows(store.conn, "ZS-000002") == []
