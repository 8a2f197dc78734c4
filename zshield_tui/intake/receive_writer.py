"""The one thread that commits received alerts, so that the event loop never waits on
SQLite and concurrent requests share a transaction.

SQLite takes one writer at a time, and a commit costs about the same for 100 rows as for
10,000: while one batch commits, the requests that arrive queue up and go into the next
batch together. Each request learns through its future when its alerts are committed,
and only then is it answered 202.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from zshield_tui.domain import Alert
from zshield_tui.store.alerts import BATCH, upsert_alerts
from zshield_tui.store.db import Database, connect, parse_database


@dataclass
class _Job:
    alerts: Sequence[tuple[str, Alert]]   # (format, alert)
    done: Future[None]


class AlertWriter:
    """Commits (format, alert) pairs in batches on its own thread and connection.

    The database opens (and migrates) in the constructor, so a database that cannot be
    used fails at start (StoreError), not on the first request.
    """

    def __init__(self, database: Path | Database) -> None:
        self.database = parse_database(database)
        self.commits = 0     # batches committed: requests per commit says how well it batches
        self.accepted = 0    # alerts committed since start
        self._conn = connect(self.database)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._count_lock = threading.Lock()
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="zshield-receive-writer",
                                        daemon=True)
        self._thread.start()

    def submit(self, alerts: Sequence[tuple[str, Alert]]) -> Future[None]:
        """A future that completes once `alerts` are committed, or fails with the
        sqlite3.Error that stopped them (nothing of theirs then needs to be kept)."""
        if not self._thread.is_alive():
            raise RuntimeError("the alert writer is closed")
        done: Future[None] = Future()
        with self._count_lock:
            self._pending += 1
        self._jobs.put(_Job(alerts, done))
        return done

    def pending(self) -> int:
        """Requests submitted whose commit has not finished yet."""
        with self._count_lock:
            return self._pending

    def close(self) -> None:
        """Commits what was submitted before, then stops the thread and the connection."""
        self._jobs.put(None)
        self._thread.join()
        self._conn.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                return
            batch, size = [first], len(first.alerts)
            while size < BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
                size += len(job.alerts)
            self._commit(batch)
            with self._count_lock:
                self._pending -= len(batch)

    def _commit(self, batch: list[_Job]) -> None:
        # upsert_alerts stores one format per call; a batch is nearly always of one format,
        # and a sender that re-sends after a failure between two calls duplicates nothing
        # (the ids are stable per format).
        by_format: dict[str, list[Alert]] = {}
        for job in batch:
            for fmt, alert in job.alerts:
                by_format.setdefault(fmt, []).append(alert)
        try:
            for fmt, alerts in by_format.items():
                # No origin: a received alert has no folder, so its evidence may come only
                # from a configured [evidence] root.
                upsert_alerts(self._conn, alerts, fmt=fmt, origin=None)
        except Exception as exc:  # a database fault or a bug: this batch fails, not the thread
            for job in batch:
                job.done.set_exception(exc)
            return
        self.commits += 1
        self.accepted += sum(len(job.alerts) for job in batch)
        for job in batch:
            job.done.set_result(None)
