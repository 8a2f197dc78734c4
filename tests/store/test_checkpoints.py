"""Follow checkpoints: stored beside the alerts they cover, in the same transaction (the
plain reads and writes on both databases)."""

import sqlite3

import pytest

from tests.factories import make_alert
from zshield_tui.domain import Evidence
from zshield_tui.store import SCHEMA_VERSION, Store, upsert_alerts
from zshield_tui.store.checkpoints import (
    Checkpoint,
    delete_checkpoints,
    load_checkpoints,
    save_checkpoints,
    transaction,
)
from zshield_tui.store.schema import migrate

_EVIDENCE = Evidence(name="capture.pcap", path="/evidence/capture.pcap")


def _point(inode=11, offset=120, path="/var/log/eve.json"):
    return Checkpoint(device=1, inode=inode, path=path, offset=offset, line=3, first_line="ab" * 8,
                      format="suricata")


def test_a_checkpoint_is_stored_and_read_back_by_device_and_inode(any_store):
    with transaction(any_store.conn):
        save_checkpoints(any_store.conn, [_point()])
    assert load_checkpoints(any_store.conn) == {(1, 11): _point()}


def test_saving_again_moves_the_offset_forward_in_place(any_store):
    with transaction(any_store.conn):
        save_checkpoints(any_store.conn, [_point(offset=10)])
    with transaction(any_store.conn):
        save_checkpoints(any_store.conn, [_point(offset=99, path="/var/log/eve.json.1")])
    assert load_checkpoints(any_store.conn) == {(1, 11): _point(offset=99,
                                                            path="/var/log/eve.json.1")}


def test_a_finished_file_s_checkpoint_is_deleted(any_store):
    with transaction(any_store.conn):
        save_checkpoints(any_store.conn, [_point(inode=1), _point(inode=2)])
    with transaction(any_store.conn):
        delete_checkpoints(any_store.conn, [(1, 1)])
    assert list(load_checkpoints(any_store.conn)) == [(1, 2)]


def test_alerts_and_checkpoint_commit_together_or_not_at_all(store):
    with pytest.raises(RuntimeError), transaction(store.conn):
        upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        save_checkpoints(store.conn, [_point()])
        raise RuntimeError("killed between the upsert and the commit")
    assert store.conn.execute("SELECT count(*) FROM alert").fetchone()[0] == 0
    assert load_checkpoints(store.conn) == {}

    with transaction(store.conn):
        counts = upsert_alerts(store.conn, [make_alert(1), make_alert(2)], fmt="zshield")
        save_checkpoints(store.conn, [_point()])
    assert counts.inserted == 2
    assert store.conn.execute("SELECT count(*) FROM alert").fetchone()[0] == 2
    assert load_checkpoints(store.conn) == {(1, 11): _point()}


def test_a_failed_upsert_inside_the_transaction_leaves_the_outer_one_usable(store):
    with transaction(store.conn):
        upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
        with pytest.raises(sqlite3.Error):
            upsert_alerts(store.conn, [make_alert(2, evidence=[_EVIDENCE])], fmt="zshield",
                          origin=object())  # not a value SQLite can bind
        save_checkpoints(store.conn, [_point()])
    ids = [r[0] for r in store.conn.execute("SELECT id FROM alert ORDER BY id")]
    assert ids == ["ZS-000001"]


def test_a_version_6_database_gains_the_checkpoint_table(tmp_path):
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.close()
    with Store(path) as upgraded:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        with transaction(upgraded.conn):
            save_checkpoints(upgraded.conn, [_point()])
        assert load_checkpoints(upgraded.conn) == {(1, 11): _point()}
