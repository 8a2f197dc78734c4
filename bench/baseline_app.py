"""The first-paint baseline of `bench tmuxpaint`: the least a Textual app does to put one
full page of coloured alert-like rows on a terminal, from memory (no database, no CSS
file, no screens). Run as `python -m bench.baseline_app`; quit with q.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

FIRST_ROW = "baseline row 0001"   # what the benchmark waits for on the pane
_LABELS = ("INFO", "LOW", "MED", "HIGH", "CRIT")
_COLOURS = ("bright_black", "cyan", "yellow", "dark_orange", "red")


class Rows(Widget):
    DEFAULT_CSS = "Rows { height: 1fr; }"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        severity = (y * 3) % 5
        time_label = f"11-24 12:{59 - y % 60:02d}"
        text = (f"  {_LABELS[severity]:<5}{time_label:<12}baseline row {y + 1:04d} "
                f"on lt-fin-{y:03d}").ljust(width - 40) + "Wazuh         T1059.001  new"
        return Strip([Segment(text[:6], Style(color=_COLOURS[severity], bold=True)),
                      Segment(text[6:width].ljust(width - 6))], width)


class Baseline(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Rows()


if __name__ == "__main__":
    Baseline().run()
