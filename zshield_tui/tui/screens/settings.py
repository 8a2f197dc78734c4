"""View 5: the configured targets and `t` to test the connection of the selected one.

Secrets never reach this screen: the config only names the environment variables that
hold them, and only those names (and whether they are set) are shown.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from zshield_tui.core import Core, TargetInfo
from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted

from ..failures import report_worker_failure
from ..widgets.key_bar import KeyBar

COLUMNS = ("target", "connection", "kind", "url", "auth", "secret from", "mapping", "staging",
           "auto-create")


class SettingsScreen(Screen):
    VIEW = "settings"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
        Binding("t", "test_connection", "Test connection", id="settings.test"),
        Binding("r", "refresh", "Refresh", id="settings.refresh"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.targets: list[TargetInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(" settings: loading…", style="bold"), id="settings-title")
        yield DataTable(id="settings-targets", cursor_type="row")
        yield Static(Text(""), id="settings-test")
        yield Static(Text(""), id="settings-config")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        table.focus()
        self.action_refresh()

    @work(thread=True, group="settings", exclusive=True, exit_on_error=False)
    def action_refresh(self) -> None:
        from zshield_tui.config import ConfigError

        try:
            targets, problem = self.core.target_infos(), None
        except ConfigError as exc:
            targets, problem = [], str(exc)
        self.app.call_from_thread(self._show, targets, problem)

    def _show(self, targets: list[TargetInfo], problem: str | None) -> None:
        self.targets = targets
        table = self.query_one(DataTable)
        table.clear()
        for t in targets:
            auth = t.auth + (f" as {t.identity}" if t.identity else "")
            secrets = Text()
            for n, (variable, present) in enumerate(t.secret_envs.items()):
                secrets.append(", " if n else "")
                secrets.append(f"${variable} " + ("set" if present else "unset"),
                               style="" if present else "red")
            table.add_row(
                Text(t.name, style="bold"), Text("t tests", style="dim"),
                Text(t.kind + (f" {t.deployment}" if t.deployment else "")),
                Text(t.url), Text(auth), secrets, Text(t.mapping or "none"),
                Text("yes" if t.staging else "no"),
                Text(("paused (stage it)" if t.paused else f"on >= {t.min_severity}")
                     if t.auto_create else "off", style="yellow" if t.paused else ""),
                key=t.name)
        if problem is not None:
            title = " settings: the config could not be read"
        else:
            title = f" settings: {counted(len(targets), 'target')}" if targets \
                else " settings: no targets configured"
        self.query_one("#settings-title", Static).update(Text(title, style="bold"))
        self.query_one("#settings-config", Static).update(
            Text(problem or f" config: {self.core.config_file}", style="dim"))

    def action_test_connection(self) -> None:
        table = self.query_one(DataTable)
        if not self.targets or table.row_count == 0:
            return
        name = self.targets[table.cursor_row].name
        self._set_result(name, Text("testing…", style="dim"))
        self._test(name)

    @work(thread=True, group="settings-test", exit_on_error=False)
    def _test(self, name: str) -> None:
        try:
            who = self.core.test_connection(name)
            # Both answers are the remote system's words.
            result = Text(printable(f"✓ {who}"), style="green")
        except Exception as exc:  # noqa: BLE001 - whatever went wrong is the answer here
            result = Text(printable(f"✗ {exc}"), style="red")
        self.app.call_from_thread(self._set_result, name, result)

    def _set_result(self, name: str, result: Text) -> None:
        table = self.query_one(DataTable)
        if name in {t.name for t in self.targets}:
            # The column stays narrow; the whole answer goes in the line below the table.
            table.update_cell(name, "connection", Text(result.plain[:24], style=result.style))
        self.query_one("#settings-test", Static).update(Text(f" {name}: ") + result)
        self.notify(f"{name}: {result.plain}", markup=False,
                    severity="error" if result.plain.startswith("✗") else "information")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)
