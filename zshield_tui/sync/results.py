"""What a drain reports, and how a handler says "not now".

Its own module because the worker and every op handler use them: with them in worker.py
the handlers could only reach them through imports inside functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OpResult:
    """What became of one op in this drain."""

    op_id: int
    target: str
    alert_id: str
    operation: str
    ok: bool
    detail: str          # the ticket key, or the error
    final: bool = True   # False: it will be retried


@dataclass
class DrainReport:
    results: list[OpResult] = field(default_factory=list)
    # Targets whose drain stopped early, and why (unreachable, or no usable credentials):
    # their ops stay pending for the next pass.
    stopped: dict[str, str] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def failed(self) -> list[OpResult]:
        return [r for r in self.results if not r.ok and r.final]


Progress = Callable[[OpResult], None]


class Retry(Exception):
    """Not now: try the op again after `delay` seconds."""

    def __init__(self, message: str, delay: float) -> None:
        self.delay = delay
        super().__init__(message)
