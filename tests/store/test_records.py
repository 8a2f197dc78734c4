"""The ORM paths (a ticket's details, the audit trail, automation's audit rows) on both
databases."""

from __future__ import annotations

from tests.factories import make_alert
from zshield_tui.automation.audit import record_action
from zshield_tui.store import syncrepo as repo
from zshield_tui.store import upsert_alerts
from zshield_tui.store.records import audit_trail, linked_tickets


def test_linked_tickets_and_the_audit_trail_read_back_through_the_orm(any_store):
    upsert_alerts(any_store.conn, [make_alert(1)], fmt="zshield")
    repo.save_ticket(any_store.conn, "ZS-000001", "jira-sec", key="SEC-1", remote_id="10001",
                     url="http://127.0.0.1/browse/SEC-1", status="Open", synced_state="new")
    with repo.transaction(any_store.conn) as conn:
        repo.write_state(conn, "ZS-000001", "resolved", "bo")
        record_action(conn, "ZS-000001", "auto_assign", rule="night shift", new_value="ana")
    record_action(any_store, "ZS-000001", "escalate", rule=None, new_value="SEC-1")

    [ticket] = linked_tickets(any_store, "ZS-000001")
    assert (ticket.key, ticket.status, ticket.target) == ("SEC-1", "Open", "jira-sec")
    trail = [(e.actor, e.action, e.old_value, e.new_value)
             for e in audit_trail(any_store, "ZS-000001")]
    assert trail == [("bo", "state", "new", "resolved"),
                     ("rule:night shift", "auto_assign", None, "ana"),
                     ("automation", "escalate", None, "SEC-1")]
