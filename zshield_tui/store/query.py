"""The alert list's read path: counts and pages over a filter and a sort order.

Plain DB-API on purpose: this module is imported before the first paint of the TUI, and
the ORM alone costs more import time than an empty Textual app needs to draw. The SQL is
the same on both databases but for the words (SQLite's FTS5 table, PostgreSQL's `words`
tsvector) and SQLite's `+` hints: PostgreSQL's planner, with its statistics, picks the
plan per query itself.

Two plans, picked per filter by a capped count (`estimate`):
- sparse (fewer than CAP matches): find the matches through the filter's index or FTS and
  sort them; there are few.
- dense: walk the sort order's index and test each row; matches come quickly.
Either way a page first selects only `seq` values (an index-only walk, cheap even at an
offset of a million), then reads the full rows for those few.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

import psycopg

from .filters import AlertFilter
from .pg import POSTGRESQL, SQLITE, dialect

CAP = 2000
DEEP = 10 * CAP

# What a query stopped by the connection's `interrupt()` raises: SQLite's "interrupted",
# PostgreSQL's query_canceled.
INTERRUPTED = (sqlite3.OperationalError, psycopg.errors.QueryCanceled)


class Sort(StrEnum):
    TIME = "time"          # newest first
    SEVERITY = "severity"  # most severe first, newest first within a severity


_ORDER = {
    Sort.TIME: "a.created_at DESC, a.seq DESC",
    Sort.SEVERITY: "a.severity DESC, a.created_at DESC, a.seq DESC",
}

_ROW = (
    "SELECT a.seq, a.id, a.title, a.severity, a.source, a.category, a.mitre_technique,"
    " a.state, a.created_at, a.parent_id,"
    " (SELECT count(*) FROM alert c WHERE c.parent_id = a.id),"
    " COALESCE((SELECT t.key || ' ' || t.status FROM ticket t WHERE t.alert_id = a.id"
    "  ORDER BY t.id LIMIT 1),"
    # A recurring alert shows the ticket of its group's first alert (store/recurrence.py).
    "  (SELECT t.key || ' ' || t.status FROM recurrence r"
    "   JOIN recurrence_group g ON g.id = r.group_id"
    "   JOIN ticket t ON t.alert_id = g.alert_id AND t.target = g.target"
    "   WHERE r.alert_id = a.id ORDER BY r.id LIMIT 1)),"
    " a.version"
    " FROM alert a"
)


@dataclass(frozen=True, slots=True)
class AlertRow:
    """What one line of the alert list shows."""

    seq: int
    id: str
    title: str
    severity: int
    source: str
    category: str
    mitre_technique: str | None
    state: str
    created_at: str
    parent_id: str | None
    children: int
    ticket: str | None
    version: int = 0    # what a change made on this row carries (store/versions.py)


class AlertQuery:
    """One filter and sort over the alert table; `page()` fetches only the rows asked for.

    `upto` freezes the set at the alerts stored so far (seq at most `upto`): rows that
    other processes add later do not shift the offsets of an open list until it takes
    them in (`AlertSource.grow`).
    """

    def __init__(self, conn: sqlite3.Connection, flt: AlertFilter, sort: Sort = Sort.TIME,
                 upto: int | None = None):
        self.conn = conn
        self.sort = sort
        self.flt = flt
        self.upto = upto
        self._dense: bool | None = None
        self._pg = dialect(conn) == POSTGRESQL

    def with_upto(self, upto: int) -> AlertQuery:
        """The same filter and sort over the alerts stored up to `upto`."""
        query = AlertQuery(self.conn, self.flt, self.sort, upto)
        query._dense = self._dense
        return query

    def added(self, after: int, upto: int, before: AlertRow | None = None,
              cap: int = 1_000_000) -> int:
        """Matches stored after seq `after` up to `upto` (new since a list was opened);
        with `before`, only those that sort ahead of that row. A range of the rowid:
        cheap however large the table."""
        clauses = self._conditions(indexed=False)
        params: tuple[object, ...] = tuple(self.flt.params)
        if self.flt.words and self._pg:
            clauses.append("a.words @@ ?::tsquery")
            params = (*params, self.flt.tsquery)
        elif self.flt.words:
            # FTS5 bounds its rowids itself: only the new rows are matched.
            clauses.append("a.seq IN (SELECT rowid FROM alert_fts WHERE alert_fts MATCH ?"
                           " AND rowid > ? AND rowid <= ?)")
            params = (*params, self.flt.fts_query, after, upto)
        clauses.append("a.seq > ? AND a.seq <= ?")
        params = (*params, after, upto)
        if before is not None:
            ahead, more = _ahead_of(self.sort, before)
            clauses.append(ahead)
            params = (*params, *more)
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM alert a WHERE {' AND '.join(clauses)}"
               " LIMIT ?) AS found")
        return self.conn.execute(sql, (*params, cap)).fetchone()[0]

    def estimate(self, cap: int = CAP) -> int:
        """The number of matches, or `cap` when there are at least that many. Cheap either way."""
        if self.flt.words and self._pg:
            # As on SQLite, the words lead and the other conditions are checked row by row:
            # left to itself the planner ANDs the bitmap of a common state or severity
            # (half the table) with the words' before it counts the first few. OFFSET 0
            # keeps the inner query planned on its own: the GIN index for a rare word, a
            # scan that stops at `cap` for a common one.
            conditions = self._conditions(indexed=False)
            params = (self.flt.tsquery, *self.flt.params)
            if self.upto is not None:
                conditions.append("a.seq <= ?")
                params = (*params, self.upto)
            where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
            sql = ("SELECT count(*) FROM (SELECT 1 FROM (SELECT * FROM alert"
                   f" WHERE words @@ ?::tsquery OFFSET 0) AS a {where} LIMIT ?) AS m")
        elif self.flt.words:
            # Stream FTS matches and check the other conditions row by row, so a common word
            # stops at `cap` instead of materialising hundreds of thousands of rowids.
            conditions = self._conditions(indexed=False)
            params: tuple[object, ...] = (self.flt.fts_query, *self.flt.params)
            if self.upto is not None:
                conditions.append("+a.seq <= ?")
                params = (*params, self.upto)
            extra = "".join(f" AND {c}" for c in conditions)
            sql = (
                "SELECT count(*) FROM (SELECT 1 FROM alert_fts f JOIN alert a ON a.seq = f.rowid"
                f" WHERE alert_fts MATCH ?{extra} LIMIT ?) AS found"
            )
        else:
            where, params = self._where(indexed=True)
            # PostgreSQL wants the subquery named.
            sql = f"SELECT count(*) FROM (SELECT 1 FROM alert a {where} LIMIT ?) AS found"
        found = self.conn.execute(sql, (*params, cap)).fetchone()[0]
        self._dense = found >= cap
        return found

    def count(self) -> int:
        """The exact number of matches; may take a few hundred ms for a common word."""
        where, params = self._where(indexed=True)
        return self.conn.execute(f"SELECT count(*) FROM alert a {where}", params).fetchone()[0]

    def page(self, offset: int, limit: int) -> list[AlertRow]:
        if self._dense is None:
            self.estimate()
        # Deep in a dense result, walking the sort index would test too many rows; sorting
        # every match through the filter's index is then the cheaper way.
        walk = self._dense and offset < DEEP
        where, params = self._where(indexed=not walk)
        order = _ORDER[self.sort]
        sql = (
            f"{_ROW} WHERE a.seq IN (SELECT a.seq FROM alert a {where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}"
        )
        rows = self.conn.execute(sql, (*params, limit, offset)).fetchall()
        return [AlertRow(*row) for row in rows]

    def _where(self, *, indexed: bool) -> tuple[str, tuple[object, ...]]:
        prefix = "" if indexed or self._pg else "+"
        conditions = self._conditions(indexed=indexed)
        params = list(self.flt.params)
        if self.flt.words and self._pg:
            conditions.append("a.words @@ ?::tsquery")
            params.append(self.flt.tsquery)
        elif self.flt.words:
            conditions.append(
                f"{prefix}a.seq IN (SELECT rowid FROM alert_fts WHERE alert_fts MATCH ?)"
            )
            params.append(self.flt.fts_query)
        if self.upto is not None:
            # Unary + keeps SQLite's planner on the filter's or the sort's index: the bound
            # excludes only the few rows added since the list opened.
            conditions.append("a.seq <= ?" if self._pg else "+a.seq <= ?")
            params.append(self.upto)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return where, tuple(params)

    def _conditions(self, *, indexed: bool) -> list[str]:
        hint = "" if indexed or self._pg else "+"
        return [c.format(p=hint) for c in self.flt.where(POSTGRESQL if self._pg else SQLITE)]


def _ahead_of(sort: Sort, row: AlertRow) -> tuple[str, tuple[object, ...]]:
    """The condition for rows that `sort` puts before `row`."""
    by_time = "(a.created_at > ? OR (a.created_at = ? AND a.seq > ?))"
    time_params: tuple[object, ...] = (row.created_at, row.created_at, row.seq)
    if sort is Sort.TIME:
        return by_time, time_params
    return (f"(a.severity > ? OR (a.severity = ? AND {by_time}))",
            (row.severity, row.severity, *time_params))


def max_seq(conn: sqlite3.Connection) -> int:
    """The newest alert's seq (0 for none): where an open list's set ends."""
    return conn.execute("SELECT coalesce(max(seq), 0) FROM alert").fetchone()[0]
