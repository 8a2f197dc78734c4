"""The Textual app: themes, keymap, the palette, and the triage screen.

The start-up sequence, in order (the first paint pays only for steps 1-4; the import
hygiene test, tests/tui/test_startup_imports.py, keeps it so):

1. `__init__`: open the database read connections (AlertSource), load the theme files
   and give the app the remembered theme before the stylesheet is parsed
   (textual_compat.start_theme).
2. The triage screen mounts the status line, a same-looking stand-in for the filter
   Input, the alert list and the key bar, and reads the first page synchronously (an
   index walk of a millisecond), so the very first frame has rows.
3. One frame later (`call_after_refresh`): the detail and tickets panes and the real
   filter Input mount; their modules are imported then.
4. AFTER_FIRST_PAINT (0.4 s) later, `TriageScreen.Ready`: the config is validated in a
   worker (pydantic), the first background sync pass starts (the core: store layer,
   sync, connectors), and the watch for other processes' commits begins.
5. Every later screen, the core and the connectors are imported on first use.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from zshield_tui.domain.terminal import printable
from zshield_tui.paths import config_path

from .commands import ZShieldCommands
from .failures import report_worker_failure
from .screens.triage import TriageScreen
from .source import AlertSource
from .textual_compat import start_theme
from .themes import (
    DEFAULT_THEME,
    SEVERITY_DEFAULTS,
    load_themes,
    remember_theme,
    remembered_theme,
)

if TYPE_CHECKING:
    from zshield_tui.core import Core


class ZShieldApp(App[None]):
    TITLE = "zshield"
    COMMANDS = App.COMMANDS | {ZShieldCommands}
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    BINDINGS = [
        Binding("1", "view('alerts')", "Alerts", id="app.alerts"),
        Binding("2", "view('tickets')", "Tickets", id="app.tickets"),
        Binding("3", "view('outbox')", "Outbox", id="app.outbox"),
        Binding("4", "rules", "Rules", id="app.rules"),
        Binding("5", "view('settings')", "Settings", id="app.settings"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", show=False, id="app.help"),
    ]

    def __init__(self, database: Path, *, config_file: Path | None = None,
                 theme_dirs: tuple[Path, ...] = (), remember: bool = True,
                 theme: str | None = None) -> None:
        super().__init__()
        self.database = database
        self.config_file = config_file or config_path()
        self._remember = remember
        self.source = AlertSource(database)
        loaded = load_themes(*theme_dirs)
        self._theme_problems = loaded.problems
        for found in loaded.themes:
            self.register_theme(found)
        wanted = theme or (remembered_theme() if remember else DEFAULT_THEME)
        start_theme(self, wanted if wanted in self.available_themes else DEFAULT_THEME)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(SEVERITY_DEFAULTS)

    @cached_property
    def core(self) -> Core:
        """Every change and every sync view goes through this one core (the list reads
        through `source`). Built on first use: it loads the store layer, which the
        first frame does without."""
        from zshield_tui.core import Core

        return Core(self.config_file, self.database)

    def get_default_screen(self) -> Screen:
        return TriageScreen(self.source)

    def on_mount(self) -> None:
        for problem in self._theme_problems:
            self.notify(problem, title="Theme file skipped", severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_triage_screen_ready(self) -> None:
        # Validating the config loads pydantic (~0.15 s): only once the alerts are on screen.
        self.run_worker(self._check_config, thread=True, group="config", exit_on_error=False)

    def _check_config(self) -> None:
        from zshield_tui.config import ConfigError

        try:
            config = self.core.config
        except ConfigError as exc:
            self.call_from_thread(
                self.notify, printable(str(exc)), title="Config not loaded",
                severity="error", timeout=30, markup=False,
            )
            return
        if config.keymap:
            self.call_from_thread(self.set_keymap, config.keymap)

    def _theme_changed(self, theme) -> None:
        if self._remember and (problem := remember_theme(theme.name)):
            self.notify(f"theme not saved: {problem}", severity="warning", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def on_unmount(self) -> None:
        self.source.close()

    # -- palette and help -----------------------------------------------------------

    def action_rules(self) -> None:
        """The rules screen, explaining the alert under the triage cursor."""
        self.action_view("rules")

    def action_view(self, name: str) -> None:
        """Digits switch views (1 alerts, 2 tickets, 3 outbox, 4 rules, 5 settings)."""
        from .views import switch_view  # not needed for the first frame

        switch_view(self, name)

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # not needed for the first frame

        if isinstance(self.screen, HelpScreen):
            return
        # Only our own bindings (they all have ids); Textual's scroll and focus keys are noise.
        keys: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id and binding.description:
                keys.setdefault(binding.id, []).append(self.get_key_display(binding))
                descriptions[binding.id] = binding.description
        rows = [(" / ".join(keys[i]), descriptions[i]) for i in keys]
        rows.append(("ctrl+p", "command palette: themes, views, alerts, tickets"))
        self.push_screen(HelpScreen(rows))
