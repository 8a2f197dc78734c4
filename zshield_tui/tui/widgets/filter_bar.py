"""The `/` filter: an input, and the reason when what was typed is not a valid filter.

The first frame shows the placeholder as plain text; the Input (its CSS, cursor and
bindings cost ~10 ms of the first paint) replaces it one frame later, or at once on `/`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

PLACEHOLDER = ("/ filter: words, sev:>=high src:wazuh cat:malware state:new tech:T1059 "
               "asset:web-01 ioc:203.0.113.7")


class FilterBar(Vertical):
    def compose(self) -> ComposeResult:
        yield Static(PLACEHOLDER, id="filter-placeholder", markup=False)
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.mount_input()

    def mount_input(self) -> Input:
        """The filter input, in place of the placeholder from now on."""
        found = self.query("#filter-input")
        if found:
            return found.first(Input)
        field = Input(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
        self.query_one("#filter-placeholder").remove()
        self.mount(field, before=0)
        return field

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(message or "")
        error.display = bool(message)
