"""Auto-create decides per target on the threshold, and never twice for one alert."""

from __future__ import annotations

from tests.factories import make_alert
from zshield_tui.automation.autocreate import Existing, decide_auto_create
from zshield_tui.domain import Severity


def test_a_routed_alert_at_the_threshold_gets_one_ticket_where_the_rule_says(config):
    alert = make_alert(1, severity=Severity.CRITICAL)
    [decision] = decide_auto_create(alert, config.targets, rules=config.rules,
                                    oncall=config.oncall)
    assert (decision.target, decision.project, decision.rule) == \
        ("jira-sec", "SOCCRIT", "critical to SOC-CRIT")
    assert decision.assignee == "ana@yourorg.com"   # on call when the alert came in
    assert decision.oncall


def test_below_the_target_threshold_nothing_is_created(config):
    alert = make_alert(1, severity=Severity.MEDIUM, category="execution", source="EDR")
    # routed to jira-sec, whose threshold is high
    assert decide_auto_create(alert, config.targets, rules=config.rules) == []


def test_a_target_without_auto_create_never_gets_a_ticket(config):
    targets = [t.model_copy(update={"auto_create": t.auto_create.model_copy(
        update={"enabled": False})}) for t in config.targets]
    alert = make_alert(1, severity=Severity.CRITICAL)
    assert decide_auto_create(alert, targets, rules=config.rules) == []


def test_without_a_matching_rule_every_target_over_its_threshold_gets_one(config):
    alert = make_alert(1, severity=Severity.HIGH, category="recon", source="Wazuh")
    decisions = decide_auto_create(alert, config.targets, rules=config.rules)
    assert sorted(d.target for d in decisions) == ["jira-sec", "snow-sir"]
    assert all(d.rule is None for d in decisions)


def test_the_same_alert_twice_gives_one_decision(config):
    """What the sync engine does on ingest, then on the next sync: the first decision is
    queued in the outbox, so the second call finds it and decides nothing."""
    alert = make_alert(1, severity=Severity.CRITICAL)
    outbox: list[Existing] = []
    made = []
    for _ in range(2):
        decisions = decide_auto_create(alert, config.targets, outbox, rules=config.rules,
                                       oncall=config.oncall)
        made += decisions
        outbox += [Existing(d.target, kind="outbox", status="pending") for d in decisions]
    assert len(made) == 1


def test_an_existing_ticket_or_a_dead_outbox_entry(config):
    alert = make_alert(1, severity=Severity.CRITICAL)
    assert decide_auto_create(alert, config.targets, [Existing("jira-sec")],
                              rules=config.rules) == []
    # a create the outbox cancelled may be decided again; a failing one is still retried
    failing = [Existing("jira-sec", kind="outbox", status="failed")]
    assert decide_auto_create(alert, config.targets, failing, rules=config.rules) == []
    dead = [Existing("jira-sec", kind="outbox", status="cancelled")]
    assert len(decide_auto_create(alert, config.targets, dead, rules=config.rules)) == 1
    # a ticket on another target does not block this one
    other = [Existing("snow-sir")]
    assert len(decide_auto_create(alert, config.targets, other, rules=config.rules)) == 1


def test_with_the_store_the_queued_create_blocks_a_second_one(store, config):
    """The sync engine's loop: decide, queue in the outbox, decide again on the next sync."""
    from zshield_tui.automation.autocreate import existing_in_store
    from zshield_tui.store import upsert_alerts

    alert = make_alert(1, severity=Severity.CRITICAL)
    upsert_alerts(store.conn, [alert], fmt="zshield")
    queued = 0
    for _ in range(2):
        existing = existing_in_store(store.conn, alert.id)
        for decision in decide_auto_create(alert, config.targets, existing, rules=config.rules):
            store.conn.execute(
                "INSERT INTO outbox (target, alert_id, operation, created_at) "
                "VALUES (?, ?, 'create', '2026-11-24T00:00:00Z')",
                (decision.target, decision.alert_id))
            queued += 1
    assert queued == 1
