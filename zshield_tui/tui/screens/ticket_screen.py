"""The screen base for ticket work: push, note, resolve with children, assign, open in the
browser, and the background sync that keeps the status line current.

A screen that shows alerts derives from TicketScreen and says which alerts the keys act
on (`selected_ids`, `has_marks`), which tickets `o` opens (`ticket_urls`) and what to
refresh afterwards (`after_ticket_work`). Every remote call runs in a thread worker
through the app's Core and reports back by message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted

if TYPE_CHECKING:  # the core loads the store layer: not before the first frame
    from zshield_tui.core import Core, Scope, TargetStatus
    from zshield_tui.store.versions import StaleChange

    from ..app import ZShieldApp
    from .bulk import Action

SYNC_INTERVAL = 30.0  # s between background passes while targets are configured


def status_text(statuses: list[TargetStatus]) -> str:
    """`jira-sec ✓  snow-sir ⟳ 3  x ✗ 1: error` for the status line; a production
    target whose auto-create waits for a staging run says so."""
    parts = []
    for s in statuses:
        part = s.name + (f" ⟳ {s.pending}" if s.pending else "") + \
            (f" ✗ {s.failed}" if s.failed else "")
        if not s.pending and not s.failed:
            part += " ✓"
        if s.last_error:  # the remote system's words, or an error quoting alert text
            part += f": {printable(s.last_error)[:40]}"
        if s.paused:      # the reason is on the rules screen (4) and in `rules show`
            part += " ⏸ auto-create paused until staged"
        parts.append(part)
    return "  ".join(parts)


class SyncStatus(Message):
    """A background pass ended: the targets' state for the status line."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


def alerts_phrase(n: int, *, marked: bool = False) -> str:
    """`1 alert`, `3 marked alerts`."""
    return counted(n, "marked alert" if marked else "alert")


class TicketScreen(Screen):
    """A screen of alerts whose tickets the analyst works on."""

    BINDINGS = [
        Binding("p", "push", "Push", id="ticket.push"),
        Binding("c", "note", "Note", show=False, id="ticket.note"),
        Binding("x", "close_alert", "Close+children", show=False, id="ticket.close"),
        Binding("a", "assign", "Assign", show=False, id="ticket.assign"),
        Binding("o", "open_ticket", "Open", show=False, id="ticket.open"),
    ]

    # -- what a subclass says -----------------------------------------------------------
    def selected_ids(self) -> list[str]:
        """The alerts the keys act on: the marked ones, else the one under the cursor.
        None here: a screen that shows alerts says which."""
        return []

    def has_marks(self) -> bool:
        """Whether the selection is a set of marked alerts (actions then ask first)."""
        return False

    def selected_versions(self) -> dict[str, int] | None:
        """Each selected alert's version as the screen shows it: a change carries it, and
        is refused if another analyst changed the alert since (store/versions.py). None:
        the screen shows no versions, and changes act on the current ones."""
        return None

    def reload_view(self) -> None:
        """Read what the screen shows again (after a change was refused as stale)."""
        self.after_ticket_work()

    def ticket_urls(self) -> list[str]:
        """The linked tickets' URLs of the alert under the cursor, for `o`."""
        return []

    def after_ticket_work(self) -> None:
        """Something changed alerts or tickets: show it."""

    def show_sync_status(self, text: str) -> None:
        """The background pass's summary of the targets."""

    # -- the core and the background pass ------------------------------------------------
    @property
    def core(self) -> Core:
        return cast("ZShieldApp", self.app).core

    def start_background_sync(self) -> None:
        """Called once the alerts are on screen: a pass now, then every SYNC_INTERVAL."""
        self._background_sync()
        self.set_interval(SYNC_INTERVAL, self._background_sync)

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def _background_sync(self) -> None:
        if not self.core.target_names():
            return
        try:
            self.core.sync_once(settle=0.0)
        finally:
            self.post_message(SyncStatus(status_text(self.core.status())))

    def on_sync_status(self, message: SyncStatus) -> None:
        if message.text:
            self.show_sync_status(message.text)

    def _changed(self, *_: object) -> None:
        self.after_ticket_work()
        self._background_sync()

    def _subject(self, ids: list[str]) -> str:
        return ids[0] if len(ids) == 1 and not self.has_marks() \
            else alerts_phrase(len(ids), marked=True)

    # -- actions -------------------------------------------------------------------------
    def action_push(self) -> None:
        """Push the marked alerts, or the one under the cursor."""
        from .push import PushScreen

        if ids := self.selected_ids():
            self.app.push_screen(PushScreen(self.core, ids), self._changed)

    def action_note(self) -> None:
        """A note on the marked alerts (asks first), or on the cursor alert (at once)."""
        from .bulk import NOTE
        from .note import NoteScreen

        ids = self.selected_ids()
        if not ids:
            return
        bulk = self.has_marks()

        def saved(text: str | None) -> None:
            if text and bulk:
                self._scope_then_confirm(NOTE, ids, text, versions)
            elif text:
                self._send_note(ids[0], text, versions)

        versions = self.selected_versions()
        self.app.push_screen(NoteScreen(self._subject(ids)), saved)

    @work(thread=True, group="note", exit_on_error=False)
    def _send_note(self, alert_id: str, text: str, versions: dict[str, int] | None) -> None:
        result = self.core.add_note([alert_id], text, versions=versions)
        if result.refused:
            self.app.call_from_thread(self._offer_reload, result.refused, "note not added")
            return
        sent = result.sent
        where = ", ".join(sent.targets) or "no linked ticket yet"
        left = len(sent.still_queued)
        msg = f"note added to {printable(alert_id)} ({where})" + \
            (f"; {left} queued" if left else "")
        self.app.call_from_thread(self.notify, msg, markup=False)
        self.app.call_from_thread(self._changed)

    def action_close_alert(self) -> None:
        """Resolve the marked alerts (or the cursor one) and their children; their
        tickets follow."""
        from .bulk import CLOSE

        if ids := self.selected_ids():
            self._scope_then_confirm(CLOSE, ids, "", self.selected_versions())

    def action_assign(self) -> None:
        """Assign the marked alerts (or the cursor one) and their linked tickets."""
        from .assign import AssignScreen
        from .bulk import ASSIGN

        ids = self.selected_ids()
        if not ids:
            return
        versions = self.selected_versions()

        def chosen(who: str | None) -> None:
            if who:
                self._scope_then_confirm(ASSIGN, ids, who, versions)

        self.app.push_screen(AssignScreen(self._subject(ids), me=self.core.actor), chosen)

    @work(thread=True, group="scope", exclusive=True, exit_on_error=False)
    def _scope_then_confirm(self, action: Action, ids: list[str], arg: str = "",
                            versions: dict[str, int] | None = None) -> None:
        # Counting the tickets reads the database: not on the event loop.
        scope = self.core.scope(ids, children=action.children)
        self.app.call_from_thread(self._confirm, action, scope, arg, versions)

    def _confirm(self, action: Action, scope: Scope, arg: str,
                 versions: dict[str, int] | None = None) -> None:
        from .confirm import ConfirmScreen
        from .results import ResultScreen

        refused: list[StaleChange] = []

        def finished(done: bool | None) -> None:
            self._changed()
            if refused:
                self._offer_reload(refused, "not changed")

        def answered(yes: bool | None) -> None:
            if yes:
                job = action.job(self.core, scope, arg, versions, refused)
                self.app.push_screen(ResultScreen(action.doing, len(scope.tickets), job),
                                     finished)

        self.app.push_screen(ConfirmScreen(action.question(scope, arg)), answered)

    def _offer_reload(self, refused: list[StaleChange], outcome: str) -> None:
        """Another analyst changed these alerts after this view: say who and what, and
        offer to show it."""
        from .confirm import ConfirmScreen

        first = refused[0]
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        question = (f"{first.alert_id} was {first.describe()}, after your view{more}: "
                    f"{outcome}. Reload the view?")

        def answered(yes: bool | None) -> None:
            if yes:
                self.reload_view()

        self.app.push_screen(ConfirmScreen(question), answered)   # which makes it printable

    def action_open_ticket(self) -> None:
        """Opens the first linked ticket of the cursor alert in the browser."""
        import webbrowser

        urls = self.ticket_urls()
        if not urls:
            self.notify("no linked ticket to open", severity="warning")
            return
        if not urls[0].lower().startswith(("https://", "http://")):
            # The URL is the remote's word: a file: or custom-scheme link is not followed.
            self.notify(printable(f"not opened: {urls[0]} is not a web address"),
                        severity="warning", markup=False)
            return
        webbrowser.open(urls[0])
        self.notify(printable(f"opened {urls[0]}"), markup=False)
