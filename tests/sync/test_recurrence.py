"""Recurring alerts on both simulators: one ticket per group_by key and window, the
recurrences counted on it in a comment, and what a done ticket does per when_closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_alert
from zshield_tui.config import load_config
from zshield_tui.connectors.errors import UnavailableError
from zshield_tui.domain import Asset
from zshield_tui.store import AlertQuery, get_alert, parse_filter, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import iso
from zshield_tui.sync import recurrence
from zshield_tui.sync.automate import auto_create_alerts
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.targets import make_connector

from .conftest import ENV, write_config

TARGETS = ["jira-sec", "snow-sir"]
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def grouping_engine(tmp_path, sims, store, *extra: str, **settings: str) -> SyncEngine:
    """The suite's engine with `group_by` (source, title, first host), `settings` and the
    `extra` lines on both targets."""
    path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
    lines = ['group_by = "{{alert.source}}:{{alert.title}}:{{alert.assets[0].hostname}}"',
             *(f'{name} = "{value}"' for name, value in settings.items()), *extra]
    text = path.read_text(encoding="utf-8")
    for mapping in ('mapping = "jira-sec.json"', 'mapping = "snow-sir.json"'):
        text = text.replace(mapping, "\n".join([mapping, *lines]))
    path.write_text(text, encoding="utf-8")
    return SyncEngine(store, load_config(path), path, env=ENV, options=sims.options(),
                      settle=5.0, base_delay=0.01)


def fire(store, first: int, count: int, *, start: datetime = START, title: str = "Beacon",
         step: timedelta = timedelta(minutes=1)) -> list[str]:
    """`count` alerts of one kind (same source, title and host), a minute apart."""
    host = [Asset(hostname="web-01", ip="10.0.0.5", owner="platform")]
    alerts = [make_alert(n, title=title, source="EDR", assets=host, created_at=start + step * i)
              for i, n in enumerate(range(first, first + count))]
    upsert_alerts(store.conn, alerts, fmt="zshield")
    return [a.id for a in alerts]


def remote_tickets(sims, target: str) -> int:
    if target == "jira-sec":
        return len(sims.jira.state.jira.issues)
    return len(sims.snow.state.sim.state.tables.get("sn_si_incident", {}))


async def remote_comments(engine: SyncEngine, key: str, target: str) -> list[str]:
    async with make_connector(engine.target(target), ENV) as connector:
        return [c.body for c in await connector.comments(key)
                if c.body.startswith("recurred")]


async def remote_ticket(engine: SyncEngine, key: str, target: str):
    async with make_connector(engine.target(target), ENV) as connector:
        return connector.is_done(ticket := await connector.get(key)), ticket


def shown_ticket(store, alert_id: str) -> str | None:
    """What the alert list shows in the ticket column for the alert."""
    rows = AlertQuery(store.conn, parse_filter("")).page(0, 500)
    return next(r.ticket for r in rows if r.id == alert_id)


@pytest.mark.parametrize("target", TARGETS)
async def test_thirty_recurrences_make_one_ticket_and_one_comment(tmp_path, sims, store,
                                                                  target):
    engine = grouping_engine(tmp_path, sims, store)
    ids = fire(store, 100, 31)
    _, report = await engine.push(ids, target)
    assert not report.failed, report.failed
    assert remote_tickets(sims, target) == 1
    key = repo.ticket_for(store.conn, ids[0], target).key
    assert await remote_comments(engine, key, target) == \
        ["recurred: 30 times, last 2026-12-01 10:30 UTC"]
    # Every recurrence is linked to the one ticket: the list shows its key.
    assert all(shown_ticket(store, i).startswith(key) for i in ids)
    # The comment is ours: polling never brings it back as a remote note.
    await engine.poll([target])
    notes = repo.note_rows(store.conn, ids[0])
    assert [n["origin"] for n in notes if n["body"].startswith("recurred")] == ["local"]
    assert engine.pending() == []


@pytest.mark.parametrize("target", TARGETS)
async def test_each_recurrence_is_counted_once_across_batches_and_re_pushes(
        tmp_path, sims, store, target):
    engine = grouping_engine(tmp_path, sims, store)
    ids = fire(store, 100, 11)
    await engine.push(ids[:1], target)
    for batch in (ids[1:4], ids[4:11], ids[4:11]):   # the last batch pushed twice
        plan, _ = await engine.push(batch, target)
    key = repo.ticket_for(store.conn, ids[0], target).key
    assert plan.linked == dict.fromkeys(ids[4:11], key)
    assert await remote_comments(engine, key, target) == [
        "recurred: 3 times, last 2026-12-01 10:03 UTC",
        "recurred: 10 times, last 2026-12-01 10:10 UTC"]
    assert remote_tickets(sims, target) == 1


def lose_the_first_record(monkeypatch, error: Exception) -> list[bool]:
    """The comment goes out; the commit that records it fails once with `error`."""
    original = recurrence._record
    lost: list[bool] = []

    def crash_once(*args, **kwargs):
        if not lost:
            lost.append(True)
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(recurrence, "_record", crash_once)
    return lost


@pytest.mark.parametrize("target", TARGETS)
async def test_after_a_crash_the_posted_comment_is_found_not_posted_again(
        tmp_path, sims, store, target, monkeypatch):
    engine = grouping_engine(tmp_path, sims, store)
    ids = fire(store, 100, 5)
    lost = lose_the_first_record(monkeypatch, RuntimeError("killed before the commit"))
    _, report = await engine.push(ids, target)
    assert lost and [r.operation for r in report.failed] == ["recur"]
    # The next process: nothing in memory, a connector that has handed out nothing.
    monkeypatch.setattr(recurrence, "_SENT", {})
    [op] = engine.pending()
    assert repo.retry(store.conn, op.id)
    await engine.drain([target])
    assert engine.pending() == []
    key = repo.ticket_for(store.conn, ids[0], target).key
    assert await remote_comments(engine, key, target) == \
        ["recurred: 4 times, last 2026-12-01 10:04 UTC"]


@pytest.mark.parametrize("target", TARGETS)
async def test_a_retry_in_the_same_drain_does_not_post_the_comment_again(
        tmp_path, sims, store, target, monkeypatch):
    engine = grouping_engine(tmp_path, sims, store)
    ids = fire(store, 100, 5)
    lost = lose_the_first_record(monkeypatch, UnavailableError("database busy"))
    _, report = await engine.push(ids, target)
    assert lost and not report.failed and engine.pending() == []
    key = repo.ticket_for(store.conn, ids[0], target).key
    assert await remote_comments(engine, key, target) == \
        ["recurred: 4 times, last 2026-12-01 10:04 UTC"]


@pytest.mark.parametrize("target", TARGETS)
async def test_an_alert_past_the_window_starts_a_new_ticket(tmp_path, sims, store, target):
    engine = grouping_engine(tmp_path, sims, store, group_window="1h")
    early = fire(store, 100, 3)
    late = fire(store, 200, 2, start=START + timedelta(hours=2))
    other = fire(store, 300, 1, title="Something else")
    await engine.push(early + late + other, target)
    assert remote_tickets(sims, target) == 3
    assert shown_ticket(store, late[1]).split()[0] == \
        repo.ticket_for(store.conn, late[0], target).key


@pytest.mark.parametrize("target", TARGETS)
async def test_auto_create_groups_too_and_decides_each_alert_once(tmp_path, sims, store,
                                                                  target):
    engine = grouping_engine(
        tmp_path, sims, store, 'auto_create = { enabled = true, min_severity = "low" }',
        "staging = true")   # a staging target: auto-create without a staging run of its own
    ids = fire(store, 100, 6)
    alerts = [i for i in ids if get_alert(store.conn, i).severity.rank >= 1]
    first = auto_create_alerts(engine, alerts)
    again = auto_create_alerts(engine, alerts)   # the same alerts ingested again
    assert first.queued[target] == len(alerts) and again.queued.total() == 0
    await engine.drain([target])
    assert remote_tickets(sims, target) == 1
    key = repo.ticket_for(store.conn, alerts[0], target).key
    assert await remote_comments(engine, key, target) == \
        [recurrence.recurrence_text(len(alerts) - 1, iso(get_alert(
            store.conn, alerts[-1]).created_at))]


async def test_without_group_by_every_alert_gets_its_own_ticket(engine, sims, store):
    ids = fire(store, 100, 3)
    await engine.push(ids, "jira-sec")
    assert remote_tickets(sims, "jira-sec") == 3


async def close_first_ticket(engine, store, target: str, first: str) -> str:
    engine.queue_state(first, "resolved")
    report = await engine.drain([target])
    assert not report.failed, report.failed
    key = repo.ticket_for(store.conn, first, target).key
    assert (await remote_ticket(engine, key, target))[0], "the ticket should be done"
    return key


@pytest.mark.parametrize("target", TARGETS)
async def test_when_closed_reopen_moves_the_ticket_back_through_the_workflow(
        tmp_path, sims, store, target):
    engine = grouping_engine(tmp_path, sims, store, when_closed="reopen")
    ids = fire(store, 100, 4)
    await engine.push(ids[:2], target)
    key = await close_first_ticket(engine, store, target, ids[0])
    _, report = await engine.push(ids[2:], target)
    assert not report.failed, report.failed
    done, ticket = await remote_ticket(engine, key, target)
    assert not done and ticket.status == ("To Do" if target == "jira-sec" else "Analysis")
    assert await remote_comments(engine, key, target) == [
        "recurred: once, last 2026-12-01 10:01 UTC",
        "recurred: 3 times, last 2026-12-01 10:03 UTC"]
    assert remote_tickets(sims, target) == 1
    assert repo.ticket_for(store.conn, ids[0], target).status == ticket.status


@pytest.mark.parametrize("target", TARGETS)
async def test_when_closed_comment_leaves_the_ticket_done(tmp_path, sims, store, target):
    engine = grouping_engine(tmp_path, sims, store, when_closed="comment")
    ids = fire(store, 100, 3)
    await engine.push(ids[:1], target)
    key = await close_first_ticket(engine, store, target, ids[0])
    await engine.push(ids[1:], target)
    assert (await remote_ticket(engine, key, target))[0]
    assert await remote_comments(engine, key, target) == \
        ["recurred: 2 times, last 2026-12-01 10:02 UTC"]
    assert remote_tickets(sims, target) == 1


@pytest.mark.parametrize("target", TARGETS)
async def test_when_closed_new_starts_a_ticket_that_later_recurrences_join(
        tmp_path, sims, store, target):
    engine = grouping_engine(tmp_path, sims, store, when_closed="new")
    ids = fire(store, 100, 6)
    await engine.push(ids[:2], target)
    old = await close_first_ticket(engine, store, target, ids[0])
    _, report = await engine.push(ids[2:5], target)
    assert not report.failed, report.failed
    assert remote_tickets(sims, target) == 2
    new = repo.ticket_for(store.conn, ids[2], target).key
    assert new != old
    assert await remote_comments(engine, old, target) == \
        ["recurred: once, last 2026-12-01 10:01 UTC"]
    assert await remote_comments(engine, new, target) == \
        ["recurred: 2 times, last 2026-12-01 10:04 UTC"]
    await engine.push(ids[5:], target)   # joins the new ticket's group
    assert remote_tickets(sims, target) == 2
    assert [shown_ticket(store, i).split()[0] for i in ids] == [old, old] + [new] * 4
    assert (await remote_ticket(engine, old, target))[0], "the done ticket is left alone"


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("policy", ["reopen", "comment", "new"])
async def test_a_re_push_of_an_alert_whose_ticket_is_done_follows_when_closed(
        tmp_path, sims, store, target, policy):
    engine = grouping_engine(tmp_path, sims, store, when_closed=policy)
    [alert_id] = fire(store, 100, 1)
    await engine.push([alert_id], target)
    key = await close_first_ticket(engine, store, target, alert_id)
    plan, report = await engine.push([alert_id], target)
    assert plan.linked == {alert_id: key} and not report.failed, report.failed
    done, ticket = await remote_ticket(engine, key, target)
    assert done == (policy != "reopen")
    async with make_connector(engine.target(target), ENV) as connector:
        pushed_again = [c.body for c in await connector.comments(key)
                        if c.body.startswith("pushed again")]
    assert pushed_again == ([f"pushed again while {ticket.status}"] if policy == "comment"
                            else [])
    assert remote_tickets(sims, target) == 1
    await engine.push([alert_id], target)   # pushed again while open (or left alone): no-op
    assert remote_tickets(sims, target) == 1 and engine.pending() == []
