"""Encoded queries (`sysparm_query`): the subset zshield uses, with ServiceNow's habit of
silently dropping clauses on unknown columns (trap 18), so tests can show the connector
checks what comes back."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Longest operators first so `>=` is not read as `>` and `NOT IN` not as `IN`.
_OPS = ("ISNOTEMPTY", "ISEMPTY", "NOT LIKE", "NOT IN", "STARTSWITH", "ENDSWITH", "LIKE",
        "IN", "!=", ">=", "<=", "=", ">", "<")
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str


@dataclass
class Query:
    """OR of `queries` (each an AND of OR-groups), then the sort keys."""

    queries: list[list[list[Condition]]] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)


def split_terms(text: str, sep: str = "^") -> list[str]:
    """Splits on `^`; `^^` is an escaped caret inside a value."""
    terms, current, i = [], [], 0
    while i < len(text):
        if text[i] == sep:
            if text[i + 1:i + 2] == sep:
                current.append(sep)
                i += 2
                continue
            terms.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    terms.append("".join(current))
    return terms


def parse(text: str, columns: Iterable[str]) -> Query:
    """Parses an encoded query; clauses on unknown columns are dropped, as the real one does."""
    known = set(columns)
    query = Query()
    current: list[list[Condition]] = []
    for raw in split_terms(text or ""):
        term = raw.strip()
        if not term:
            continue
        if term == "NQ" or term.startswith("NQ"):
            if current:
                query.queries.append(current)
            current = []
            term = term[2:]
            if not term:
                continue
        if term.startswith("ORDERBYDESC"):
            query.order.append((term[len("ORDERBYDESC"):], True))
            continue
        if term.startswith("ORDERBY"):
            query.order.append((term[len("ORDERBY"):], False))
            continue
        is_or = term.startswith("OR") and current and _parse_condition(term[2:]) is not None
        condition = _parse_condition(term[2:] if is_or else term)
        if condition is None or condition.field.split(".")[0] not in known:
            continue
        if is_or:
            current[-1].append(condition)
        else:
            current.append([condition])
    if current:
        query.queries.append(current)
    return query


def _parse_condition(term: str) -> Condition | None:
    # The leftmost operator after a valid column name wins; at one position the longer one.
    best: tuple[int, str] | None = None
    for op in _OPS:
        at = term.find(op)
        while at > 0 and not _FIELD.fullmatch(term[:at]):
            at = term.find(op, at + 1)
        if at > 0 and (best is None or at < best[0]):
            best = (at, op)
    if best is None:
        return None
    at, op = best
    return Condition(term[:at], op, term[at + len(op):])


def matches(query: Query, get: Callable[[str], str]) -> bool:
    """Whether a record (read through `get(field)`) satisfies the query."""
    if not query.queries:
        return True
    return any(all(any(_test(c, get(c.field)) for c in group) for group in q)
               for q in query.queries)


def _test(c: Condition, actual: str) -> bool:
    value = c.value
    # Instances compare text without regard to case (the database's collation).
    if c.op == "=":
        return actual.lower() == value.lower()
    if c.op == "!=":
        return actual.lower() != value.lower()
    if c.op in ("IN", "NOT IN"):
        inside = actual in value.split(",")
        return inside if c.op == "IN" else not inside
    if c.op in ("LIKE", "NOT LIKE"):
        found = value.lower() in actual.lower()
        return found if c.op == "LIKE" else not found
    if c.op == "STARTSWITH":
        return actual.lower().startswith(value.lower())
    if c.op == "ENDSWITH":
        return actual.lower().endswith(value.lower())
    if c.op == "ISEMPTY":
        return actual == ""
    if c.op == "ISNOTEMPTY":
        return actual != ""
    left, right = _comparable(actual), _comparable(value)
    if type(left) is not type(right):
        left, right = str(left), str(right)
    return {">": left > right, ">=": left >= right, "<": left < right,
            "<=": left <= right}[c.op]


def _comparable(text: str) -> float | str:
    # Choice values such as state are numeric strings: "10" sorts after "3".
    try:
        return float(text)
    except ValueError:
        return text


def sort_key(value: str) -> tuple[int, float | str]:
    """Numbers before text, each in natural order."""
    comparable = _comparable(value)
    return (0, comparable) if isinstance(comparable, float) else (1, comparable)
