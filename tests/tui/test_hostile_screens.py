"""The TUI over the hostile corpus, checked on the bytes it writes to the terminal: the
alert list, the detail pane and its raw view, the tickets panel and views, the outbox and
the toasts."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.hostile import corpus_alerts
from tests.tui.conftest import SIZE, Inbox, settle, triage_ready, wait_for
from tests.tui.terminal_bytes import (
    REMOTE,
    assert_terminal_safe,
    capturing,
    drawn_text,
    hostile_db,
    written,
)
from zshield_tui.tui.screens.outbox import OutboxScreen
from zshield_tui.tui.screens.tickets import TicketsScreen
from zshield_tui.tui.widgets.alert_detail import AlertDetailPane
from zshield_tui.tui.widgets.alert_list import AlertList
from zshield_tui.tui.widgets.tickets_panel import TicketsPanel


async def test_list_detail_raw_view_and_tickets_panel_write_no_control_byte(
        make_app, tmp_path):
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db")))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        alerts = app.screen.query_one(AlertList)
        await wait_for(pilot, lambda: alerts.total == len(corpus_alerts())
                       and bool(app.screen.query(AlertDetailPane)))
        pane = app.screen.query_one(AlertDetailPane)
        for raw in (False, True):
            if raw:
                await pilot.press("r")
            await pilot.press("g")
            for _ in range(alerts.total):
                current = alerts.current
                await wait_for(pilot, lambda c=current: pane.detail is not None
                               and pane.detail.alert.id == c.id)
                await pilot.pause()
                if raw:  # the raw record is at the bottom of the pane
                    pane.scroll_end(animate=False)
                    await pilot.pause()
                assert_terminal_safe()
                await pilot.press("j")
        panel = app.screen.query_one(TicketsPanel)
        assert panel.tickets, "the tickets panel showed no ticket: the test proves nothing"
    shown = written()
    assert "title:\\x1b]52;c;" in shown            # the list and detail drew the titles
    assert '"raw:\\u001b]52;c;' in shown          # the raw view drew the record as JSON
    assert "remote:\\x1b]52;c;" in shown           # the tickets panel drew remote text
    assert "登录失败 サーバー 🔥🚨" in shown         # readable text stays readable
    assert "[bold red]x[/]" in shown               # markup stays literal


async def test_tickets_and_outbox_views_write_no_control_byte(make_app, tmp_path):
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db")))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await triage_ready(pilot)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == len(corpus_alerts()))
        for _ in range(table.row_count):
            await pilot.press("down")
        await pilot.pause()
        assert_terminal_safe()
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, OutboxScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == len(corpus_alerts()))
        for _ in range(table.row_count):
            await pilot.press("down")
        await pilot.pause()
        assert_terminal_safe()
    assert written().count("remote:\\x1b]52;c;") >= 2


async def test_a_failed_worker_notifies_its_error_escaped(make_app, tmp_path):
    app, inbox = capturing(make_app(db=hostile_db(tmp_path / "hostile.db"))), Inbox()

    async def fails() -> None:
        raise ValueError(REMOTE.replace("remote:", "worker:"))

    async with app.run_test(size=SIZE, headless=False, notifications=True,
                            message_hook=inbox) as pilot:
        await triage_ready(pilot)
        app.screen.query_one(AlertList).run_worker(fails(), name="hostile",
                                                   exit_on_error=False)
        await wait_for(pilot, lambda: any("worker:" in n for n in inbox.notifications()))
        await settle(pilot)  # the toast is drawn
        assert_terminal_safe()
    # The toast fades in, so its line is written a cell or two at a time.
    assert "worker:\\x1b]52;c;" in drawn_text()
