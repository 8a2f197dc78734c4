"""Writing and reading whole alerts: each test on SQLite and on PostgreSQL (`any_store`)."""

from tests.factories import make_alert
from zshield_tui.domain import AlertState, Evidence
from zshield_tui.store import get_alert, upsert_alerts
from zshield_tui.store.records import audit_trail
from zshield_tui.store.syncrepo import write_state


def test_alert_round_trips_through_the_store(any_store):
    store = any_store
    original = make_alert(1, tags=["mitre:T1059"], playbook=["Isolate web-01", "Collect memory"],
                          evidence=[Evidence(name="capture.pcap", path="/tmp/capture.pcap")],
                          raw={"rule": {"id": 5715}})
    upsert_alerts(store.conn, [original], fmt="zshield")
    assert get_alert(store.conn, original.id) == original


def test_ingesting_the_same_alerts_twice_never_duplicates(any_store):
    store = any_store
    alerts = [make_alert(n) for n in range(10)]
    first = upsert_alerts(store.conn, alerts, fmt="zshield")
    second = upsert_alerts(store.conn, alerts, fmt="zshield")
    assert (first.inserted, first.updated, first.unchanged) == (10, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 10)
    assert store.conn.execute("SELECT count(*) FROM alert").fetchone()[0] == 10


def test_a_native_record_changed_anywhere_counts_as_updated(any_store):
    """Native records carry no `raw` of their own: a new title, severity or evidence file
    must still count, and move updated_at (what runs after an ingest looks at it)."""
    store = any_store
    upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
    before = store.conn.execute("SELECT updated_at FROM alert").fetchone()[0]
    assert upsert_alerts(store.conn, [make_alert(1, title="Renamed")], fmt="zshield").updated == 1
    with_file = make_alert(1, title="Renamed",
                           evidence=[Evidence(name="dns.log", path="/tmp/dns.log")])
    assert upsert_alerts(store.conn, [with_file], fmt="zshield").updated == 1
    assert upsert_alerts(store.conn, [with_file], fmt="zshield").unchanged == 1
    after = store.conn.execute("SELECT updated_at FROM alert").fetchone()[0]
    assert after > before and get_alert(store.conn, "ZS-000001").evidence == with_file.evidence
    # The source record dropped the file: so does the store.
    assert upsert_alerts(store.conn, [make_alert(1, title="Renamed")],
                         fmt="zshield").updated == 1
    assert get_alert(store.conn, "ZS-000001").evidence == []


def test_a_changed_record_updates_in_place_and_keeps_the_analysts_state(any_store):
    store = any_store
    upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
    assert write_state(store.conn, "ZS-000001", AlertState.ACKNOWLEDGED, "ana")
    counts = upsert_alerts(store.conn, [make_alert(1, title="Renamed", raw={"v": 2})],
                           fmt="zshield")
    stored = get_alert(store.conn, "ZS-000001")
    assert counts.updated == 1
    assert stored.title == "Renamed"
    assert stored.state is AlertState.ACKNOWLEDGED


def test_duplicate_ids_within_one_batch_keep_the_last_record(any_store):
    store = any_store
    counts = upsert_alerts(store.conn, [make_alert(1), make_alert(1, title="Later")],
                           fmt="zshield")
    assert counts.inserted == 1
    assert get_alert(store.conn, "ZS-000001").title == "Later"


def test_state_changes_are_written_to_the_audit_trail(any_store):
    store = any_store
    upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
    write_state(store.conn, "ZS-000001", AlertState.IN_PROGRESS, "ana@yourorg.com")
    assert not write_state(store.conn, "ZS-000001", AlertState.IN_PROGRESS, "ana@yourorg.com")
    [entry] = audit_trail(store, "ZS-000001")
    assert (entry.actor, entry.action, entry.old_value, entry.new_value) == (
        "ana@yourorg.com", "state", "new", "in_progress")


def test_updates_keep_free_text_search_in_step(any_store):
    store = any_store
    from zshield_tui.store import AlertQuery, parse_filter

    upsert_alerts(store.conn, [make_alert(1, title="Mimikatz on dc-01")], fmt="zshield")
    upsert_alerts(store.conn, [make_alert(1, title="Cobalt beacon", raw={"v": 2})], fmt="zshield")

    def ids(text):
        return [r.id for r in AlertQuery(store.conn, parse_filter(text)).page(0, 10)]

    assert ids("mimikatz") == []
    assert ids("cobalt") == ["ZS-000001"]


def test_batches_inside_a_callers_transaction_commit_or_roll_back_together(any_store,
                                                                          monkeypatch):
    """`ingest --follow` writes several batches, then its checkpoints, then one COMMIT."""
    from zshield_tui.store.checkpoints import begin, commit, rollback

    monkeypatch.setattr("zshield_tui.store.alerts.BATCH", 4)
    conn = any_store.conn
    begin(conn)
    upsert_alerts(conn, [make_alert(n) for n in range(10)], fmt="zshield")
    rollback(conn)
    assert conn.execute("SELECT count(*) FROM alert").fetchone()[0] == 0
    begin(conn)
    first = upsert_alerts(conn, [make_alert(n) for n in range(10)], fmt="zshield")
    again = upsert_alerts(conn, [make_alert(n, title="New") for n in range(5, 12)],
                          fmt="zshield")
    commit(conn)
    assert (first.inserted, first.updated, first.unchanged) == (10, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (2, 5, 0)
    assert conn.execute("SELECT count(*) FROM alert").fetchone()[0] == 12


def test_a_re_ingest_keeps_the_assignment_and_counts_an_unchanged_record(any_store):
    store = any_store
    upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
    store.conn.execute("UPDATE alert SET assigned_analyst = 'bo' WHERE id = 'ZS-000001'")
    counts = upsert_alerts(store.conn, [make_alert(1, assigned_analyst="eve", raw={"v": 3}),
                                        make_alert(2), make_alert(3)], fmt="zshield")
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 1)
    assert get_alert(store.conn, "ZS-000001").assigned_analyst == "bo"


def test_a_nul_character_in_any_field_fails_nothing(any_store):
    """PostgreSQL's text cannot hold NUL: there it becomes U+FFFD, and the rest of the
    batch is stored either way."""
    from zshield_tui.domain import Asset

    store = any_store
    hostile = make_alert(1, title="nul\x00here", tags=["a\x00b"], raw={"k": "v\x00"},
                         assets=[Asset(hostname="h\x00st")],
                         evidence=[Evidence(name="n\x00", path="/tmp/p\x00")])
    counts = upsert_alerts(store.conn, [hostile, make_alert(2)], fmt="zshield")
    assert counts.inserted == 2
    stored = get_alert(store.conn, "ZS-000001")
    nul = "\ufffd" if store.database.shared else "\x00"
    assert stored.title == f"nul{nul}here" and stored.raw == {"k": "v\x00"}
    assert stored.tags == ["a\x00b"] and stored.evidence[0].name == f"n{nul}"
