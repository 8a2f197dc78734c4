"""Progress and a per-ticket result for one action on many alerts (push, note, close,
assign). The work runs in a thread worker that only reports through a Reporter; the
screen stays responsive and cannot be closed halfway (what ran must be seen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker

from zshield_tui.domain.terminal import printable

from ..failures import report_worker_failure


@dataclass(frozen=True)
class ItemResult:
    """What became of one ticket (or of an alert that has none)."""

    alert_id: str
    target: str
    key: str
    ok: bool
    detail: str = ""     # the error, or what was done when it needs saying
    final: bool = True   # False: it failed for now and will be retried

    @classmethod
    def of_op(cls, op: Any, keys: dict[tuple[str, str], str]) -> ItemResult:
        """From a sync OpResult, whose detail is the key when it worked, else the error."""
        key = keys.get((op.alert_id, op.target)) or (op.detail if op.ok else "")
        detail = "" if op.ok and op.detail == key else op.detail
        return cls(op.alert_id, op.target, key, op.ok, detail, op.final)

    def cell(self) -> Text:
        # The detail is a remote system's answer or an error quoting alert text.
        if self.ok:
            return Text("✓ " + printable(self.detail or "ok"))
        if not self.final:
            return Text(f"⟳ will retry: {printable(self.detail)}", style="yellow")
        return Text(f"✗ {printable(self.detail)}", style="red")


class ItemReported(Message):
    """One ticket's (or alert's) result, from the worker."""

    def __init__(self, result: ItemResult, advance: bool) -> None:
        self.result, self.advance = result, advance
        super().__init__()


class JobFinished(Message):
    """The job ended; `summary` is its last word."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        super().__init__()


class Reporter:
    """The worker's side of the screen; safe to call from any thread."""

    def __init__(self, screen: ResultScreen) -> None:
        self._screen = screen
        self.results: list[ItemResult] = []  # those the summary counts

    def item(self, result: ItemResult, *, advance: bool = True, count: bool = True) -> None:
        if count:
            self.results.append(result)
        self._screen.post_message(ItemReported(result, advance))

    def summary(self, lead: str = "", tail: str = "") -> str:
        """`lead: 40 ✓  2 ✗  1 ⟳  tail` over what was reported."""
        ok = sum(r.ok for r in self.results)
        failed = sum(not r.ok and r.final for r in self.results)
        later = sum(not r.ok and not r.final for r in self.results)
        counts = f"{ok} ✓  {failed} ✗" + (f"  {later} ⟳" if later else "")
        return "  ".join(p for p in (f"{lead}:" if lead else "", counts, tail) if p)


Job = Callable[[Reporter], str]


class ResultScreen(ModalScreen[bool]):
    """Runs `job` (given here or later through `start`) and dismisses with True once it
    has finished, so the caller knows to refresh."""

    BINDINGS = [Binding("escape", "close", "Close", id="result.close")]
    DEFAULT_CSS = """
    ResultScreen { align: center middle; }
    ResultScreen > Vertical { width: 110; height: 28; border: thick $accent; padding: 0 1;
                              background: $surface; }
    ResultScreen OptionList { height: auto; max-height: 8; }
    ResultScreen DataTable { height: 1fr; }
    ResultScreen #result-title { text-style: bold; }
    """

    def __init__(self, title: str, total: int, job: Job | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.total = total
        self.job = job
        self.running = False
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="result-title")
            yield from self.compose_head()
            yield ProgressBar(total=self.total or None, id="result-progress")
            yield DataTable(id="result-table", cursor_type="row", zebra_stripes=True)

    def compose_head(self) -> ComposeResult:
        """Widgets between the title and the bar (the push chooser)."""
        yield from ()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("alert", "target", "key", "result")
        self.ready()
        if self.job is not None:
            self.start(self.job)

    def ready(self) -> None:
        """Mounted, before any job starts: what a subclass sets up (the push chooser)."""

    def start(self, job: Job) -> None:
        self.running = True
        self._run(job)

    @work(thread=True, group="result", exit_on_error=False)
    def _run(self, job: Job) -> None:
        try:
            summary = job(Reporter(self))
        except Exception as exc:  # noqa: BLE001 - the screen must leave the running state
            summary = f"stopped: {exc}"
        self.post_message(JobFinished(summary))

    def on_item_reported(self, message: ItemReported) -> None:
        r = message.result
        self.query_one(DataTable).add_row(Text(printable(r.alert_id)),
                                          Text(printable(r.target or "—")),
                                          Text(printable(r.key or "—")), r.cell())
        if message.advance:
            self.query_one(ProgressBar).advance(1)

    def on_job_finished(self, message: JobFinished) -> None:
        self.running = False
        self.done = True
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#result-title", Static).update(
            Text(printable(message.summary) + "  (esc closes)"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def action_close(self) -> None:
        if self.running:
            self.notify("still sending; the result follows", timeout=3)
            return
        self.dismiss(self.done)
