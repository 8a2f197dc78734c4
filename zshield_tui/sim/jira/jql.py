"""The JQL subset the connector uses: project / labels / key with = or in, updated >= a
date, AND, ORDER BY. Anything else is a 400, like an unsupported clause in Jira."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from .state import Issue


class JqlError(ValueError):
    """The query cannot be parsed; the message is what Jira puts in errorMessages."""


@dataclass
class Query:
    match: Callable[[Issue], bool]
    bounded: bool
    order_desc: bool


_VALUE = r'"[^"]*"|[A-Za-z0-9_.\-]+'
_CLAUSE = re.compile(
    rf'^\s*(?P<field>project|labels|key|issuekey|updated|created)\s*'
    rf'(?:(?P<op>=|>=|<=|>|<)\s*(?P<value>{_VALUE})|in\s*\((?P<list>[^)]*)\))\s*$',
    re.IGNORECASE)
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


def _unquote(value: str) -> str:
    value = value.strip()
    return value[1:-1] if value.startswith('"') and value.endswith('"') else value


def _date(value: str, zone: tzinfo) -> datetime:
    for fmt in _DATE_FORMATS:
        try:
            # Jira reads JQL dates in the calling user's time zone (GET /myself).
            return datetime.strptime(value, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise JqlError(f"Date value '{value}' for field 'updated' is invalid. Valid formats "
                   "include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', "
                   "'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.")


def _clause(text: str, zone: tzinfo) -> Callable[[Issue], bool]:
    m = _CLAUSE.match(text)
    if not m:
        raise JqlError(f"Error in the JQL Query: unsupported clause '{text.strip()}'.")
    name = m["field"].lower()
    values = ([_unquote(v) for v in m["list"].split(",")] if m["list"] is not None
              else [_unquote(m["value"])])
    op = m["op"] or "in"
    if name in {"updated", "created"}:
        if op not in {">=", ">", "<=", "<"}:
            raise JqlError(f"Error in the JQL Query: operator '{op}' for '{name}'.")
        when = _date(values[0], zone)
        compare = {">=": lambda a: a >= when, ">": lambda a: a > when,
                   "<=": lambda a: a <= when, "<": lambda a: a < when}[op]
        # Minute precision: Jira compares against the minute, not the second.
        return lambda i: compare(getattr(i, name).astimezone(zone).replace(second=0,
                                                                           microsecond=0))
    if op not in {"=", "in"}:
        raise JqlError(f"Error in the JQL Query: operator '{op}' for '{name}'.")
    if name == "project":
        wanted = {v.upper() for v in values}
        return lambda i: i.project in wanted
    if name == "labels":
        wanted = set(values)
        return lambda i: bool(wanted & set(i.fields.get("labels") or []))
    wanted = {v.upper() for v in values}
    return lambda i: i.key in wanted or i.id in wanted


def parse(jql: str, zone: tzinfo = UTC) -> Query:
    """Parses `jql` (dates in `zone`); raises JqlError with Jira's kind of message."""
    order_desc = False
    body = jql
    m = re.search(r"\border\s+by\s+(.*)$", jql, re.IGNORECASE)
    if m:
        body = jql[:m.start()]
        order = m[1].split(",")[0].split()
        if not order or order[0].lower() not in {"updated", "created", "key"}:
            raise JqlError(f"Error in the JQL Query: cannot order by '{m[1]}'.")
        order_desc = len(order) > 1 and order[1].lower() == "desc"
    parts = [p for p in re.split(r"\s+AND\s+", body, flags=re.IGNORECASE) if p.strip()]
    checks = [_clause(p, zone) for p in parts]
    return Query(lambda i: all(c(i) for c in checks), bool(checks), order_desc)
