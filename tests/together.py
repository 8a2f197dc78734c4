"""Several workers at once, as separate processes (daemons, analysts) would be."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(work: Callable[[threading.Barrier], T], count: int) -> list[T]:
    """Runs `work` in `count` threads and returns what each returned. Each gets the same
    barrier: waiting on it after its own setup makes the racing part start together. The
    first exception of any thread is raised here, in the test's thread."""
    start = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work(start))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)
            start.abort()   # the others stop waiting for this one

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
