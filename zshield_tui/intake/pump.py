"""The follow loop: read what is new, convert it, commit it with its checkpoints.

Under load a batch commits every COMMIT_EVERY seconds or COMMIT_RECORDS records,
whichever comes first; when the files are caught up, at once, so a quiet log's alert is
stored within one poll. Stopping (`stop()` turning true, from a signal handler) commits
what was read and returns.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from .batch import Batch
from .follow import POLL, Follower

COMMIT_EVERY = 0.2
COMMIT_RECORDS = 20_000


class Pump:
    """Moves records from a Follower into the database, one `step()` at a time."""

    def __init__(self, conn: sqlite3.Connection, follower: Follower,
                 committed: Callable[[Batch], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conn = conn
        self.follower = follower
        self._committed = committed
        self._clock = clock
        self.batch = Batch(conn, clock)
        follower.start()

    def step(self, stopping: bool = False) -> bool:
        """One read of every file and, when due, a commit; True when more is waiting.
        With `stopping`, reads nothing and commits what was read."""
        more = False
        if not stopping:
            pieces, more = self.follower.read()
            for piece in pieces:
                self.batch.add(piece.file, piece.items)
        batch = self.batch
        due = bool(batch) and (stopping or not more or batch.records >= COMMIT_RECORDS
                               or self._clock() - (batch.started or 0.0) >= COMMIT_EVERY)
        if due or (self.follower.finished and not more):
            finished = list(self.follower.finished)
            points = batch.commit(finished)
            self.follower.remember(points, finished)
            self.batch = Batch(self.conn, self._clock)
            self._committed(batch)
        return more

    def run(self, stop: Callable[[], bool],
            sleep: Callable[[float], None] = time.sleep) -> None:
        """Follows until `stop()` is true (or stdin, followed alone, ends)."""
        while not stop():
            more = self.step()
            if self.follower.done:
                break
            if not more:
                sleep(POLL)
        self.step(stopping=True)
