"""Bulk state changes through the ServiceNow Batch API: one result per ticket, a failing
item on its own op, a throttled batch deferred as the instance asked, and claims that grow
only over work that can be batched."""

from __future__ import annotations

from datetime import datetime

from zshield_tui.store import syncrepo as repo
from zshield_tui.sync import worker as worker_module
from zshield_tui.sync.worker import Worker

FAMILY = ["ZS-000001", "ZS-000011", "ZS-000012", "ZS-000013"]
TARGET = "snow-sir"


def _ops(store, status: str) -> set[str]:
    return {o.alert_id for o in repo.list_ops(store.conn, (status,)) if o.target == TARGET}


async def test_a_failing_item_fails_its_own_op_and_the_others_are_recorded(engine, sims, store):
    await engine.push(FAMILY, TARGET)
    gone = repo.ticket_for(store.conn, "ZS-000012", TARGET).remote_id
    sims.snow.state.sim.state.delete("sn_si_incident", gone)
    engine.queue_state("ZS-000001", "resolved", children=True)
    report = await engine.drain(settle=0)
    assert report.done == 3
    assert [(r.alert_id, r.final) for r in report.failed] == [("ZS-000012", True)]
    assert "404" in report.failed[0].detail
    for alert_id in set(FAMILY) - {"ZS-000012"}:
        ticket = repo.ticket_for(store.conn, alert_id, TARGET)
        # The parent is resolved; its children follow it closed (the cascade).
        wanted = "resolved" if alert_id == "ZS-000001" else "closed"
        assert ticket.synced_state == wanted and ticket.status == "Closed"
    assert _ops(store, "failed") == {"ZS-000012"}


async def test_a_throttled_batch_waits_as_long_as_the_instance_asked(engine, sims, store):
    await engine.push(FAMILY, TARGET)
    sims.snow.state.sim.faults.update({"throttle_next": 100, "retry_after": 7})
    engine.queue_state("ZS-000001", "resolved", children=True)
    report = await engine.drain(settle=0)
    assert report.done == 0 and not report.failed            # deferred, not given up
    assert {r.alert_id for r in report.results} == set(FAMILY)
    ops = [o for o in repo.list_ops(store.conn, ("pending",)) if o.target == TARGET]
    assert len(ops) == len(FAMILY)
    now = datetime.fromisoformat(repo.now_iso())
    for op in ops:
        due = repo.next_attempt_of(store.conn, op.id)
        assert 6 <= (datetime.fromisoformat(due) - now).total_seconds() <= 7.5
    # Once the instance lets them through, they go out and nothing is sent twice.
    sims.snow.state.sim.faults.update({"throttle_next": 0})
    store.conn.execute("UPDATE outbox SET next_attempt_at = NULL WHERE status = 'pending'")
    assert (await engine.drain(settle=0)).done == len(FAMILY)
    assert _ops(store, "done") >= set(FAMILY)


class _Batching:
    """Only what the claim asks: whether the connector batches state changes."""

    batches_state_changes = True


class _OneByOne:
    batches_state_changes = False


def _queue(store, operations: list[str]) -> None:
    for n, operation in enumerate(operations):
        repo.enqueue(store.conn, TARGET, f"ALERT-{n:04d}", operation, {"state": "resolved"})


def _first_claim(store) -> int:
    """Ops per slot of a first claim: fewer on a shared database, where other workers
    drain the same outbox."""
    return worker_module.SHARED_CLAIM_PER_SLOT if store.database.shared \
        else worker_module.CLAIM_PER_SLOT


def test_a_claim_of_batchable_changes_grows_to_fill_more_batch_calls(engine, store):
    _queue(store, ["transition"] * 200)
    worker = Worker(store, engine.targets[TARGET], _Batching(), concurrency=1)
    claimed = worker._claim()
    assert len(claimed) == worker_module.CLAIM_PER_SLOT * worker_module.BATCH_CALLS_PER_SLOT
    assert [o.id for o in claimed] == sorted(o.id for o in claimed)   # queue order kept


def test_a_claim_with_other_work_in_it_does_not_grow(engine, store):
    _queue(store, ["transition", "comment"] + ["transition"] * 100)
    assert len(Worker(store, engine.targets[TARGET], _Batching(), concurrency=1)._claim()) \
        == _first_claim(store)


def test_without_a_batch_api_a_claim_does_not_grow(engine, store):
    _queue(store, ["transition"] * 120)
    worker = Worker(store, engine.targets[TARGET], _OneByOne(), concurrency=1)
    assert len(worker._claim()) == _first_claim(store)
