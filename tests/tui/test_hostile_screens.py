"""The TUI over the hostile corpus, checked on the bytes it writes to the terminal.

The app runs with a driver that keeps what Textual writes (the headless driver throws
it away), so the check sees what a real terminal would: Textual's own cursor moves and
colours, and nothing that alert or remote text put there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import DataTable

from tests.hostile import corpus_alerts, unsafe_characters
from tests.tui.conftest import SIZE, wait_for
from zshield_tui.domain import Alert
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.tui.screens.outbox import OutboxScreen
from zshield_tui.tui.screens.tickets import TicketsScreen
from zshield_tui.tui.widgets.alert_detail import AlertDetailPane
from zshield_tui.tui.widgets.alert_list import AlertList
from zshield_tui.tui.widgets.tickets_panel import TicketsPanel

REMOTE = "remote:\x1b]52;c;cm0=\x07 \x1b[2J \x9b2J \u202eevil\u202c zw\u200b sep\u2028 [/foo]"
# What Textual itself writes: colours, cursor placement, mode switches, the pointer shape.
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H|\x1b\[\?\d+[hl]|\x1b\]22;[a-z-]*\x07")


class TerminalBytes(HeadlessDriver):
    """The headless driver, but Textual renders for it and it keeps what it is sent."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        type(self).written.append(data)


@pytest.fixture
def terminal():
    TerminalBytes.written = []
    return TerminalBytes


def hostile_db(path: Path) -> Path:
    """The corpus, each alert with a ticket and a failed op whose remote text is hostile,
    and a note from the remote side."""
    alerts = [Alert.model_validate(a) for a in corpus_alerts()]
    with Store(path) as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")
        for n, alert in enumerate(alerts):
            repo.save_ticket(store.conn, alert.id, "jira-sec", key=f"SEC-{n}{REMOTE}",
                             remote_id=str(n), url=f"https://jira.example/{REMOTE}",
                             status=REMOTE, synced_state="new")
            ticket = repo.ticket_for(store.conn, alert.id, "jira-sec")
            repo.update_ticket(store.conn, ticket["id"], configuration_item=REMOTE,
                               error=REMOTE, sla='{"percentage": 50, "time_left": 600}')
            op = repo.enqueue(store.conn, "jira-sec", alert.id, "comment", {"body": REMOTE})
            repo.give_up(store.conn, op, REMOTE)
            repo.add_note(store.conn, alert.id, REMOTE, author=REMOTE, origin="remote",
                          sync_state=None)
        store.conn.commit()
    return path


def written() -> str:
    return "".join(TerminalBytes.written)


def assert_terminal_safe() -> None:
    assert unsafe_characters(written(), allow="\n", own=TEXTUAL_OWN) == []


async def test_list_detail_raw_view_and_tickets_panel_write_no_control_byte(
        make_app, tmp_path, terminal):
    app = make_app(db=hostile_db(tmp_path / "hostile.db"))
    app.driver_class = terminal
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


async def test_tickets_and_outbox_views_write_no_control_byte(make_app, tmp_path, terminal):
    app = make_app(db=hostile_db(tmp_path / "hostile.db"))
    app.driver_class = terminal
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.pause()
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


async def test_a_failed_worker_notifies_its_error_escaped(make_app, tmp_path, terminal):
    app = make_app(db=hostile_db(tmp_path / "hostile.db"))
    app.driver_class = terminal

    async def fails() -> None:
        raise ValueError(REMOTE.replace("remote:", "worker:"))

    async with app.run_test(size=SIZE, headless=False, notifications=True) as pilot:
        alerts = app.screen.query_one(AlertList)
        await wait_for(pilot, lambda: alerts.total > 0)
        alerts.run_worker(fails(), name="hostile", exit_on_error=False)
        await wait_for(pilot, lambda: "worker:" in written())  # the toast is drawn
        await pilot.pause()
        assert_terminal_safe()
    assert "worker:\\x1b]52;c;" in written()
