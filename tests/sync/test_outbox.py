"""Failures stay visible with their error; an analyst can retry or cancel them."""

from __future__ import annotations

import json

from zshield_tui.store import syncrepo as repo


async def test_a_refused_push_stays_failed_with_its_error_until_retried(engine, sims, store):
    # A project that does not exist: a refusal no retry can fix.
    plan = engine.plan_push(["ZS-000002"], "jira-sec")
    plan.drafts["ZS-000002"]["fields"]["project"] = {"key": "NOPE"}
    engine.queue_push(plan)
    report = await engine.drain()
    assert len(report.failed) == 1
    [op] = engine.pending()
    assert op.status == "failed" and "valid project is required" in op.last_error
    counts = repo.target_counts(store.conn)["jira-sec"]
    assert counts.failed == 1 and counts.last_error == op.last_error

    op.payload["draft"]["fields"]["project"] = {"key": "SEC"}
    store.conn.execute("UPDATE outbox SET payload = ? WHERE id = ?",
                       (json.dumps(op.payload), op.id))
    assert repo.retry(store.conn, op.id)
    report = await engine.drain()
    assert [r.operation for r in report.results if r.ok].count("create") == 1
    assert engine.pending() == []


async def test_cancelling_a_queued_note_marks_it_failed(engine, store):
    await engine.push(["ZS-000002"], "snow-sir")
    engine.queue_comment("ZS-000002", "never mind")
    [op] = engine.pending()
    assert repo.cancel(store.conn, op.id)
    await engine.drain()
    assert engine.pending() == []
    [note] = repo.note_rows(store.conn, "ZS-000002")
    assert note["sync_state"] == "failed"


async def test_a_crashed_workers_claim_is_taken_over(engine, store):
    plan = engine.plan_push(["ZS-000002"], "snow-sir")
    engine.queue_push(plan)
    [op] = repo.claim(store.conn, "snow-sir", "elsewhere:1", limit=5, lease=-1)
    assert op.status == "pending"   # as read, before the claim
    report = await engine.drain()   # the lease has run out: taken over
    assert [r.operation for r in report.results if r.ok].count("create") == 1
    assert engine.pending() == []
