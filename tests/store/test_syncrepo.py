"""The outbox and the sync rows on both databases: claims that never hand one op to two
workers, leases, the per-alert order across PostgreSQL workers, and the writes that must
stay idempotent (note links, attachments)."""

from __future__ import annotations

import threading

from tests.factories import make_alert
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.attachments import attachments_of, record_attachment


def _queue(store: Store, alerts: int, per_alert: int = 1) -> list[int]:
    upsert_alerts(store.conn, [make_alert(n) for n in range(1, alerts + 1)], fmt="zshield")
    with repo.transaction(store.conn) as conn:
        return [repo.enqueue(conn, "t", f"ZS-{n:06d}", "comment", {"note_id": n, "body": "x"})
                for _ in range(per_alert) for n in range(1, alerts + 1)]


def test_enqueue_returns_each_new_ops_id(any_store):
    ids = _queue(any_store, 3)
    assert len(set(ids)) == 3 and all(i > 0 for i in ids)
    assert [op.id for op in repo.list_ops(any_store.conn)] == sorted(ids)


def test_workers_claiming_at_once_get_disjoint_ops_and_all_of_them(any_store):
    ids = _queue(any_store, 200)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            with Store(any_store.database) as own:
                mine = taken.setdefault(name, [])
                while ops := repo.claim(own.conn, "t", name, limit=7, lease=60):
                    mine += [op.id for op in ops]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"host:{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    every = [i for mine in taken.values() for i in mine]
    assert sorted(every) == sorted(ids)              # none lost, none claimed twice
    owners = dict(any_store.conn.execute("SELECT id, claimed_by FROM outbox").fetchall())
    assert all(owners[i] == name for name, mine in taken.items() for i in mine)


def test_a_claim_returns_ops_oldest_first_as_they_were_before_it(any_store):
    ids = _queue(any_store, 5)
    ops = repo.claim(any_store.conn, "t", "a:1", limit=10, lease=60)
    assert [op.id for op in ops] == sorted(ids)
    assert {op.status for op in ops} == {"pending"}
    assert {op.status for op in repo.list_ops(any_store.conn)} == {"running"}


def test_a_live_lease_is_kept_and_an_expired_one_is_taken_over(any_store):
    held, lapsed = _queue(any_store, 2)

    def claim(owner: str, **kwargs) -> list[int]:
        return [op.id for op in repo.claim(any_store.conn, "t", owner, limit=10, **kwargs)]

    assert [op.id for op in repo.claim(any_store.conn, "t", "a:1", limit=1, lease=60)] \
        == [held]
    assert claim("b:1", lease=-1) == [lapsed]
    assert claim("c:1", lease=60) == [lapsed]       # b's lease ran out
    assert claim("d:1", lease=60) == []             # a's and c's have not
    assert claim("e:1", lease=60, dead_owners=frozenset({"a:1"})) == [held]


def test_an_alerts_later_op_waits_while_another_worker_holds_its_earlier_one(pg_database):
    """PostgreSQL, where many workers share the outbox (on SQLite a handler that finds no
    ticket yet waits instead)."""
    with Store(pg_database) as store:
        first, second = _queue(store, 1, per_alert=2)

        def claim(owner: str, limit: int = 10) -> list[int]:
            return [op.id for op in repo.claim(store.conn, "t", owner, limit=limit,
                                               lease=60)]

        assert claim("a:1", limit=1) == [first]
        assert claim("b:1") == []
        assert claim("a:1") == [second]     # the holder may: its group runs in order
        repo.release(store.conn, [second])
        repo.complete(store.conn, first)
        assert claim("b:1") == [second]     # once the earlier op is done, anyone may


def test_a_notes_open_comment_ops_are_found_by_its_id_in_the_payload(any_store):
    ids = _queue(any_store, 3)
    assert repo.note_still_sending(any_store.conn, 2)
    repo.complete(any_store.conn, ids[1])
    assert not repo.note_still_sending(any_store.conn, 2)
    assert repo.note_still_sending(any_store.conn, 3)


def test_counts_per_target_say_waiting_failed_and_the_newest_error(any_store):
    ids = _queue(any_store, 3)
    repo.give_up(any_store.conn, ids[0], "refused")
    counts = repo.target_counts(any_store.conn)["t"]
    assert (counts.pending, counts.failed, counts.last_error) == (2, 1, "refused")


def test_note_links_and_attachments_keep_their_first_record(any_store):
    upsert_alerts(any_store.conn, [make_alert(1)], fmt="zshield")
    note = repo.add_note(any_store.conn, "ZS-000001", "seen", author="bo", origin="local",
                         sync_state="pending")
    assert note > 0
    repo.link_note(any_store.conn, note, "t", "c-1")
    repo.link_note(any_store.conn, note, "t", "c-1")
    assert repo.known_remote_ids(any_store.conn, "t") == {"c-1"}
    record_attachment(any_store.conn, "ZS-000001", "t", "a.pcap", remote_id="r1", size=3)
    record_attachment(any_store.conn, "ZS-000001", "t", "a.pcap", remote_id="r2", size=4)
    [row] = attachments_of(any_store.conn, "ZS-000001")
    assert (row["remote_id"], row["size"]) == ("r1", 3)
