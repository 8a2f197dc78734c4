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
