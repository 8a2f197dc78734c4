"""`c`, `x` and `a` act on the marked alerts: each asks first with the count of alerts and
of their tickets per target, then shows progress and a result per ticket."""

from __future__ import annotations

from textual.widgets import DataTable, Input, TextArea

from tests.tui.conftest import SIZE, settle, triage_ready, wait_for
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.alerts import child_ids
from zshield_tui.tui.screens.confirm import ConfirmScreen
from zshield_tui.tui.screens.push import PushScreen
from zshield_tui.tui.screens.results import ResultScreen


async def mark_and_push(pilot, count: int) -> list[str]:
    """Marks the first `count` alerts and pushes them to jira-sec; returns their ids."""
    app = pilot.app
    await triage_ready(pilot)
    await pilot.press(*["space"] * count)
    ids = sorted(app.screen.alerts.marked)
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
    await pilot.press("enter")          # jira-sec
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_for(pilot, lambda: app.screen.pushed)
    await pilot.press("escape")
    return ids


async def confirm_and_finish(pilot) -> tuple[str, ResultScreen]:
    """Says yes to the confirmation; returns its question and the finished result screen."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    question = app.screen.question
    await pilot.press("y")
    await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen.done)
    return question, app.screen


def issues_of(jira, keys: set[str]) -> list:
    return [i for i in jira.state.jira.issues.values() if i.key in keys]


def keys_of(path, ids: list[str]) -> set[str]:
    with Store(path) as store:
        return {repo.ticket_for(store.conn, a, "jira-sec").key for a in ids}


async def test_x_on_three_marked_alerts_resolves_them_and_moves_their_tickets(
        make_app, sims, tmp_path):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        ids = await mark_and_push(pilot, 3)
        with Store(tmp_path / "alerts.db") as store:
            children = {c for a in ids for c in child_ids(store.conn, a)} - set(ids)
        await pilot.press("x")
        question, result = await confirm_and_finish(pilot)
        kids = f" (+{len(children)} children)" if len(children) > 1 else \
            " (+1 child)" if children else ""
        assert question == f"Resolve 3 alerts{kids}: 3 tickets on jira-sec?"
        rows = [result.query_one(DataTable).get_row_at(n)
                for n in range(result.query_one(DataTable).row_count)]
        ticket_rows = [r for r in rows if r[1].plain == "jira-sec"]
        assert len(ticket_rows) == 3 and all(r[3].plain.startswith("✓") for r in ticket_rows)
        await pilot.press("escape")
        assert not isinstance(app.screen, ResultScreen)
    keys = keys_of(tmp_path / "alerts.db", ids)
    assert {i.status for i in issues_of(jira, keys)} == {"Done"}
    with Store(tmp_path / "alerts.db") as store:
        assert {repo.alert_state(store.conn, a) for a in [*ids, *children]} == {"resolved"}


async def test_a_assigns_the_marked_alerts_and_their_tickets(make_app, sims, tmp_path):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        ids = await mark_and_push(pilot, 2)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.query(Input))
        app.screen.query_one(Input).value = "ana@example.com"
        await pilot.press("enter")
        question, result = await confirm_and_finish(pilot)
        assert question == "Assign 2 alerts to ana@example.com: 2 tickets on jira-sec?"
        assert result.query_one(DataTable).row_count == 2
    keys = keys_of(tmp_path / "alerts.db", ids)
    assert {i.fields["assignee"].email for i in issues_of(jira, keys)} == {"ana@example.com"}
    with Store(tmp_path / "alerts.db") as store:
        for alert_id in ids:
            row = store.conn.execute("SELECT assigned_analyst FROM alert WHERE id = ?",
                                     (alert_id,)).fetchone()
            assert row[0] == "ana@example.com"


async def test_c_on_marked_alerts_adds_the_note_to_each(make_app, sims, tmp_path):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        ids = await mark_and_push(pilot, 2)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.query(TextArea))
        app.screen.query_one(TextArea).insert("Contained [bold]both[/] hosts")
        await pilot.press("ctrl+s")
        question, _ = await confirm_and_finish(pilot)
        assert question == "Add the note to 2 alerts: 2 tickets on jira-sec?"
    for issue in issues_of(jira, keys_of(tmp_path / "alerts.db", ids)):
        assert any("Contained [bold]both[/] hosts" in str(c.body) for c in issue.comments)
    with Store(tmp_path / "alerts.db") as store:
        for alert_id in ids:
            [note] = repo.note_rows(store.conn, alert_id)
            assert note["sync_state"] == "synced"


async def test_the_bulk_confirmation_defaults_to_no(make_app, sims, tmp_path):
    config, _ = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("space", "space", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.startswith("Resolve 2 alerts")
        assert app.screen.question.endswith("no linked tickets, only the local alerts change?")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await settle(pilot)
        assert not isinstance(app.screen, ResultScreen)
    with Store(tmp_path / "alerts.db") as store:
        assert "resolved" not in {r[0] for r in store.conn.execute(
            "SELECT new_value FROM audit WHERE action = 'state'")}
