"""The top line: how many alerts match, the sort, the marks, and target state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    total: reactive[int | None] = reactive(None)
    exact: reactive[bool] = reactive(True)
    sort: reactive[str] = reactive("time")
    marked: reactive[int] = reactive(0)
    new_above: reactive[int] = reactive(0)
    busy: reactive[bool] = reactive(False)
    targets: reactive[str] = reactive("no targets configured")
    sources: reactive[str] = reactive("")   # who reads the [[sources]], when there are any

    def render(self) -> Text:
        text = Text()
        text.append(" zshield ", style="bold reverse")
        text.append("  alerts ")
        if self.total is None:
            text.append("…", style="dim")
        else:
            text.append(f"{self.total:,}{'' if self.exact else '+'}", style="bold")
        if self.new_above:
            text.append(f"  ↑ {self.new_above:,} new (n)", style="bold reverse")
        text.append(f"  ·  sorted by {self.sort}")
        if self.marked:
            text.append(f"  ·  {self.marked:,} marked", style="bold")
        if self.busy:
            text.append("  ·  filtering…", style="italic")
        text.append(f"  ·  {self.targets}", style="dim")
        if self.sources:
            text.append(f"  ·  {self.sources}", style="dim")
        return text
