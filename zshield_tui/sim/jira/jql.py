"""The JQL subset the connector and common clients use: project / labels / key / status /
statusCategory / resolution with =, != or (not) in; resolution is (not) EMPTY; text,
summary, description or comment ~ words; updated / created against a date; AND; ORDER BY.
Anything else is a 400, like an unsupported clause in Jira."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from .state import CATEGORIES, STATUSES, Issue


class JqlError(ValueError):
    """The query cannot be parsed; the message is what Jira puts in errorMessages."""


@dataclass
class Query:
    match: Callable[[Issue], bool]
    bounded: bool
    order_desc: bool


_VALUE = r'"[^"]*"|\'[^\']*\'|[A-Za-z0-9_.\-]+'
_CLAUSE = re.compile(
    r'^\s*(?P<field>project|labels|key|issuekey|updated|created|statusCategory|status'
    r'|resolution|text|summary|description|comment)\s*'
    rf'(?:(?P<op>!=|=|>=|<=|>|<|~)\s*(?P<value>{_VALUE})'
    r'|(?P<negate>not\s+)?in\s*\((?P<list>[^)]*)\)'
    r'|is\s+(?P<filled>not\s+)?(?:empty|null))\s*$',
    re.IGNORECASE)
_TEXT_FIELDS = {"text", "summary", "description", "comment"}
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


def _unquote(value: str) -> str:
    value = value.strip()
    return value[1:-1] if value[:1] in {'"', "'"} and value[-1:] == value[:1] else value


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
    if m["list"] is None and m["value"] is None:
        # `is EMPTY` / `is not EMPTY`: only resolution is ever empty here.
        if name != "resolution":
            raise JqlError(f"Error in the JQL Query: '{name}' is never empty here.")
        return (lambda i: i.resolution is not None) if m["filled"] else \
            (lambda i: i.resolution is None)
    values = ([_unquote(v) for v in m["list"].split(",")] if m["list"] is not None
              else [_unquote(m["value"])])
    op = m["op"] or ("not in" if m["negate"] else "in")
    if name in {"updated", "created"}:
        if op not in {">=", ">", "<=", "<"}:
            raise JqlError(f"Error in the JQL Query: operator '{op}' for '{name}'.")
        when = _date(values[0], zone)
        compare = {">=": lambda a: a >= when, ">": lambda a: a > when,
                   "<=": lambda a: a <= when, "<": lambda a: a < when}[op]
        # Minute precision: Jira compares against the minute, not the second.
        return lambda i: compare(getattr(i, name).astimezone(zone).replace(second=0,
                                                                           microsecond=0))
    if name in _TEXT_FIELDS:
        if op != "~":
            raise JqlError(f"Error in the JQL Query: operator '{op}' for '{name}'.")
        return _contains(name, values[0])
    if op not in {"=", "in", "!=", "not in"}:
        raise JqlError(f"Error in the JQL Query: operator '{op}' for '{name}'.")
    wanted = {v.lower() for v in values}
    test = _equals(name, wanted)
    return (lambda i: not test(i)) if op in {"!=", "not in"} else test


def _equals(name: str, wanted: set[str]) -> Callable[[Issue], bool]:
    """Matches on the names, keys and ids Jira accepts for the field (case-insensitive)."""
    if name == "project":
        return lambda i: i.project.lower() in wanted
    if name == "labels":
        return lambda i: bool(wanted & {x.lower() for x in i.fields.get("labels") or []})
    if name == "status":
        return lambda i: bool(wanted & {i.status.lower(), STATUSES[i.status]["id"]})
    if name == "statuscategory":
        def category(i: Issue) -> set[str]:
            cat = CATEGORIES[STATUSES[i.status]["category"]]
            return {cat["key"], cat["name"].lower(), str(cat["id"])}
        return lambda i: bool(wanted & category(i))
    if name == "resolution":
        # "Unresolved" is the name JQL gives the empty resolution.
        return lambda i: (i.resolution is None and "unresolved" in wanted) or bool(
            i.resolution and wanted & {i.resolution["name"].lower(), i.resolution["id"]})
    return lambda i: i.key.lower() in wanted or i.id in wanted


def _contains(name: str, phrase: str) -> Callable[[Issue], bool]:
    """`~` as Jira's word index reads it: every word of the phrase, in any order and case."""
    words = _words(phrase)
    if not words:
        raise JqlError("Error in the JQL Query: the text to search for is empty.")

    def text(i: Issue) -> str:
        parts = {"summary": [i.fields.get("summary") or ""],
                 "description": [i.fields.get("description") or ""],
                 "comment": [c.body for c in i.comments]}
        chosen = parts.keys() if name == "text" else [name]
        return " ".join(p for key in chosen for p in parts[key])

    return lambda i: words <= _words(text(i))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


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
