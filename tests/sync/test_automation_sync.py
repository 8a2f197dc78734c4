"""Automation wired into sync: auto-create on ingest and on each pass (routed, once per
alert and target, failed mappings audited and left alone, bounded by a cursor), and
escalation of tickets left new (once per window, safe to rerun), against both simulators
in-process with a fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_alert
from tests.sync.conftest import ENV, write_config
from zshield_tui.config import load_config
from zshield_tui.domain import Severity
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.records import audit_trail
from zshield_tui.sync.automate import auto_create_alerts
from zshield_tui.sync.engine import SyncEngine

START = datetime(2026, 11, 23, 9, tzinfo=UTC)   # on-call rotation start: ana, then bo

RULES = '''
[[rules]]
name = "critical to OPS"
when = { min_severity = "critical" }
then = { target = "jira-sec", project = "OPS", assign = "oncall:primary" }

[[rules]]
name = "malware to Network"
when = { category = "malware" }
then = { target = "snow-sir", group = "Network", assign = "ana.analyst" }

[oncall.primary]
members = ["ana@example.com", "bo@example.com"]
rotation = "daily"
start = 2026-11-23T09:00:00Z

[escalation]
unacknowledged_after = "30m"
new_states = ["new", "to do", "draft"]
[escalation.action]
raise_priority = true
assign = "bo@example.com"
comment = "Escalated: unacknowledged for {{ age }}"
'''


class Clock:
    """The fake clock automation reads; the simulators keep their own real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def make_engine(tmp_path, sims, monkeypatch, database):
    """engine(jira_on, snow_on) -> a SyncEngine over one store, a config with both targets
    (auto-create switched as asked; staging targets, so no staging run is needed: see
    test_staging_first.py), the rules, on-call and escalation above."""
    monkeypatch.setenv("ZSHIELD_RUNS", str(tmp_path / "runs.json"))
    store = Store(database)
    clock = Clock(START + timedelta(hours=2))      # Monday 11:00: ana is on call

    def build(jira: bool = True, snow: bool = True) -> SyncEngine:
        path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
        text = path.read_text()
        for target, on, floor in (("jira-sec", jira, "high"), ("snow-sir", snow, "medium")):
            line = f'mapping = "{target}.json"\n'
            text = text.replace(line, line + "staging = true\n"
                                f"auto_create = {{ enabled = {str(on).lower()}, "
                                             f'min_severity = "{floor}" }}\n')
        path.write_text(text + RULES)
        return SyncEngine(store, load_config(path), path, env=ENV, options=sims.options(),
                          settle=5.0, base_delay=0.01, clock=clock)

    yield build
    store.close()


def ingest(engine: SyncEngine, alerts) -> dict[str, int]:
    """What `zshield ingest` does: store, then auto-create for exactly those alerts."""
    upsert_alerts(engine.store.conn, alerts, fmt="zshield")
    return dict(auto_create_alerts(engine, [a.id for a in alerts]).queued)


def creates(engine: SyncEngine) -> dict[tuple[str, str], dict]:
    """(alert, target) -> the draft of every create op ever queued (each must be one)."""
    rows = engine.store.conn.execute(
        "SELECT alert_id, target, payload FROM outbox WHERE operation = 'create'").fetchall()
    out: dict[tuple[str, str], dict] = {}
    for alert_id, target, payload in rows:
        assert (alert_id, target) not in out, f"two creates for {alert_id} on {target}"
        out[(alert_id, target)] = json.loads(payload)["draft"]
    return out


ALERTS = [
    make_alert(1, severity=Severity.CRITICAL, category="execution"),   # rule 1: jira OPS
    make_alert(2, severity=Severity.HIGH, category="malware"),         # rule 2: snow Network
    make_alert(3, severity=Severity.HIGH, category="execution"),       # no rule: both
    make_alert(4, severity=Severity.MEDIUM, category="execution"),     # no rule: snow only
    make_alert(5, severity=Severity.LOW, category="execution"),        # below both
    make_alert(6, severity=Severity.MEDIUM, category="malware"),       # rule 2: snow
    make_alert(7, severity=Severity.CRITICAL, category="malware"),     # rule 1 first: jira
    make_alert(8, severity=Severity.INFORMATIONAL, category="malware"),  # below snow's
]


async def test_ingest_queues_one_routed_create_per_alert_and_sync_never_repeats(
        make_engine, sims):
    engine = make_engine()
    assert ingest(engine, ALERTS) == {"jira-sec": 3, "snow-sir": 4}
    drafts = creates(engine)
    assert sorted(drafts) == [
        ("ZS-000001", "jira-sec"), ("ZS-000002", "snow-sir"), ("ZS-000003", "jira-sec"),
        ("ZS-000003", "snow-sir"), ("ZS-000004", "snow-sir"), ("ZS-000006", "snow-sir"),
        ("ZS-000007", "jira-sec")]
    crit = drafts[("ZS-000001", "jira-sec")]["fields"]
    assert crit["project"] == {"key": "OPS"} and crit["assignee"] == "ana@example.com"
    assert drafts[("ZS-000003", "jira-sec")]["fields"]["project"] == {"key": "SEC"}
    malware = drafts[("ZS-000002", "snow-sir")]
    assert malware["assignment_group"] == "Network" and malware["assigned_to"] == "ana.analyst"
    assert drafts[("ZS-000004", "snow-sir")]["assignment_group"] == "Security Operations"
    trail = audit_trail(engine.store, "ZS-000001")
    assert [(e.actor, e.action, e.new_value) for e in trail] == [
        ("rule:critical to OPS", "auto_create", "jira-sec")]

    # The same file again, then two sync passes: nothing new anywhere.
    assert ingest(engine, ALERTS) == {}
    await engine.sync_once()
    await engine.sync_once()
    assert sum(engine.automation.created.queued.values()) == 0
    assert len(creates(engine)) == 7
    tickets = engine.store.conn.execute("SELECT alert_id, target FROM ticket").fetchall()
    assert sorted(tickets) == sorted(drafts)
    assert len(sims.jira.state.jira.issues) == 3
    assert len(sims.snow.state.sim.state.tables["sn_si_incident"]) == 4
    issue = repo.ticket_for(engine.store.conn, "ZS-000001", "jira-sec").key
    assert issue.startswith("OPS-")
    assert sims.jira.state.jira.issues[issue].fields["assignee"].email == "ana@example.com"
    groups = {r["name"]: r["sys_id"]
              for r in sims.snow.state.sim.state.tables["sys_user_group"].values()}
    sir = next(r for r in sims.snow.state.sim.state.tables["sn_si_incident"].values()
               if r["correlation_id"] == "ZS-000002")
    assert sir["assignment_group"] == groups["Network"]


async def test_a_failing_mapping_is_audited_not_queued_and_not_retried(make_engine, tmp_path):
    engine = make_engine()
    spaced = make_alert(9, severity=Severity.HIGH, category="lateral movement")
    assert ingest(engine, [spaced]) == {"snow-sir": 1}   # Jira refuses a label with a space
    trail = audit_trail(engine.store, spaced.id)
    failed = [e for e in trail if e.action == "auto_create_failed"]
    assert len(failed) == 1 and failed[0].new_value == "jira-sec"
    assert "contains spaces" in failed[0].detail
    assert ("ZS-000009", "jira-sec") not in creates(engine)

    assert ingest(engine, [spaced.model_copy(update={"title": "changed"})]) == {}
    await engine.sync_once()
    upsert_alerts(engine.store.conn, [make_alert(10, severity=Severity.LOW)], fmt="zshield")
    await engine.sync_once()
    again = [e for e in audit_trail(engine.store, spaced.id) if e.action.startswith("auto")]
    assert [e.action for e in again] == ["auto_create_failed", "auto_create"]
    assert ("ZS-000009", "jira-sec") not in creates(engine)


async def test_the_sync_pass_only_looks_past_its_cursor(make_engine, tmp_path):
    engine = make_engine(jira=False, snow=False)
    upsert_alerts(engine.store.conn, ALERTS[:4], fmt="zshield")
    await engine.sync_once()                  # auto-create off: the cursor follows anyway
    (tmp_path / "runs.json").write_text(json.dumps({"_auto_create": {"jira-sec": True}}))
    upsert_alerts(engine.store.conn, [ALERTS[4]], fmt="zshield")   # low: below threshold
    await engine.sync_once()
    assert creates(engine) == {}              # the history stays untouched
    upsert_alerts(engine.store.conn, [make_alert(20, severity=Severity.HIGH),
                                      make_alert(21, severity=Severity.MEDIUM)], fmt="zshield")
    await engine.sync_once()
    assert dict(engine.automation.created.queued) == {"jira-sec": 1}
    assert sorted(creates(engine)) == [("ZS-000020", "jira-sec")]
    assert repo.ticket_for(engine.store.conn, "ZS-000020", "jira-sec") is not None


async def test_a_fresh_database_with_auto_create_on_starts_at_the_newest_alert(make_engine):
    engine = make_engine()
    upsert_alerts(engine.store.conn, ALERTS, fmt="zshield")    # before any sync ran
    await engine.sync_once()
    assert creates(engine) == {}
    upsert_alerts(engine.store.conn, [make_alert(30, severity=Severity.CRITICAL)],
                  fmt="zshield")
    await engine.sync_once()
    assert sorted(creates(engine)) == [("ZS-000030", "jira-sec")]


def _jira_issue(sims, engine, alert_id):
    key = repo.ticket_for(engine.store.conn, alert_id, "jira-sec").key
    return sims.jira.state.jira.issues[key]


async def test_a_ticket_left_new_is_escalated_once_per_window(make_engine, sims):
    engine = make_engine(jira=False, snow=False)
    alert = make_alert(40, severity=Severity.MEDIUM)
    upsert_alerts(engine.store.conn, [alert], fmt="zshield")
    await engine.push([alert.id], "jira-sec")
    await engine.sync_once()                  # the poll learns when Jira made it
    row = repo.ticket_for(engine.store.conn, alert.id, "jira-sec")
    created = datetime.fromisoformat(row.remote_created_at)
    issue = _jira_issue(sims, engine, alert.id)
    assert issue.fields["priority"]["name"] == "Medium" and not engine.automation.escalated

    engine.clock.now = created + timedelta(minutes=31)
    await engine.sync_once()
    assert [d.window for d in engine.automation.escalated] == [1]
    assert issue.fields["priority"]["name"] == "High"
    assert issue.fields["assignee"].email == "bo@example.com"
    assert [c.body for c in issue.comments] == ["Escalated: unacknowledged for 31m"]

    engine.clock.now = created + timedelta(minutes=50)    # same window: nothing
    await engine.sync_once()
    assert engine.automation.escalated == [] and len(issue.comments) == 1

    engine.clock.now = created + timedelta(minutes=61)    # the next window: once more
    await engine.sync_once()
    assert [d.window for d in engine.automation.escalated] == [2]
    assert issue.fields["priority"]["name"] == "Highest"
    assert [c.body for c in issue.comments][-1] == "Escalated: unacknowledged for 1h 01m"
    escalations = [e for e in audit_trail(engine.store, alert.id) if e.action == "escalate"]
    assert [(e.actor, e.new_value) for e in escalations] == [
        ("rule:escalation", issue.key), ("rule:escalation", issue.key)]
    # Our own comments stay local notes of the escalation rule, not remote echoes.
    notes = repo.note_rows(engine.store.conn, alert.id)
    assert [(n["author"], n["origin"]) for n in notes] == [("rule:escalation", "local")] * 2


async def test_an_escalation_rerun_neither_raises_twice_nor_comments_twice(make_engine, sims):
    engine = make_engine(jira=False, snow=False)
    alert = make_alert(41, severity=Severity.MEDIUM)
    upsert_alerts(engine.store.conn, [alert], fmt="zshield")
    await engine.push([alert.id], "jira-sec")
    await engine.sync_once()
    created = datetime.fromisoformat(
        repo.ticket_for(engine.store.conn, alert.id, "jira-sec").remote_created_at)
    engine.clock.now = created + timedelta(minutes=45)
    await engine.sync_once()
    issue = _jira_issue(sims, engine, alert.id)
    assert issue.fields["priority"]["name"] == "High" and len(issue.comments) == 1

    # The answer was lost: the op runs again as a retry, its comment not yet linked.
    conn = engine.store.conn
    conn.execute("UPDATE outbox SET status = 'pending', attempts = 1 "
                 "WHERE operation = 'escalate'")
    conn.execute("DELETE FROM note_link")
    conn.execute("DELETE FROM note")
    report = await engine.drain()
    assert [r.operation for r in report.results if r.ok] == ["escalate"]
    assert issue.fields["priority"]["name"] == "High"      # the pinned value, not Highest
    assert len(issue.comments) == 1


async def test_servicenow_escalation_raises_impact_and_urgency(make_engine, sims):
    engine = make_engine(jira=False, snow=False)
    alert = make_alert(42, severity=Severity.MEDIUM)
    upsert_alerts(engine.store.conn, [alert], fmt="zshield")
    await engine.push([alert.id], "snow-sir")
    await engine.sync_once()
    row = repo.ticket_for(engine.store.conn, alert.id, "snow-sir")
    assert row.status == "Draft" and row.remote_created_at
    engine.clock.now = datetime.fromisoformat(row.remote_created_at) + timedelta(minutes=35)
    await engine.sync_once()
    assert [d.target for d in engine.automation.escalated] == ["snow-sir"]
    record = sims.snow.state.sim.state.tables["sn_si_incident"][row.remote_id]
    assert (record["impact"], record["urgency"], record["severity"]) == ("2", "2", "1")
    # bo@example.com is a Jira user only: the rest is done, the miss said on the ticket.
    assert record["assigned_to"] == ""
    row = repo.ticket_for(engine.store.conn, alert.id, "snow-sir")
    assert "'bo@example.com' not found on snow-sir" in row.error
    notes = sims.snow.state.sim.state.tables["sys_journal_field"].values()
    assert any(n["value"] == "Escalated: unacknowledged for 35m" for n in notes)


def test_the_cursor_row_cannot_be_a_target_name():
    from pydantic import ValidationError

    from zshield_tui.config import TargetConfig
    from zshield_tui.store.automation_rows import AUTO_CREATE_CURSOR

    with pytest.raises(ValidationError):
        TargetConfig.model_validate({
            "name": AUTO_CREATE_CURSOR, "kind": "jira", "url": "https://x.example",
            "deployment": "cloud", "auth": {"method": "pat", "token_env": "T"}})


async def test_an_escalation_sent_after_the_ticket_moved_on_does_nothing(make_engine, sims):
    from zshield_tui.sync.automate import queue_escalations

    engine = make_engine(jira=False, snow=False)
    alert = make_alert(43, severity=Severity.MEDIUM)
    upsert_alerts(engine.store.conn, [alert], fmt="zshield")
    await engine.push([alert.id], "jira-sec")
    await engine.sync_once()
    row = repo.ticket_for(engine.store.conn, alert.id, "jira-sec")
    engine.clock.now = datetime.fromisoformat(row.remote_created_at) + timedelta(hours=1)
    assert len(queue_escalations(engine)) == 1
    repo.update_ticket(engine.store.conn, row.id, status="In Progress")   # polled since
    report = await engine.drain()
    assert [r.detail for r in report.results] == [f"{row.key} no longer new"]
    issue = _jira_issue(sims, engine, alert.id)
    assert issue.comments == [] and issue.fields["priority"]["name"] == "Medium"


async def test_two_daemons_finding_an_escalation_due_at_once_queue_it_once(
        make_engine, sims, database, tmp_path):
    from tests.together import at_once
    from zshield_tui.sync.automate import queue_escalations

    engine = make_engine(jira=False, snow=False)
    alert = make_alert(41, severity=Severity.MEDIUM)
    upsert_alerts(engine.store.conn, [alert], fmt="zshield")
    await engine.push([alert.id], "jira-sec")
    await engine.sync_once()                  # the poll learns when Jira made it
    row = repo.ticket_for(engine.store.conn, alert.id, "jira-sec")
    engine.clock.now = datetime.fromisoformat(row.remote_created_at) + timedelta(minutes=31)

    def daemon(start) -> int:
        with Store(database) as own:
            mine = SyncEngine(own, engine.config, tmp_path / "config.toml", env=ENV,
                              clock=engine.clock)
            start.wait()
            return len(queue_escalations(mine))

    assert sorted(at_once(daemon, 3)) == [0, 0, 1]
    ops = engine.store.conn.execute("SELECT count(*) FROM outbox WHERE operation = 'escalate'")
    assert ops.fetchone()[0] == 1
