"""`p`: push alerts to a target. Choose the target, confirm (how many on which target,
default No), then watch the progress and the result of every alert."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, ProgressBar, RichLog, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from ..failures import report_worker_failure
from ..sync_bridge import SyncBridge
from .confirm import ConfirmScreen


class PushScreen(ModalScreen[bool]):
    """Dismisses with True when something was pushed (the caller refreshes)."""

    BINDINGS = [Binding("escape", "close", "Close", id="push.close")]
    DEFAULT_CSS = """
    PushScreen { align: center middle; }
    PushScreen > Vertical { width: 100; height: 24; border: thick $accent; padding: 0 1;
                            background: $surface; }
    PushScreen OptionList { height: auto; max-height: 8; }
    PushScreen RichLog { height: 1fr; }
    """

    class _Result(Message):
        def __init__(self, line: Text, final: bool) -> None:
            self.line, self.final = line, final
            super().__init__()

    class _Finished(Message):
        def __init__(self, summary: Text) -> None:
            self.summary = summary
            super().__init__()

    def __init__(self, bridge: SyncBridge, alert_ids: list[str]) -> None:
        super().__init__()
        self.bridge = bridge
        self.alert_ids = alert_ids
        self.pushed = False
        self.running = False

    def compose(self) -> ComposeResult:
        count = len(self.alert_ids)
        with Vertical():
            yield Static(Text(f"Push {count} alert(s) to which target?"), id="push-title")
            yield OptionList(*[Option(Text(name), id=name)
                               for name in self.bridge.target_names()], id="push-targets")
            yield ProgressBar(total=count, id="push-progress")
            yield RichLog(id="push-results", markup=False, wrap=True)

    def on_mount(self) -> None:
        targets = self.query_one(OptionList)
        if targets.option_count == 0:
            self.query_one("#push-title", Static).update(
                Text("No targets configured: add [[targets]] to the config."))
        targets.focus()

    @on(OptionList.OptionSelected, "#push-targets")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.running:
            return
        target = str(event.option.id)
        question = f"Push {len(self.alert_ids)} alert(s) to {target}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.running = True
                self.query_one("#push-title", Static).update(Text(f"Pushing to {target}…"))
                self._push(target)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="push", exit_on_error=False)
    def _push(self, target: str) -> None:
        def progress(result) -> None:
            mark = "✓" if result.ok else ("⟳" if not result.final else "✗")
            what = "" if result.operation == "create" else f"  ({result.operation})"
            line = Text(f"{mark} {result.alert_id}  {result.detail}{what}",
                        style="" if result.ok else "red")
            # The bar counts alerts: only the create of each advances it.
            self.post_message(self._Result(line, result.operation == "create"
                                           and (result.ok or result.final)))

        plan, report = self.bridge.push(self.alert_ids, target, progress)
        for alert_id, key in plan.linked.items():
            self.post_message(self._Result(Text(f"✓ {alert_id}  {key} (already linked)"), True))
        for alert_id, errors in plan.invalid.items():
            problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            self.post_message(self._Result(Text(f"✗ {alert_id}  invalid: {problems}",
                                                style="red"), True))
        creates = [r for r in report.results if r.operation == "create"]
        done = sum(r.ok for r in creates) + len(plan.linked)
        failed = sum(not r.ok and r.final for r in creates) + len(plan.invalid) + len(plan.missing)
        self.post_message(self._Finished(Text(
            f"{target}: {done} ✓  {failed} ✗  (esc closes; what failed stays in the outbox, "
            "view 3)")))

    def on_push_screen__result(self, message: _Result) -> None:
        self.query_one(RichLog).write(message.line)
        if message.final:
            self.query_one(ProgressBar).advance(1)

    def on_push_screen__finished(self, message: _Finished) -> None:
        self.pushed = True
        self.running = False
        self.query_one("#push-title", Static).update(message.summary)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def action_close(self) -> None:
        self.dismiss(self.pushed)
