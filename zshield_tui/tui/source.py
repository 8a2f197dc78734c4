"""The alert list's data: filtered queries run off the UI thread, one at a time.

Two connections: pages and estimates share one (short queries, serialised by a lock);
exact counts, which can take a few hundred ms on a common word, get their own so that a
newer keystroke can interrupt them without disturbing the page being shown. The same on
SQLite and PostgreSQL (the store's queries speak both), but for `data_version`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zshield_tui.store.changes import watch
from zshield_tui.store.db import Database, connect, parse_database
from zshield_tui.store.filters import AlertFilter
from zshield_tui.store.query import CAP, INTERRUPTED, AlertQuery, AlertRow, Sort, max_seq

if TYPE_CHECKING:
    from zshield_tui.domain import Alert, Ticket
    from zshield_tui.store.db import Database
    from zshield_tui.store.records import AuditEntry

AUDIT_ROWS = 10  # the newest; the detail pane is no log view


@dataclass(frozen=True)
class Snapshot:
    """The first look at one filter: enough to draw the list at once."""

    generation: int
    query: AlertQuery
    estimate: int      # exact when below the cap
    exact: bool
    first_page: list[AlertRow]
    data_version: int = 0   # the database as the snapshot saw it (AlertSource.data_version)


@dataclass(frozen=True)
class Growth:
    """Alerts other processes stored since the list's set was frozen: how many match the
    filter, how many of those sort ahead of the top row in view and of the cursor row (the
    list moves both down by that much, so the same alerts stay in place), and the query
    over the grown set."""

    query: AlertQuery
    added: int
    ahead_of_top: int
    ahead_of_cursor: int


@dataclass(frozen=True)
class AlertDetail:
    alert: Alert
    children: list[AlertRow]
    tickets: list[Ticket]
    audit: list[AuditEntry] = field(default_factory=list)  # newest last


class AlertSource:
    def __init__(self, path: Path | Database) -> None:
        self.path = path
        self._orm_store = None
        self._conn = connect(path, create=False, cache_mb=16)
        self._count_conn = connect(path, create=False, cache_mb=8)
        self._watch = watch(parse_database(path), self._conn)
        self._lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.generation = 0

    def open(self, flt: AlertFilter, sort: Sort, page_size: int) -> Snapshot:
        """Starts a new generation; any exact count still running for an old one stops."""
        self.generation += 1
        generation = self.generation
        self._count_conn.interrupt()
        with self._lock:
            # Read before the page: a commit in between is then both on the page and a
            # change still to look at (read once more), never neither.
            version = self._watch.version()
            query = AlertQuery(self._conn, flt, sort, upto=max_seq(self._conn))
            estimate = query.estimate()
            first = query.page(0, page_size)
        return Snapshot(generation, query, estimate, estimate < CAP, first, version)

    def page(self, query: AlertQuery, offset: int, limit: int) -> list[AlertRow]:
        with self._lock:
            return query.page(offset, limit)

    def grow(self, query: AlertQuery, top: AlertRow | None, cursor: AlertRow | None
             ) -> Growth | None:
        """Takes in the alerts stored since `query`'s set was frozen; None when there are
        none (other changes, to states or tickets, need only the rows read again)."""
        with self._lock:
            upto = max_seq(self._conn)
            if query.upto is None or upto <= query.upto:
                return None
            added = query.added(query.upto, upto)
            top_ahead = query.added(query.upto, upto, before=top) if top else added
            cursor_ahead = query.added(query.upto, upto, before=cursor) if cursor else added
        return Growth(query.with_upto(upto), added, top_ahead, cursor_ahead)

    def exact_count(self, query: AlertQuery, generation: int) -> int | None:
        """The exact count of `query`'s set, or None when a newer filter interrupted it."""
        if generation != self.generation:
            return None
        counter = AlertQuery(self._count_conn, query.flt, query.sort, query.upto)
        with self._count_lock:
            try:
                return counter.count()
            except INTERRUPTED:
                return None

    def data_version(self) -> int | None:
        """A number that changes whenever any other connection (another process, another
        analyst, or this app's own writers) commits: store/changes.py, cheap enough to ask
        twice a second on the UI thread. None while a page query holds the connection
        (ask again next time)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return self._watch.version()
        finally:
            self._lock.release()

    def detail(self, alert_id: str) -> AlertDetail | None:
        """Everything the detail pane shows for one alert, or None if it is gone."""
        from zshield_tui.store import get_alert
        from zshield_tui.store.filters import parse_filter
        from zshield_tui.store.records import audit_trail, linked_tickets

        with self._lock:
            alert = get_alert(self._conn, alert_id)
            if alert is None:
                return None
            children = AlertQuery(self._conn, parse_filter(f'parent:"{alert_id}"')).page(0, 200)
            tickets = linked_tickets(self._store_for_orm(), alert_id)
            audit = audit_trail(self._store_for_orm(), alert_id)[-AUDIT_ROWS:]
        return AlertDetail(alert, children, tickets, audit)

    def _store_for_orm(self):
        from zshield_tui.store import Store

        if self._orm_store is None:
            self._orm_store = Store(self.path, create=False, cache_mb=4)
        return self._orm_store

    def close(self) -> None:
        """Waits for queries in flight: closing a connection under a running one crashes."""
        self._count_conn.interrupt()
        with self._lock, self._count_lock:
            if self._orm_store is not None:
                self._orm_store.close()
            self._watch.close()
            self._conn.close()
            self._count_conn.close()
