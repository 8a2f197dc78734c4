"""Pushing alerts to both simulators: tickets made once, found again, never duplicated."""

from __future__ import annotations

import pytest

from zshield_tui.store import syncrepo as repo
from zshield_tui.store import upsert_alerts

TARGETS = ["jira-sec", "snow-sir"]


def remote_count(sims, target: str) -> int:
    if target == "jira-sec":
        return len(sims.jira.state.jira.issues)
    return len(sims.snow.state.sim.state.tables.get("sn_si_incident", {}))


@pytest.mark.parametrize("target", TARGETS)
async def test_push_creates_one_ticket_per_alert_and_links_it(engine, sims, store, target):
    plan, report = await engine.push(["ZS-000002", "ZS-000003"], target)
    assert plan.queued == ["ZS-000002", "ZS-000003"]
    # Each create also queues the alert's evidence (attach) and, on ServiceNow, its CIs.
    assert [r.operation for r in report.results if r.ok].count("create") == 2 and not report.failed
    ticket = repo.ticket_for(store.conn, "ZS-000002", target)
    assert ticket and ticket.key and ticket.url
    assert remote_count(sims, target) == 2
    assert engine.pending() == []


@pytest.mark.parametrize("target", TARGETS)
async def test_pushing_again_finds_the_ticket_instead_of_making_another(
        engine, sims, store, target):
    await engine.push(["ZS-000002"], target)
    plan, _ = await engine.push(["ZS-000002"], target)
    assert plan.linked == {"ZS-000002": repo.ticket_for(store.conn, "ZS-000002", target).key}
    # A lost local link (another machine's push): the correlation key finds the ticket.
    store.conn.execute("DELETE FROM ticket")
    await engine.push(["ZS-000002"], target)
    assert remote_count(sims, target) == 1


async def test_dry_run_sends_nothing(engine, sims):
    plan, report = await engine.push(["ZS-000002"], "jira-sec", dry_run=True)
    assert plan.queued == ["ZS-000002"] and report.results == []
    assert remote_count(sims, "jira-sec") == 0 and engine.pending() == []


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("ids", [("x/1", "x:1"), ("Case-1", "case-1")])
async def test_ids_that_differ_in_case_or_one_character_get_tickets_of_their_own(
        engine, sims, store, target, ids):
    """An attacker who names an alert `case-1` and gets it pushed first must not take the
    ticket of the real `Case-1` (they share Jira's readable label)."""
    from tests.factories import make_alert
    
    upsert_alerts(store.conn, [make_alert(1, id=i) for i in ids], fmt="zshield")
    for alert_id in ids:
        _, report = await engine.push([alert_id], target)
        assert not report.failed, report.failed
    keys = {repo.ticket_for(store.conn, i, target).key for i in ids}
    assert len(keys) == 2 and remote_count(sims, target) == 2
