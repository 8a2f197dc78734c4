"""The mapping preview (key `m`): the mapping editor left; the rendered fields, the errors
per field, the omitted fields and the exact request right; a batch check below.

Every re-render runs in a thread worker, debounced, and the newest edit wins: a result
computed for older text is dropped. Alert text is untrusted and only ever shown as
`rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Select, Static, TextArea
from textual.worker import Worker, get_current_worker

from zshield_tui.core.preview import PreviewSetup, TargetChoice
from zshield_tui.domain.terminal import printable

from ..failures import report_worker_failure
from ..source import AlertSource
from ..widgets.key_bar import KeyBar
from ..widgets.mapping_result import batch_text, preview_text

if TYPE_CHECKING:
    from zshield_tui.core import Core

    from ..app import ZShieldApp

DEBOUNCE = 0.15  # s; re-render once typing pauses, not on every keystroke
BATCH_DEFAULT = 500


class MappingPreviewScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="mapping.back"),
        Binding("ctrl+s", "save", "Save", id="mapping.save"),
        Binding("left_square_bracket", "step(-1)", "Prev alert", id="mapping.previous"),
        Binding("right_square_bracket", "step(1)", "Next alert", id="mapping.next"),
        Binding("b", "batch", "Batch check", id="mapping.batch"),
        Binding("t", "choose_target", "Target", id="mapping.target"),
        Binding("e", "edit", "Edit", id="mapping.edit"),
    ]
    DEFAULT_CSS = """
    MappingPreviewScreen #mapping-head { height: 1; background: $panel; padding: 0 1; }
    MappingPreviewScreen #mapping-target { width: 1fr; height: 3; }
    MappingPreviewScreen #mapping-main { height: 1fr; }
    MappingPreviewScreen #mapping-editor { width: 1fr; }
    MappingPreviewScreen #mapping-result { width: 1fr; border-left: solid $panel;
                                           padding: 0 1; }
    MappingPreviewScreen #batch { height: auto; max-height: 40%; display: none;
                                  border-top: solid $panel; }
    MappingPreviewScreen #batch.shown { display: block; }
    MappingPreviewScreen #batch-row { height: 3; }
    MappingPreviewScreen #batch-label, MappingPreviewScreen #batch-label-end {
        width: auto; padding: 1 1; }
    MappingPreviewScreen #batch-n { width: 12; height: 3; }
    MappingPreviewScreen #batch-progress { margin: 1 1; width: auto; }
    MappingPreviewScreen #batch-output { height: auto; padding: 0 1; }
    """

    class Rendered(Message):
        """A re-render finished; `generation` tells whether it is still the newest."""

        def __init__(self, generation: int, preview, problem: str | None, text: Text) -> None:
            self.generation, self.preview, self.problem, self.text = \
                generation, preview, problem, text
            super().__init__()

    class _Loaded(Message):
        def __init__(self, setup: PreviewSetup, alert) -> None:
            self.setup, self.alert = setup, alert
            super().__init__()

    class _Alert(Message):
        def __init__(self, alert) -> None:
            self.alert = alert
            super().__init__()

    class BatchDone(Message):
        def __init__(self, result, mapping_problem: str | None = None) -> None:
            self.result, self.mapping_problem = result, mapping_problem
            super().__init__()

    def __init__(self, source: AlertSource, alert_id: str, *,
                 step: Callable[[int], str | None] | None = None,
                 target: str | None = None) -> None:
        super().__init__()
        self.source = source
        self.alert_id = alert_id
        self._step = step
        self._wanted_target = target  # selected first when configured (push's review)
        self.alert = None
        self.choices: list[TargetChoice] = []
        self.env = None
        self.choice: TargetChoice | None = None
        self.preview = None             # the last Preview shown
        self.problem: str | None = None  # the mapping file's own error, if any
        self.batch_result = None
        self._generation = 0
        self._timer = None

    @property
    def core(self) -> Core:
        return cast("ZShieldApp", self.app).core

    def compose(self) -> ComposeResult:
        yield Static(Text(f"mapping preview · {printable(self.alert_id)}"), id="mapping-head")
        yield Select[int]([], prompt="target", allow_blank=True, id="mapping-target")
        with Horizontal(id="mapping-main"):
            yield TextArea.code_editor("", language="json", id="mapping-editor")
            with VerticalScroll(id="mapping-result", can_focus=True):
                yield Static(Text("loading..."), id="mapping-output")
        with Vertical(id="batch"):
            with Horizontal(id="batch-row"):
                yield Static(Text("batch check: the newest"), id="batch-label")
                yield Input(str(BATCH_DEFAULT), id="batch-n", type="integer",
                            placeholder="alerts to check (newest first)")
                yield Static(Text("alerts (enter runs)"), id="batch-label-end")
                yield ProgressBar(id="batch-progress", show_eta=False)
            yield Static(Text(""), id="batch-output")
        yield KeyBar()

    def on_mount(self) -> None:
        self._load_start(self.alert_id)

    # -- loading ---------------------------------------------------------------------

    @work(thread=True, group="mapping-load", exit_on_error=False)
    def _load_start(self, alert_id: str) -> None:
        setup = self.core.preview_setup()
        detail = self.source.detail(alert_id)
        self.post_message(self._Loaded(setup, detail.alert if detail else None))

    def on_mapping_preview_screen__loaded(self, message: _Loaded) -> None:
        self.choices, self.env = message.setup.choices, message.setup.env
        if message.setup.problem:
            self.notify(message.setup.problem, title="Filter tables not used",
                        severity="warning", timeout=15, markup=False)
        self._set_alert(message.alert)
        select = self.query_one("#mapping-target", Select)
        select.set_options((Text(c.label), n) for n, c in enumerate(self.choices))
        if self.choices:
            wanted = [n for n, c in enumerate(self.choices)
                      if c.config is not None and c.config.name == self._wanted_target]
            select.value = wanted[0] if wanted else 0  # Select.Changed loads the mapping
        self.query_one("#mapping-editor", TextArea).focus()

    def _set_alert(self, alert) -> None:
        self.alert = alert
        head = Text(f"mapping preview · {printable(self.alert_id)}", no_wrap=True,
                    overflow="ellipsis")
        head.append(f" · {printable(alert.title)}" if alert is not None else " · alert not found")
        head.append("   esc leaves the editor · [ ] alerts · b batch · t target", style="dim")
        self.query_one("#mapping-head", Static).update(head)

    @on(Select.Changed, "#mapping-target")
    def _target_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, int):
            return
        self.choice = self.choices[event.value]
        editor = self.query_one("#mapping-editor", TextArea)
        editor.load_text(self.choice.text)
        self._render_now()
        if self.choice.config is not None:
            self._refresh_metadata(event.value, self.choice)

    @work(thread=True, group="mapping-metadata", exclusive=True, exit_on_error=False)
    def _refresh_metadata(self, index: int, choice: TargetChoice) -> None:
        """Fetches the target's create metadata now; on failure the cached copy stays in use
        and the analyst is told why the target was not reached."""
        from dataclasses import replace

        from zshield_tui.mapping.files import MappingError, parse_mapping

        if choice.config is None:
            return
        try:
            mapping = parse_mapping(choice.text, str(choice.mapping_path))
        except MappingError:
            return  # the rendered pane already shows why the mapping does not load
        metadata, unreachable = self.core.live_metadata(choice.config, mapping)
        if unreachable is not None:
            self.app.call_from_thread(
                self.notify, f"{unreachable}; validating against cached metadata",
                markup=False, title="Target not reached", severity="warning", timeout=10)
            return
        self.app.call_from_thread(self._metadata_arrived, index, replace(choice,
                                                                          metadata=metadata,
                                                                          live=True))

    def _metadata_arrived(self, index: int, choice: TargetChoice) -> None:
        self.choices[index] = choice
        if self.choice is not None and self.choice.label == choice.label:
            self.choice = choice
            self._render_now()

    # -- rendering -------------------------------------------------------------------

    @on(TextArea.Changed, "#mapping-editor")
    def _edited(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._render_now)

    def _render_now(self) -> None:
        if self.choice is None:
            return
        self._generation += 1
        text = self.query_one("#mapping-editor", TextArea).text
        self._render_mapping(self._generation, text, self.choice, self.alert, self.env)

    @work(thread=True, group="mapping-render", exit_on_error=False)
    def _render_mapping(self, generation: int, text: str, choice: TargetChoice, alert,
                        env) -> None:
        if generation != self._generation:
            return  # overtaken by a newer edit before it started
        from zshield_tui.mapping.files import MappingError, parse_mapping
        from zshield_tui.mapping.preview import preview_alert

        preview, problem = None, choice.problem
        worker = get_current_worker()
        if problem is None:
            try:
                mapping = parse_mapping(text, str(choice.mapping_path or choice.label))
            except MappingError as exc:
                problem = str(exc)
            else:
                if alert is not None:
                    preview = preview_alert(alert, mapping, choice.target, env=env,
                                            metadata=choice.metadata,
                                            cached=choice.metadata is not None
                                            and not choice.live,
                                            cancelled=lambda: worker.is_cancelled)
        shown = preview_text(preview, problem, alert_found=alert is not None)
        self.post_message(self.Rendered(generation, preview, problem, shown))

    def on_mapping_preview_screen_rendered(self, message: Rendered) -> None:
        if message.generation != self._generation:
            return
        self.preview, self.problem = message.preview, message.problem
        self.query_one("#mapping-output", Static).update(message.text)

    # -- actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        self.query_one("#mapping-editor", TextArea).focus()

    def action_choose_target(self) -> None:
        self.query_one("#mapping-target", Select).focus()

    def action_step(self, delta: int) -> None:
        alert_id = self._step(delta) if self._step is not None else None
        if alert_id is None:
            self.notify("no further alert in the list", timeout=2)
            return
        self.alert_id = alert_id
        self._step_load(alert_id)

    @work(thread=True, group="mapping-step", exclusive=True, exit_on_error=False)
    def _step_load(self, alert_id: str) -> None:
        detail = self.source.detail(alert_id)
        if get_current_worker().is_cancelled:
            return
        self.post_message(self._Alert(detail.alert if detail else None))

    def on_mapping_preview_screen__alert(self, message: _Alert) -> None:
        self._set_alert(message.alert)
        self._render_now()

    def action_save(self) -> None:
        from zshield_tui.mapping.files import MappingError, parse_mapping, save_mapping

        choice = self.choice
        if choice is None or choice.mapping_path is None:
            self.notify("a built-in example has no file; `zshield config init` writes one",
                        severity="warning", markup=False)
            return
        text = self.query_one("#mapping-editor", TextArea).text
        try:
            parse_mapping(text, str(choice.mapping_path))
        except MappingError as exc:
            self.notify(f"not saved: {exc}", severity="error", timeout=10, markup=False)
            return
        try:
            backup = save_mapping(choice.mapping_path, text)
        except OSError as exc:
            self.notify(f"not saved: {choice.mapping_path}: {exc.strerror}",
                        severity="error", markup=False)
            return
        except MappingError as exc:
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            return
        index = self.choices.index(choice)
        self.choice = self.choices[index] = dataclasses.replace(choice, text=text)
        note = f" (backup {backup.name})" if backup else ""
        self.notify(f"saved {choice.mapping_path}{note}", markup=False)

    # -- batch check -----------------------------------------------------------------

    def action_batch(self) -> None:
        panel = self.query_one("#batch")
        panel.add_class("shown")
        self.query_one("#batch-n", Input).focus()

    @on(Input.Submitted, "#batch-n")
    def _batch_submitted(self, event: Input.Submitted) -> None:
        try:
            count = int(event.value)
        except ValueError:
            count = 0
        if not 1 <= count <= 100_000 or self.choice is None:
            self.notify("give a number of alerts from 1 to 100000", severity="warning")
            return
        self.query_one("#batch-progress", ProgressBar).update(total=count, progress=0)
        self.query_one("#batch-output", Static).update(Text(f"checking {count} alerts..."))
        text = self.query_one("#mapping-editor", TextArea).text
        self._run_batch(count, text, self.choice, self.env)

    @work(thread=True, group="mapping-batch", exclusive=True, exit_on_error=False)
    def _run_batch(self, count: int, text: str, choice: TargetChoice, env) -> None:
        from zshield_tui.mapping.files import MappingError, parse_mapping
        from zshield_tui.mapping.preview import batch_check

        try:
            mapping = parse_mapping(text, str(choice.mapping_path or choice.label))
        except MappingError as exc:
            self.post_message(self.BatchDone(None, str(exc)))
            return
        worker = get_current_worker()
        result = batch_check(
            self.core.newest_alerts(count), mapping, choice.target, env=env,
            metadata=choice.metadata,
            progress=lambda done: self.app.call_from_thread(self._batch_progress, done),
            cancelled=lambda: worker.is_cancelled,
        )
        self.post_message(self.BatchDone(result))

    def _batch_progress(self, done: int) -> None:
        self.query_one("#batch-progress", ProgressBar).update(progress=done)

    def on_mapping_preview_screen_batch_done(self, message: BatchDone) -> None:
        self.batch_result = message.result
        output = self.query_one("#batch-output", Static)
        if message.mapping_problem:
            output.update(Text(message.mapping_problem, style="bold red"))
            return
        bar = self.query_one("#batch-progress", ProgressBar)
        bar.update(total=max(1, message.result.checked), progress=message.result.checked)
        output.update(batch_text(message.result))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)


def ids_stepper(alert_ids: list[str], start: int = 0) -> Callable[[int], str | None]:
    """`[`/`]` for the preview over a fixed list of alerts (push's review of its drafts)."""
    position = [start]

    def step(delta: int) -> str | None:
        index = position[0] + delta
        if not 0 <= index < len(alert_ids):
            return None
        position[0] = index
        return alert_ids[index]

    return step


def list_stepper(alerts) -> Callable[[int], str | None]:
    """`[`/`]` for the preview: moves the triage list's cursor and names the alert there."""

    def step(delta: int) -> str | None:
        index = alerts.cursor + delta
        if not 0 <= index < alerts.total:
            return None
        row = alerts.row_at(index)
        if row is None:
            return None  # that page is still loading; the next press finds it
        alerts.cursor = index
        return row.id

    return step
