"""Team mode: two analysts' TUIs on one PostgreSQL database. What one does shows in the
other within a second (LISTEN/NOTIFY, store/changes.py); a change the other makes on a
view that went stale meanwhile is refused with the first analyst's name, and the TUI
offers to reload (store/versions.py)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime

import pytest
from textual.widgets import DataTable

from tests.factories import make_alert
from tests.tui.conftest import SIZE, settle, triage_ready, wait_for
from tests.tui.test_audit_detail import pane_text
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.app import ZShieldApp
from zshield_tui.tui.screens.confirm import ConfirmScreen
from zshield_tui.tui.screens.results import ResultScreen
from zshield_tui.tui.themes import BUILTIN_DIR
from zshield_tui.tui.widgets.alert_detail import AlertDetailPane
from zshield_tui.tui.widgets.status_line import StatusLine


@pytest.fixture
def team(pg_database, tmp_path, monkeypatch):
    """One PostgreSQL database with 30 alerts; an app factory per analyst name."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Store(pg_database) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(1, 31)], fmt="zshield")

    def analyst(name: str) -> ZShieldApp:
        config = tmp_path / f"{name}.toml"
        config.write_text(f'[user]\nname = "{name}"\n', encoding="utf-8")
        return ZShieldApp(pg_database, config_file=config, theme_dirs=(BUILTIN_DIR,),
                          remember=False)

    return pg_database, analyst


async def _both(stack: AsyncExitStack, *apps: ZShieldApp) -> list:
    pilots = [await stack.enter_async_context(app.run_test(size=SIZE)) for app in apps]
    for pilot in pilots:
        await triage_ready(pilot)
    return pilots


async def _resolve_cursor_alert(pilot) -> ResultScreen:
    app = pilot.app
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen.done)
    return app.screen


def _cells(screen: ResultScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]


async def test_a_resolve_in_one_tui_shows_in_the_other(team):
    _, analyst = team
    async with AsyncExitStack() as stack:
        ana, bo = await _both(stack, analyst("ana"), analyst("bo"))
        bo_alerts = bo.app.screen.alerts
        alert_id = bo_alerts.current.id
        assert ana.app.screen.alerts.current.id == alert_id

        await _resolve_cursor_alert(ana)
        await ana.press("escape")
        pane = bo.app.screen.query_one(AlertDetailPane)
        await wait_for(bo, lambda: bo_alerts.current.state == "resolved"
                       and pane.detail is not None and pane.detail.audit,
                       timeout=5, message=lambda: bo_alerts.current)
        entry = pane.detail.audit[-1]
        assert (entry.actor, entry.action, entry.new_value) == ("ana", "state", "resolved")


async def test_new_alerts_from_anywhere_show_as_new_above(team):
    database, analyst = team
    async with AsyncExitStack() as stack:
        (bo,) = await _both(stack, analyst("bo"))
        status = bo.app.screen.query_one(StatusLine)
        alerts = bo.app.screen.alerts
        await bo.press("j", "j")
        await settle(bo)
        cursor_id = alerts.current.id
        late = datetime(2030, 1, 1, tzinfo=UTC)
        with Store(database) as other:   # as another analyst's ingest would
            upsert_alerts(other.conn, [make_alert(n, id=f"LIVE-{n}", created_at=late)
                                      for n in range(5)], fmt="zshield")
        await wait_for(bo, lambda: status.new_above == 5, timeout=5,
                       message=lambda: status.new_above)
        assert alerts.current.id == cursor_id and status.total == 35


async def test_a_stale_resolve_is_refused_with_the_first_analysts_name(team):
    database, analyst = team
    async with AsyncExitStack() as stack:
        ana, bo = await _both(stack, analyst("ana"), analyst("bo"))
        alert_id = bo.app.screen.alerts.current.id
        # Bo opens the resolve while the alert is still new; Ana resolves it meanwhile.
        await bo.press("x")
        await wait_for(bo, lambda: isinstance(bo.app.screen, ConfirmScreen))
        await _resolve_cursor_alert(ana)
        await bo.press("y")
        await wait_for(bo, lambda: isinstance(bo.app.screen, ResultScreen)
                       and bo.app.screen.done)
        cells = _cells(bo.app.screen)
        assert len(cells) == 1 and "not changed: resolved by ana just now" in cells[0]

        await bo.press("escape")   # the result closes; the reload is offered
        await wait_for(bo, lambda: isinstance(bo.app.screen, ConfirmScreen))
        question = str(bo.app.screen.question)
        assert f"{alert_id} was resolved by ana" in question and "Reload" in question
        await bo.press("y")
        await settle(bo)
        assert bo.app.screen.alerts.current.state == "resolved"
    with Store(database) as store:
        actors = store.conn.execute("SELECT actor FROM audit WHERE alert_id = ?",
                                    (alert_id,)).fetchall()
    assert [a[0] for a in actors] == ["ana"]   # Bo's resolve wrote nothing


async def test_a_offers_assign_to_me_and_the_other_sees_who_has_it(team):
    _, analyst = team
    async with AsyncExitStack() as stack:
        ana, bo = await _both(stack, analyst("ana"), analyst("bo"))
        await ana.press("a")
        await wait_for(ana, lambda: ana.app.screen.query("#assign-who"))
        assert ana.app.screen.query_one("#assign-who").value == "ana"
        await ana.press("enter")                      # as offered: to me
        await wait_for(ana, lambda: isinstance(ana.app.screen, ConfirmScreen))
        assert "to ana" in str(ana.app.screen.question)
        await ana.press("y")
        await wait_for(ana, lambda: isinstance(ana.app.screen, ResultScreen)
                       and ana.app.screen.done)
        pane = bo.app.screen.query_one(AlertDetailPane)

        def says_who() -> bool:
            return pane.detail is not None and pane.detail.alert.assigned_analyst == "ana" \
                and "ana  (assigned by ana" in pane_text(pane)

        await wait_for(bo, says_who, timeout=5, message=lambda: pane.detail)


async def test_a_bulk_resolve_refuses_only_the_alerts_changed_meanwhile(team):
    database, analyst = team
    async with AsyncExitStack() as stack:
        ana, bo = await _both(stack, analyst("ana"), analyst("bo"))
        await bo.press("space", "space", "space")     # the three newest
        await settle(bo)
        marked = sorted(bo.app.screen.alerts.marked)
        await ana.press("j")                           # Ana: the second newest
        await settle(ana)
        taken = ana.app.screen.alerts.current.id
        await bo.press("x")
        await wait_for(bo, lambda: isinstance(bo.app.screen, ConfirmScreen))
        await _resolve_cursor_alert(ana)
        await bo.press("y")
        await wait_for(bo, lambda: isinstance(bo.app.screen, ResultScreen)
                       and bo.app.screen.done)
        table = bo.app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[-1])
                for i in range(table.row_count)}
        assert rows[taken].startswith("✗ not changed: resolved by ana")
        assert [rows[i] for i in marked if i != taken] == ["✓ resolved locally"] * 2
        assert "1 changed by others since your view" in _title(bo.app.screen)
    with Store(database) as store:
        by = dict(store.conn.execute(
            "SELECT alert_id, actor FROM audit WHERE action = 'state'").fetchall())
    assert by == {taken: "ana", **{i: "bo" for i in marked if i != taken}}


def _title(screen: ResultScreen) -> str:
    from textual.widgets import Static

    return str(screen.query_one("#result-title", Static).render())
