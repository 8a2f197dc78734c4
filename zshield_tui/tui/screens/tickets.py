"""View 2: every linked ticket, newest first; `o` opens one in the browser, `enter` goes
back to the alerts."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from zshield_tui.core import Core, TicketRow
from zshield_tui.domain.terminal import printable

from ..failures import report_worker_failure
from ..widgets.key_bar import KeyBar
from ..widgets.tickets_panel import sla_text


def _sla_cell(sla: dict | None) -> Text:
    return sla_text(sla) if sla else Text("")


def synced_text(at: str | None) -> Text:
    if not at:
        return Text("never", style="dim")
    try:
        return Text(f"{datetime.fromisoformat(at):%m-%d %H:%M:%S}")
    except ValueError:
        return Text(printable(at))


class TicketsScreen(Screen):
    VIEW = "tickets"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="tickets.back"),
        Binding("o", "open_ticket", "Open", id="tickets.open"),
        Binding("enter", "show_alert", "Alerts", show=False, id="tickets.alert"),
        Binding("r", "refresh", "Refresh", id="tickets.refresh"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.rows: list[TicketRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(" tickets: loading…", style="bold"), id="tickets-title")
        yield DataTable(id="tickets-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("alert", "target", "key", "parent", "status", "SLA", "CI", "synced",
                          "error")
        table.focus()
        self.action_refresh()

    @work(thread=True, group="tickets", exclusive=True, exit_on_error=False)
    def action_refresh(self) -> None:
        rows = self.core.tickets()
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[TicketRow]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for n, t in enumerate(rows):
            table.add_row(Text(printable(t.alert_id)), Text(printable(t.target)),
                          Text(printable(t.key), style="bold"),
                          Text(printable(t.remote_parent or "")), Text(printable(t.status)),
                          _sla_cell(t.sla), Text(printable(t.configuration_item or "")),
                          synced_text(t.last_synced_at),
                          Text(printable(t.error or ""), style="red"),
                          key=str(n))
        title = f" tickets: {len(rows)} linked, newest first" if rows \
            else " tickets: none linked yet (p pushes alerts)"
        self.query_one("#tickets-title", Static).update(Text(title, style="bold"))

    def current(self) -> TicketRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[table.cursor_row]

    def action_open_ticket(self) -> None:
        import webbrowser

        ticket = self.current()
        if ticket is None or not ticket.url:
            self.notify("no ticket URL to open", severity="warning")
            return
        webbrowser.open(ticket.url)
        self.notify(printable(f"opened {ticket.url}"), markup=False)

    def action_show_alert(self) -> None:
        # The list pages through SQLite in its own sort; finding a row's position there
        # costs a query per jump, so for now enter simply goes back to the alerts.
        self.app.pop_screen()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_alert()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)
