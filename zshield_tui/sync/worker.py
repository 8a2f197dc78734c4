"""The worker that drains one target's outbox.

Ops are claimed under a lease, grouped by alert (an alert's ops run in order: its ticket
exists before its first comment goes out) and the groups run with bounded concurrency.
Whatever the remote answers is written together with the op's completion in one
transaction; a crash before that leaves the op claimed, the lease runs out (or the owner
is found dead) and the op runs again. That rerun is safe: creates find the ticket by its
correlation key first, comments look for their own text, transitions check the status.
"""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import datetime
from typing import Any

from zshield_tui.connectors.base import Connector, Move, RemoteTicket
from zshield_tui.connectors.errors import (
    NotFoundError,
    RateLimitError,
    UnavailableError,
    UnreachableError,
)
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo
from zshield_tui.store.syncrepo import LinkedTicket, OutboxOp, transaction

from .context import OpContext
from .ops import HANDLERS
from .results import DrainReport, OpResult, Progress, Retry
from .targets import Target

CLAIM_PER_SLOT = 50   # ops claimed per concurrency slot: enough to fill Batch API calls
# On a shared database (team mode) other workers drain the same outbox: a claim of 50 per
# slot would leave them idle while this one works through its share, so each claims a
# couple of ops per slot and comes back for more.
SHARED_CLAIM_PER_SLOT = 2
BATCH = 50            # ServiceNow Batch API items per call (the connector's own limit)
# A claim that is all batchable state changes grows to this many Batch API calls per slot:
# with one call per slot every round waits for its slowest call (and the instance runs the
# round's calls one after another), so slots sat idle. Three calls of at most 50 items stay
# well inside the lease even near the 30 s batch quota.
BATCH_CALLS_PER_SLOT = 3


def owner_id() -> str:
    """This process, as outbox leases name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def dead_owners(store: Store) -> frozenset[str]:
    """Owners of running ops that are processes on this host no longer alive."""
    host = socket.gethostname()
    dead = set()
    for owner in repo.running_owners(store.conn):
        name, _, pid = owner.rpartition(":")
        if name != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.add(owner)
        except PermissionError:
            pass
    return frozenset(dead)


class Worker:
    """Drains one target's outbox through one connector."""

    def __init__(self, store: Store, target: Target, connector: Connector, *,
                 concurrency: int = 8, lease: float = 120.0, max_attempts: int = 8,
                 base_delay: float = 1.0, progress: Progress | None = None) -> None:
        self.store = store
        self.target = target
        self.connector = connector
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.progress = progress
        self.owner = owner_id()
        self.context = OpContext(store.conn, target, connector)
        # Set when a connection could not be opened: every other op would wait out the
        # same retries, so the drain hands them back and stops (they stay pending).
        self.unreachable: str | None = None

    async def drain(self, *, settle: float = 0.0) -> DrainReport:
        """Sends every due op; with `settle`, also waits for ops deferred by up to that
        many seconds (a retry after a 429), so `--once` ends with nothing left to try."""
        report = DrainReport()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settle
        while True:
            ops = self._claim()
            if not ops:
                wait = self._wait_for_next(deadline - loop.time())
                if wait is None:
                    return report
                await asyncio.sleep(wait)
                continue
            await self._run(ops, report)
            if self.unreachable is not None:
                report.stopped[self.target.name] = self.unreachable
                return report

    def _claim(self) -> list[OutboxOp]:
        dead = dead_owners(self.store)
        full = self.concurrency * CLAIM_PER_SLOT
        step = self.concurrency * SHARED_CLAIM_PER_SLOT if self.store.database.shared else full

        def claim(limit: int) -> list[OutboxOp]:
            return repo.claim(self.store.conn, self.target.name, self.owner, limit=limit,
                              lease=self.lease, dead_owners=dead)

        ops = claim(step)
        last, most = len(ops), full * BATCH_CALLS_PER_SLOT
        # Only a full claim of nothing but batchable changes is worth extending: the ops of
        # other kinds go one request each and are as many as before. A small first claim
        # (shared database) grows to the same size as any other.
        while last == step and len(ops) < most and \
                len(self._batchable(_by_alert(ops))) == len(ops):
            # Taken oldest first after the ones in hand, so merged they keep each alert's
            # order (an alert split across the two becomes one group, run in order).
            step = min(full, most - len(ops))
            more = claim(step)
            ops += more
            last = len(more)
        return ops

    def _wait_for_next(self, budget: float) -> float | None:
        due = repo.next_due(self.store.conn, self.target.name)
        if due is None or budget <= 0:
            return None
        if due == "":
            return 0.0
        wait = (datetime.fromisoformat(due) - datetime.fromisoformat(repo.now_iso())
                ).total_seconds()
        return max(0.0, wait) + 0.01 if wait <= budget else None

    async def _run(self, ops: list[OutboxOp], report: DrainReport) -> None:
        groups = _by_alert(ops)
        batchable = self._batchable(groups)
        batched = {op.id for op in batchable}
        gate = asyncio.Semaphore(self.concurrency)

        async def run_batch(chunk: list[OutboxOp]) -> None:
            async with gate:
                if self.unreachable is not None:
                    self._hand_back(chunk)
                    return
                await self._transition_batch(chunk, report)

        async def run_group(group: list[OutboxOp]) -> None:
            async with gate:
                for n, op in enumerate(group):
                    if self.unreachable is not None:
                        self._hand_back(group[n:])
                        break
                    if not await self._one(op, report):
                        # Later ops of this alert wait for this one, as late as it does.
                        with transaction(self.store.conn) as conn:
                            repo.release(conn, [o.id for o in group[n + 1:]],
                                         self._deferred_by(op))
                        break

        # A batched op is the only op of its alert, so batches and the other groups touch
        # different alerts and may share the slots; a slot freed by either is taken at once.
        await asyncio.gather(*(run_batch(batchable[i:i + BATCH])
                               for i in range(0, len(batchable), BATCH)),
                             *(run_group(g) for g in groups.values() if g[0].id not in batched))

    def _hand_back(self, ops: list[OutboxOp]) -> None:
        """Untried ops back to pending, due at once for the next pass."""
        with transaction(self.store.conn) as conn:
            repo.release(conn, [op.id for op in ops])

    def _deferred_by(self, op: OutboxOp) -> float:
        due = repo.next_attempt_of(self.store.conn, op.id)
        if not due:
            return 0.0
        wait = datetime.fromisoformat(due) - datetime.fromisoformat(repo.now_iso())
        return max(0.0, wait.total_seconds())

    def _batchable(self, groups: dict[str, list[OutboxOp]]) -> list[OutboxOp]:
        """State changes that can share one call, where the connector batches them."""
        if not self.connector.batches_state_changes:
            return []
        return [g[0] for g in groups.values()
                if len(g) == 1 and g[0].operation == "transition"]

    # -- one op --------------------------------------------------------------------------------
    async def _one(self, op: OutboxOp, report: DrainReport) -> bool:
        try:
            detail = await HANDLERS[op.operation](self.context, op)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the op
            self._failed(op, exc, report)
            return False
        self._report(report, OpResult(op.id, op.target, op.alert_id, op.operation, True, detail))
        return True

    def _failed(self, op: OutboxOp, exc: Exception, report: DrainReport) -> None:
        with transaction(self.store.conn) as conn:
            result = self._record_failure(conn, op, exc)
        self._report(report, result)

    def _record_failure(self, conn: Any, op: OutboxOp, exc: Exception) -> OpResult:
        """Writes the failure into the caller's transaction; the result to report after."""
        message = str(exc) or type(exc).__name__
        if isinstance(exc, UnreachableError) and self.unreachable is None:
            self.unreachable = message
        delay = self.retry_delay(op, exc)
        if delay is None:
            repo.give_up(conn, op.id, message)
            if op.operation == "comment":
                repo.set_note_state(conn, int(op.payload.get("note_id", 0)), "failed")
        else:
            repo.defer(conn, op.id, message, delay)
        return OpResult(op.id, op.target, op.alert_id, op.operation, False, message,
                        final=delay is None)

    def retry_delay(self, op: OutboxOp, exc: Exception) -> float | None:
        """Seconds until the next attempt, or None when retrying cannot help."""
        if isinstance(exc, Retry):
            return exc.delay
        if op.attempts + 1 >= self.max_attempts:
            return None
        backoff = min(60.0, self.base_delay * 2 ** op.attempts)
        if isinstance(exc, RateLimitError):
            return exc.retry_after if exc.retry_after is not None else backoff
        if isinstance(exc, UnavailableError):  # includes UncertainError: the rerun looks
            return backoff
        return None

    def _report(self, report: DrainReport, result: OpResult) -> None:
        report.results.append(result)
        if self.progress is not None:
            self.progress(result)

    # -- batched state changes ---------------------------------------------------------------------
    async def _transition_batch(self, ops: list[OutboxOp], report: DrainReport) -> None:
        """One call for up to BATCH state changes; each op's answer is written in one
        transaction after the remote answered, so a crash before it reruns them."""
        answers: list[tuple[OutboxOp, RemoteTicket | Exception | None]] = []
        # Read once for the moves and the record: a batch is 50 tickets.
        rows = {op.id: repo.ticket_for(self.store.conn, op.alert_id, op.target) for op in ops}
        todo: list[tuple[OutboxOp, Move]] = []
        for op in ops:
            row, name = rows[op.id], self.target.outbound(op.payload["state"])
            if row is None or name is None:
                answers.append((op, None))   # nothing to send: done as it is
                continue
            ref = self.connector.ticket_ref(row.key, row.remote_id)
            todo.append((op, (ref, name, op.payload.get("fields") or None)))
        try:
            remote: list[Any] = await self.connector.move_many(
                [move for _, move in todo]) if todo else []
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the op
            remote = [exc] * len(todo)
        answers += [(op, answer) for (op, _), answer in zip(todo, remote, strict=True)]
        now = repo.now_iso()
        with transaction(self.store.conn) as conn:
            results = [self._record_failure(conn, op, answer) if isinstance(answer, Exception)
                       else self._record_transition(conn, op, answer, rows[op.id], now)
                       for op, answer in answers]
        for result in results:
            self._report(report, result)

    def _record_transition(self, conn: Any, op: OutboxOp, ticket: RemoteTicket | None,
                           row: LinkedTicket | None, now: str) -> OpResult:
        """`row` is the linked ticket as read before the batch went out (its id is what
        counts; the columns written here are the answer's)."""
        if row is not None and ticket is not None:
            repo.update_ticket(conn, row.id, status=ticket.status,
                               synced_state=op.payload["state"], last_synced_at=now,
                               error=None)
        repo.complete(conn, op.id)
        key = ticket.key if ticket else "nothing to change"
        return OpResult(op.id, op.target, op.alert_id, op.operation, True, key)


def _by_alert(ops: list[OutboxOp]) -> dict[str, list[OutboxOp]]:
    """The ops of each alert, in claim (= queue) order."""
    groups: dict[str, list[OutboxOp]] = {}
    for op in ops:
        groups.setdefault(op.alert_id, []).append(op)
    return groups


# The results live in results.py; importable from here as before.
__all__ = ["DrainReport", "NotFoundError", "OpResult", "Progress", "Retry", "Worker"]
