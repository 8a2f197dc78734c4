"""Small helpers shared by the ingest tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zshield_tui.domain import Alert
from zshield_tui.ingest import AlertStream, RecordError, read


@dataclass
class Loaded:
    stream: AlertStream
    alerts: list[Alert]
    errors: list[RecordError]

    @property
    def by_title(self) -> dict[str, Alert]:
        return {a.title: a for a in self.alerts}


def load(path: Path | str, fmt: str = "auto", **options: object) -> Loaded:
    """Reads a whole file, splitting alerts from record errors."""
    stream = read(str(path), fmt, **options)  # type: ignore[arg-type]
    alerts: list[Alert] = []
    errors: list[RecordError] = []
    for item in stream:
        (errors if isinstance(item, RecordError) else alerts).append(item)
    return Loaded(stream, alerts, errors)


def within(seconds: float, call, *args, **kwargs):
    """`call(*args)`'s result, failing the test when it takes longer than `seconds` (a
    FIFO with no writer would block an `open` or a `read` forever). A blocked call is
    released afterwards by opening every FIFO it may wait on for writing."""
    import threading

    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"{getattr(call, '__name__', call)} still running after {seconds} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def release_fifo(path: Path) -> None:
    """Unblocks whatever waits to open `path` for reading, so a failed test ends."""
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return   # nobody is waiting on it
    os.close(fd)
