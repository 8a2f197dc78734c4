"""Ticket work on the triage screen: push, note, close with children, assign, open in
the browser, and the background sync that keeps the status line current.

A mixin so that triage.py stays about the list; every remote call runs in a thread
worker through Core and reports back by message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.message import Message

from zshield_tui.domain.terminal import printable

from ..widgets.status_line import StatusLine

if TYPE_CHECKING:  # the core loads the store layer: not before the first frame
    from zshield_tui.core import Core, Scope, TargetStatus

    from .bulk import Action

SYNC_INTERVAL = 30.0  # s between background passes while targets are configured

TICKET_BINDINGS = [
    Binding("p", "push", "Push", id="ticket.push"),
    Binding("c", "note", "Note", show=False, id="ticket.note"),
    Binding("x", "close_alert", "Close+children", show=False, id="ticket.close"),
    Binding("a", "assign", "Assign", show=False, id="ticket.assign"),
    Binding("o", "open_ticket", "Open", show=False, id="ticket.open"),
]


def status_text(statuses: list[TargetStatus]) -> str:
    """`jira-sec ✓  snow-sir ⟳ 3  x ✗ 1: error` for the status line."""
    parts = []
    for s in statuses:
        part = s.name + (f" ⟳ {s.pending}" if s.pending else "") + \
            (f" ✗ {s.failed}" if s.failed else "")
        if not s.pending and not s.failed:
            part += " ✓"
        if s.last_error:  # the remote system's words, or an error quoting alert text
            part += f": {printable(s.last_error)[:40]}"
        parts.append(part)
    return "  ".join(parts)


class TicketActions:
    """Mixed into TriageScreen (which provides alerts, notify, app, workers)."""

    class _SyncStatus(Message):
        def __init__(self, text: str | None) -> None:
            self.text = text
            super().__init__()

    @property
    def core(self) -> Core:
        return self.app.core  # type: ignore[attr-defined]

    def start_background_sync(self) -> None:
        """Called once the list is on screen: a pass now, then every SYNC_INTERVAL."""
        self._background_sync()
        self.set_interval(SYNC_INTERVAL, self._background_sync)  # type: ignore[attr-defined]

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def _background_sync(self) -> None:
        if not self.core.target_names():
            return
        try:
            self.core.sync_once(settle=0.0)
        finally:
            self.post_message(self._SyncStatus(status_text(self.core.status())))  # type: ignore

    def on_ticket_actions__sync_status(self, message: _SyncStatus) -> None:
        if message.text:
            self.query_one(StatusLine).targets = message.text  # type: ignore[attr-defined]
            self.alerts.refresh_rows()  # type: ignore[attr-defined]  # remote moves show

    def _selected(self) -> list[str]:
        alerts = self.alerts  # type: ignore[attr-defined]
        if alerts.marked:
            return sorted(alerts.marked)
        return [alerts.current.id] if alerts.current is not None else []

    def _refresh_detail(self, *_: object) -> None:
        from ..widgets.alert_list import AlertList

        self.post_message(AlertList.CursorMoved(self.alerts.current))  # type: ignore
        self.alerts.refresh_rows()  # type: ignore[attr-defined]
        self._background_sync()

    # -- actions -----------------------------------------------------------------------------
    def action_push(self) -> None:
        """Push the marked alerts, or the one under the cursor."""
        from .push import PushScreen

        ids = self._selected()
        if ids:
            self.app.push_screen(PushScreen(self.core, ids), self._refresh_detail)  # type: ignore

    def _subject(self, ids: list[str]) -> str:
        return ids[0] if len(ids) == 1 and not self.alerts.marked \
            else f"{len(ids)} marked alert(s)"  # type: ignore[attr-defined]

    def action_note(self) -> None:
        """A note on the marked alerts (asks first), or on the cursor alert (at once)."""
        from .bulk import NOTE
        from .note import NoteScreen

        ids = self._selected()
        if not ids:
            return
        bulk = bool(self.alerts.marked)  # type: ignore[attr-defined]

        def saved(text: str | None) -> None:
            if text and bulk:
                self._scope_then_confirm(NOTE, ids, text)
            elif text:
                self._send_note(ids[0], text)

        self.app.push_screen(NoteScreen(self._subject(ids)), saved)  # type: ignore

    @work(thread=True, group="note", exit_on_error=False)
    def _send_note(self, alert_id: str, text: str) -> None:
        sent = self.core.add_note([alert_id], text).sent
        targets, left = sent.targets, len(sent.still_queued)
        where = ", ".join(targets) or "no linked ticket yet"
        msg = f"note added to {alert_id} ({where})" + (f"; {left} queued" if left else "")
        self.app.call_from_thread(self.notify, msg, markup=False)  # type: ignore
        self.app.call_from_thread(self._refresh_detail)  # type: ignore[attr-defined]

    def action_close_alert(self) -> None:
        """Resolve the marked alerts (or the cursor one) and their children; their
        tickets follow."""
        from .bulk import CLOSE

        if ids := self._selected():
            self._scope_then_confirm(CLOSE, ids)

    def action_assign(self) -> None:
        """Assign the marked alerts (or the cursor one) and their linked tickets."""
        from .assign import AssignScreen
        from .bulk import ASSIGN

        ids = self._selected()
        if not ids:
            return

        def chosen(who: str | None) -> None:
            if who:
                self._scope_then_confirm(ASSIGN, ids, who)

        self.app.push_screen(AssignScreen(self._subject(ids)), chosen)  # type: ignore

    @work(thread=True, group="scope", exclusive=True, exit_on_error=False)
    def _scope_then_confirm(self, action: Action, ids: list[str], arg: str = "") -> None:
        # Counting the tickets reads the database: not on the event loop.
        scope = self.core.scope(ids, children=action.children)
        self.app.call_from_thread(self._confirm, action, scope, arg)  # type: ignore

    def _confirm(self, action: Action, scope: Scope, arg: str) -> None:
        from .bulk import ASSIGN, job, question
        from .confirm import ConfirmScreen
        from .results import ResultScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(  # type: ignore[attr-defined]
                    ResultScreen(action.doing, len(scope.tickets),
                                 job(action, self.core, scope, arg)),
                    self._refresh_detail)

        suffix = f" to {arg}" if action is ASSIGN else ""
        self.app.push_screen(ConfirmScreen(question(action, scope, suffix)),  # type: ignore
                             answered)

    def action_open_ticket(self) -> None:
        """Opens the first linked ticket of the cursor alert in the browser."""
        import webbrowser

        from ..widgets.tickets_panel import TicketsPanel

        panel = self.query(TicketsPanel)  # type: ignore[attr-defined]
        tickets = panel.first().tickets if panel else []
        urls = [t.url for t in tickets if t.url]
        if not urls:
            self.notify("no linked ticket to open", severity="warning")  # type: ignore
            return
        webbrowser.open(urls[0])
        self.notify(printable(f"opened {urls[0]}"), markup=False)  # type: ignore
