"""Worker failures become notifications: every worker runs with exit_on_error=False, and
Worker.StateChanged does not bubble, so each node that starts workers forwards here."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from zshield_tui.domain.terminal import printable


def report_worker_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR:
        # A worker's error may quote alert text or a remote system's answer.
        node.app.notify(printable(f"{event.worker.name}: {event.worker.error}"),
                        title="Something failed",
                        severity="error", timeout=15, markup=False)
