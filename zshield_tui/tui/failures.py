"""Worker failures become notifications: every worker runs with exit_on_error=False, and
Worker.StateChanged does not bubble, so each node that starts workers forwards here."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState


def report_worker_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR:
        node.app.notify(f"{event.worker.name}: {event.worker.error}", title="Something failed",
                        severity="error", timeout=15, markup=False)
