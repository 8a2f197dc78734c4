"""The `/` filter: an input, and the reason when what was typed is not a valid filter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

PLACEHOLDER = ("/ filter: words, sev:>=high src:wazuh cat:malware state:new tech:T1059 "
               "asset:web-01 ioc:203.0.113.7")


class FilterBar(Vertical):
    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(message or "")
        error.display = bool(message)
