"""No silent overwrite: each alert's version, and a change made on an older one refused
with who changed it and what they did (store/versions.py), on both databases."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_alert
from zshield_tui.core import Core
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import transaction
from zshield_tui.store.versions import StaleChange, ago, check_version, current_versions

ID = "ZS-000001"


@pytest.fixture
def seeded(database):
    with Store(database) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in (1, 2, 3)], fmt="zshield")
    return database


def _version(database, alert_id: str = ID) -> int:
    with Store(database) as store:
        return current_versions(store.conn, [alert_id])[alert_id]


def test_each_change_to_an_alert_moves_its_version(seeded):
    assert _version(seeded) == 0
    with Store(seeded) as store, transaction(store.conn) as conn:
        repo.write_state(conn, ID, "resolved", "bo")
    assert _version(seeded) == 1
    with Store(seeded) as store, transaction(store.conn) as conn:
        repo.write_assignee(conn, ID, "carol", "bo")
        repo.add_note(conn, ID, "looked", author="bo", origin="local", sync_state="local")
    assert _version(seeded) == 3
    with Store(seeded) as store, transaction(store.conn) as conn:
        assert not repo.write_state(conn, ID, "resolved", "bo")   # no change, no move
    assert _version(seeded) == 3
    assert _version(seeded, "ZS-000002") == 0


def test_a_change_on_an_older_version_names_who_and_what(seeded):
    with Store(seeded) as store, transaction(store.conn) as conn:
        repo.write_state(conn, ID, "resolved", "bo")
    with Store(seeded) as store:
        with pytest.raises(StaleChange) as caught, transaction(store.conn) as conn:
            check_version(conn, ID, 0)
        check_version(store.conn, ID, 1)   # the current version goes through
        check_version(store.conn, ID, None)   # no view: the current one
    stale = caught.value
    assert (stale.alert_id, stale.seen, stale.current, stale.actor) == (ID, 0, 1, "bo")
    assert stale.describe().startswith("resolved by bo ")
    assert stale.describe().endswith("just now")


def test_the_newest_of_a_note_and_an_audit_row_is_what_is_told(seeded):
    with Store(seeded) as store, transaction(store.conn) as conn:
        repo.write_assignee(conn, ID, "carol", "bo")
    with Store(seeded) as store:
        with pytest.raises(StaleChange) as assigned:
            check_version(store.conn, ID, 0)
        with transaction(store.conn) as conn:
            repo.add_note(conn, ID, "not a false positive", author="dee", origin="local",
                          sync_state="local")
        with pytest.raises(StaleChange) as noted:
            check_version(store.conn, ID, 1)
    assert assigned.value.describe().startswith("assigned to carol by bo")
    assert noted.value.describe().startswith("added a note by dee")


def test_core_refuses_stale_alerts_one_by_one_and_changes_the_rest(seeded, tmp_path):
    ana = Core(tmp_path / "none.toml", seeded, actor="ana")
    bo = Core(tmp_path / "none.toml", seeded, actor="bo")
    seen = {"ZS-000001": 0, "ZS-000002": 0, "ZS-000003": 0}
    assert ana.resolve([ID], children=False, versions={ID: 0}, settle=0).resolved == [ID]

    done = bo.assign(list(seen), "bo", versions=seen, settle=0)
    assert done.assigned == ["ZS-000002", "ZS-000003"]
    assert [(r.alert_id, r.actor) for r in done.refused] == [(ID, "ana")]
    assert done.refused[0].describe().startswith("resolved by ana")
    note = bo.add_note([ID], "mine", versions={ID: 0}, settle=0)
    assert note.alert_ids == [] and note.refused[0].actor == "ana"
    with Store(seeded) as store:
        alert = store.conn.execute("SELECT state, assigned_analyst FROM alert WHERE id = ?",
                                   (ID,)).fetchone()
        notes = store.conn.execute("SELECT count(*) FROM note").fetchone()[0]
    assert tuple(alert) == ("resolved", None) and notes == 0   # ana's work stands

    # The CLI acts on the current version: no view to have gone stale.
    assert bo.assign([ID], "bo", settle=0).assigned == [ID]
    assert bo.resolve(["ZS-000002"], children=False, versions={"ZS-000002": 1},
                      settle=0).resolved == ["ZS-000002"]   # bo's own assign was seen


def test_the_actor_comes_from_the_config_and_else_the_login(seeded, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[user]\nname = "dee"\n', encoding="utf-8")
    assert Core(config, seeded).actor == "dee"
    monkeypatch.setattr("getpass.getuser", lambda: "eve")
    assert Core(tmp_path / "none.toml", seeded).actor == "eve"
    Core(config, seeded).resolve([ID], children=False, settle=0)
    with Store(seeded) as store:
        actor = store.conn.execute("SELECT actor FROM audit WHERE alert_id = ?",
                                   (ID,)).fetchone()[0]
    assert actor == "dee"


def test_two_analysts_on_one_version_at_once_the_second_is_refused(pg_database):
    """The check locks the row: the second waits for the first to commit, then finds
    the version moved on, instead of both passing the check."""
    with Store(pg_database) as store:
        upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
    first, second = Store(pg_database), Store(pg_database)
    outcome: list[object] = []
    try:
        first.conn.execute("BEGIN")
        check_version(first.conn, ID, 0)
        repo.write_state(first.conn, ID, "resolved", "ana")

        def other() -> None:
            try:
                with transaction(second.conn) as conn:
                    check_version(conn, ID, 0)
                    repo.write_state(conn, ID, "in_progress", "bo")
                outcome.append("changed")
            except StaleChange as stale:
                outcome.append(stale)

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        assert outcome == []   # waiting on ana's row lock
        first.conn.execute("COMMIT")
        thread.join(5)
    finally:
        first.close()
        second.close()
    assert len(outcome) == 1 and isinstance(outcome[0], StaleChange)
    assert outcome[0].actor == "ana"
    assert _version(pg_database) == 1


def test_ago_says_it_as_people_do():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=20), now) == "just now"
    assert ago(now - timedelta(minutes=2, seconds=5), now) == "2 min ago"
    assert ago(now - timedelta(hours=3), now) == "3 h ago"
    assert ago(now - timedelta(days=1, hours=1), now) == "1 day ago"
