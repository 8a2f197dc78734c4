"""`c`: a multi-line investigation note; ctrl+s saves, escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from zshield_tui.domain.terminal import printable


class NoteScreen(ModalScreen[str | None]):
    """Dismisses with the note's text, or None when cancelled or empty."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]
    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical { width: 90; height: 20; border: thick $accent; padding: 0 1;
                            background: $surface; }
    NoteScreen TextArea { height: 1fr; }
    """

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject  # an alert id, or "3 marked alerts"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Note on {printable(self.subject)}  (ctrl+s save, esc cancel)"))
            yield TextArea(id="note-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
