"""`a`: who the alerts are assigned to; enter saves, escape cancels. The field starts
with the analyst's own name (`[user] name`), selected: enter assigns to me, typing
replaces it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from zshield_tui.domain.terminal import printable


class AssignScreen(ModalScreen[str | None]):
    """Dismisses with the assignee (a user name, email or display name), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="assign.cancel")]
    DEFAULT_CSS = """
    AssignScreen { align: center middle; }
    AssignScreen > Vertical { width: 70; height: auto; border: thick $accent; padding: 0 1;
                              background: $surface; }
    """

    def __init__(self, subject: str, *, me: str = "") -> None:
        super().__init__()
        self.subject = subject  # an alert id, or "3 marked alerts"
        self.me = me

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Assign {printable(self.subject)} to  (enter saves, esc cancels)"))
            if self.me:
                yield Static(Text(f"enter: assign to me ({printable(self.me)}); "
                                  "or type another name", style="dim"), id="assign-me")
            yield Input(self.me, placeholder="user name or email, as the targets know it",
                        select_on_focus=True, id="assign-who")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#assign-who")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
