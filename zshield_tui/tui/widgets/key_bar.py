"""The footer: the keys that work here, redrawn when focus or bindings change.

One line of text rather than Textual's Footer, whose widget per key costs ~25 ms of
start-up restyling; it shows the same thing: every binding with `show=True` that is
active on the screen, and the palette key.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _: self.refresh())

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        key_style = self.app.theme_variables.get("footer-key-foreground", "bold")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            text.append(f" {self.app.get_key_display(binding)} ", style=f"bold {key_style}")
            text.append(binding.description, style="" if active.enabled else "dim")
            text.append(" ")
        palette = Text.assemble(("^p", f"bold {key_style}"), " palette ")
        padding = max(1, self.size.width - text.cell_len - palette.cell_len)
        return Text.assemble(text, " " * padding, palette)
