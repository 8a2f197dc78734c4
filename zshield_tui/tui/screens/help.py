"""`?`: the keys that work where the analyst is, and the filter grammar."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

FILTER_HELP = [
    ("words", "title, description, assets, IOCs, tags (prefix match)"),
    ("sev:>=high", "severity: critical high medium low informational; = > >= < <="),
    ("src:wazuh", "a word of the source (prefix), or the format: src:guardduty"),
    ("cat:malware", "category prefix"),
    ("tech:T1059", "MITRE technique prefix"),
    ("state:new,acknowledged", "state list; state:!closed excludes"),
    ("asset:web-01  ioc:203.0.113.7  tag:x", "search one field"),
    ("parent:ZS-2026-000123", "children of an incident"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        for key, description in self.keys:
            keys.add_row(Text(key, style="bold"), Text(description))
        grammar = Table.grid(padding=(0, 2))
        for token, meaning in FILTER_HELP:
            grammar.add_row(Text(token, style="bold"), Text(meaning))
        with VerticalScroll(id="help-body"):
            yield Static(Text("Keys here", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nFilter (/)", style="bold underline"))
            yield Static(grammar)
            yield Static(Text("\nesc closes", style="dim"))
