"""The daemon's heartbeat and automation's reads on both databases: what every `zshield
run` and open TUI of a team asks of the one shared database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import make_alert
from zshield_tui.domain import Severity
from zshield_tui.store import daemon, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.automation_rows import (
    add_audit,
    alerts_after,
    auto_create_cursor,
    existing_for,
    last_escalations,
    routing_rows,
    set_auto_create_cursor,
    unacknowledged_tickets,
)

START = datetime(2026, 11, 24, tzinfo=UTC)


def test_a_beating_daemon_is_alive_until_it_stops(any_store):
    assert daemon.alive(any_store.conn) is None
    daemon.beat(any_store.conn, "soc-1:42")
    daemon.beat(any_store.conn, "soc-1:42")
    assert daemon.alive(any_store.conn) == "soc-1:42"
    daemon.stopped(any_store.conn, "someone-else:1")
    assert daemon.alive(any_store.conn) == "soc-1:42"
    daemon.stopped(any_store.conn, "soc-1:42")
    assert daemon.alive(any_store.conn) is None


def test_automation_reads_what_exists_for_an_alert_and_where_it_left_off(any_store):
    conn = any_store.conn
    upsert_alerts(conn, [make_alert(n, severity=Severity.HIGH if n % 2 else Severity.LOW)
                       for n in range(1, 7)], fmt="zshield")
    repo.save_ticket(conn, "ZS-000001", "jira-sec", key="SEC-1", remote_id="1", url="",
                     status="Open", synced_state="new", remote_created_at="2026-11-24T00:00Z")
    repo.enqueue(conn, "snow-sir", "ZS-000001", "create", {"draft": {}})
    add_audit(conn, "ZS-000001", at=START, actor="rule:x", action="auto_create_failed",
              new_value="other", detail=None)
    for hour in (1, 2):
        add_audit(conn, "ZS-000001", at=START + timedelta(hours=hour), actor="rule:x",
                  action="escalate", new_value="SEC-1", detail=None)

    assert sorted(existing_for(conn, "ZS-000001")) == [
        ("jira-sec", "ticket", "create", ""), ("other", "audit", "create", "failed"),
        ("snow-sir", "outbox", "create", "pending")]
    assert last_escalations(conn) == {("ZS-000001", "SEC-1"): "2026-11-24T02:00:00.000000Z"}
    assert [r[0] for r in unacknowledged_tickets(conn, ["OPEN"])] == ["ZS-000001"]
    assert [r[0] for r in routing_rows(conn, START + timedelta(minutes=2),
                                       START + timedelta(minutes=4))] == ["ZS-000002",
                                                                          "ZS-000003"]
    high = Severity.HIGH.rank
    assert [i for _, i in alerts_after(conn, 0, high, limit=2)] == ["ZS-000001", "ZS-000003"]
    assert auto_create_cursor(conn) is None
    set_auto_create_cursor(conn, 5)
    set_auto_create_cursor(conn, 6)
    assert auto_create_cursor(conn) == 6
