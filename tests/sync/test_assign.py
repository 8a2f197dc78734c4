"""Assigning alerts: the analyst is recorded locally and sent to every linked ticket."""

from __future__ import annotations

from zshield_tui.store import syncrepo as repo


async def test_assign_reaches_every_linked_ticket_and_is_audited(engine, sims, store):
    await engine.push(["ZS-000002"], "jira-sec")
    await engine.push(["ZS-000002"], "snow-sir")
    # The simulators know different people; ana.analyst exists on ServiceNow only.
    assert sorted(engine.queue_assign("ZS-000002", "ana.analyst")) == ["jira-sec", "snow-sir"]
    report = await engine.drain()
    assert sorted((r.target, r.ok) for r in report.results if r.operation == "assign") == \
        [("jira-sec", False), ("snow-sir", True)]
    sys_id = repo.ticket_for(store.conn, "ZS-000002", "snow-sir").remote_id
    users = sims.snow.state.sim.state.tables["sys_user"]
    record = sims.snow.state.sim.state.tables["sn_si_incident"][sys_id]
    assert users[record["assigned_to"]]["user_name"] == "ana.analyst"
    engine.queue_assign("ZS-000002", "ana@example.com")
    await engine.drain(["jira-sec"])
    key = repo.ticket_for(store.conn, "ZS-000002", "jira-sec").key
    assert sims.jira.state.jira.issues[key].fields["assignee"].email == "ana@example.com"
    audit = store.conn.execute("SELECT new_value FROM audit WHERE alert_id = ? "
                               "AND action = 'assign' ORDER BY id", ("ZS-000002",)).fetchall()
    assert audit == [("ana.analyst",), ("ana@example.com",)]


async def test_assigning_the_same_analyst_again_queues_nothing(engine, store):
    await engine.push(["ZS-000002"], "jira-sec")
    engine.queue_assign("ZS-000002", "ana@example.com")
    await engine.drain()
    assert engine.queue_assign("ZS-000002", "ana@example.com") == []
    assert engine.pending() == []


async def test_an_assign_waits_for_a_ticket_still_being_created(engine, sims, store):
    plan = engine.plan_push(["ZS-000003"], "jira-sec")
    engine.queue_push(plan)
    assert engine.queue_assign("ZS-000003", "ana@example.com") == ["jira-sec"]
    await engine.drain()
    key = repo.ticket_for(store.conn, "ZS-000003", "jira-sec").key
    assert sims.jira.state.jira.issues[key].fields["assignee"].email == "ana@example.com"
    assert engine.pending() == []


async def test_an_unknown_user_fails_visibly_and_is_not_retried(engine, store):
    await engine.push(["ZS-000002"], "snow-sir")
    engine.queue_assign("ZS-000002", "nobody@example.com")
    report = await engine.drain()
    assert [r.operation for r in report.failed] == ["assign"]
    failed = [o for o in engine.pending() if o.operation == "assign"]
    assert failed and failed[0].status == "failed" and "nobody" in failed[0].last_error
