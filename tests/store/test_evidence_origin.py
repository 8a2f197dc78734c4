"""The folder each evidence file was named from: set by whoever stores the alert (the
reader of the alert file), never by the record, and kept through schema upgrades."""

from __future__ import annotations

import sqlite3

from tests.factories import make_alert
from zshield_tui.domain import Evidence
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store.alerts import evidence_origin
from zshield_tui.store.schema import migrate

PCAP = Evidence(name="capture.pcap", path="/srv/alerts/capture.pcap")


def test_evidence_remembers_the_folder_of_the_file_it_came_from(store):
    upsert_alerts(store.conn, [make_alert(1, evidence=[PCAP])], fmt="zshield",
                  origin="/srv/alerts")
    assert evidence_origin(store.conn, "ZS-000001", PCAP.path) == "/srv/alerts"


def test_evidence_stored_without_an_origin_has_none(store):
    upsert_alerts(store.conn, [make_alert(1, evidence=[PCAP])], fmt="zshield")
    assert evidence_origin(store.conn, "ZS-000001", PCAP.path) is None
    assert evidence_origin(store.conn, "ZS-000001", "/etc/passwd") is None


def test_the_last_ingest_sets_the_origin_without_counting_as_a_change(store):
    upsert_alerts(store.conn, [make_alert(1, evidence=[PCAP])], fmt="zshield",
                  origin="/srv/alerts")
    counts = upsert_alerts(store.conn, [make_alert(1, evidence=[PCAP])], fmt="zshield")
    assert (counts.updated, counts.unchanged) == (0, 1)
    # Read from stdin this time: no folder vouches for the file any more.
    assert evidence_origin(store.conn, "ZS-000001", PCAP.path) is None
    upsert_alerts(store.conn, [make_alert(1, evidence=[PCAP])], fmt="zshield",
                  origin="/srv/other")
    assert evidence_origin(store.conn, "ZS-000001", PCAP.path) == "/srv/other"


def test_a_version_4_database_upgrades_with_no_origin_for_its_evidence(tmp_path):
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=4)
    now = "2026-11-24T10:00:00.000000Z"
    conn.execute("INSERT INTO alert (id, title, severity, created_at, ingested_at, updated_at)"
                 " VALUES ('ZS-1', 'Beacon', 3, ?, ?, ?)", (now, now, now))
    conn.execute("INSERT INTO evidence (alert_id, name, path) VALUES ('ZS-1', 'x', '/etc/x')")
    conn.close()
    with Store(path) as upgraded:
        assert evidence_origin(upgraded.conn, "ZS-1", "/etc/x") is None
        assert upgraded.conn.execute("SELECT name, path FROM evidence").fetchall() == \
            [("x", "/etc/x")]
