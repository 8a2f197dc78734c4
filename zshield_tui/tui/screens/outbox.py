"""View 3: the outbox. Changes not yet sent, failures with their error; retry or cancel."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from zshield_tui.core import Core
from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted

from ..failures import report_worker_failure
from ..widgets.key_bar import KeyBar


class OutboxScreen(Screen):
    VIEW = "outbox"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="outbox.back"),
        Binding("t", "retry", "Retry", id="outbox.retry"),
        Binding("d", "cancel", "Cancel op", id="outbox.cancel"),
        Binding("r", "refresh", "Refresh", id="outbox.refresh"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core

    def compose(self) -> ComposeResult:
        yield Static(Text(" outbox: changes waiting to be sent", style="bold"), id="outbox-title")
        yield DataTable(id="outbox-table", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "target", "alert", "operation", "status", "tries", "error")
        self.action_refresh()

    @work(thread=True, group="outbox", exclusive=True, exit_on_error=False)
    def action_refresh(self) -> None:
        ops = self.core.outbox()
        self.app.call_from_thread(self._show, ops)

    def _show(self, ops) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for op in ops:
            table.add_row(*(Text(printable(str(v))) for v in (
                op.id, op.target, op.alert_id, op.operation, op.status, op.attempts,
                op.last_error or "")), key=str(op.id))
        title = f" outbox: {counted(len(ops), 'change')} waiting" if ops else " outbox: empty"
        self.query_one("#outbox-title", Static).update(Text(title, style="bold"))

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(str(key.value))

    @work(thread=True, group="outbox-change", exit_on_error=False)
    def action_retry(self) -> None:
        op_id = self.app.call_from_thread(self._current)
        if op_id is not None:
            self.core.retry(op_id)
            self.core.sync_once(settle=0.0)
        self.app.call_from_thread(self.action_refresh)

    @work(thread=True, group="outbox-change", exit_on_error=False)
    def action_cancel(self) -> None:
        op_id = self.app.call_from_thread(self._current)
        if op_id is not None:
            self.core.cancel(op_id)
        self.app.call_from_thread(self.action_refresh)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)
