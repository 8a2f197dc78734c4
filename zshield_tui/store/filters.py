"""The alert filter grammar shared by the TUI's `/` and `zshield list --filter`.

    sev:>=high  sev:critical  src:wazuh  cat:malware  state:new,acknowledged  state:!closed
    tech:T1059  asset:web-01  ioc:203.0.113.7  tag:mitre  parent:ZS-1  powershell cradle

Tokens are ANDed. Text tokens match a case-insensitive prefix, so the list narrows while
the analyst is still typing: `cat` and `tech` of the whole value; `src` of any word of the
source label ("AWS GuardDuty": `src:aws`, `src:guard`) or of the format the alert was read
in (`src:guardduty` also finds the Security Hub findings of a GuardDuty file). Bare words
search title, description, assets, IOCs and tags as a prefix (SQLite: the FTS5 table;
PostgreSQL: the `words` tsvector, schema_pg.py); hostnames, IPs, domains and emails are
single tokens in both, so `10.30.0.1` finds 10.30.0.1 and 10.30.0.12. A bad token raises
FilterError with a message meant for the analyst; it never reaches SQL.

The parse is shared; each condition carries its SQL for both databases (`where`), with
the same parameters, and the words render as an FTS5 query or a tsquery. PostgreSQL has
no NOCASE columns: case-insensitive prefixes compare lower() of both sides, byte by byte
(`~>=~`, the operators of the text_pattern_ops indices).

While typing (the TUI), words wait until they can narrow the list cheaply: the word under
the cursor needs three characters, a finished word two, and a word that may become a key
("se" on the way to "sev:") waits for its colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from zshield_tui.domain.severity import Severity
from zshield_tui.domain.state import AlertState

from .pg import POSTGRESQL
from .schema_pg import FOLD_FROM, FOLD_TO

_OPS = (">=", "<=", ">", "<", "=")
_PREFIX_KEYS = {"cat": "category", "tech": "mitre_technique"}
_FTS_KEYS = {"asset": "assets", "ioc": "iocs", "tag": "tags"}
KEYS = ("sev", "state", "parent", "src", *_PREFIX_KEYS, *_FTS_KEYS)
_LAST = "\U0010ffff"   # sorts after any character: value + _LAST ends a prefix range

# The distinct source labels, one index seek each (a loose scan of ix_alert_source: there
# are a few dozen labels in a million alerts), keeping those with a word that starts with
# the value. The list is computed once per query and then looked up through the index.
_SOURCE_LABELS = (
    "(WITH RECURSIVE label(s) AS (SELECT min(source) FROM alert UNION ALL"
    " SELECT (SELECT min(source) FROM alert WHERE source > label.s) FROM label"
    " WHERE label.s IS NOT NULL)"
    " SELECT s FROM label WHERE ' ' || s LIKE ? ESCAPE '\\')"
)
# The same loose scan over PostgreSQL's lower(source) index, as an array: `= ANY` of an
# array is an index condition, where `IN (subquery)` under an OR would scan the table.
_PG_SOURCE_LABELS = (
    "ARRAY(WITH RECURSIVE label(s) AS (SELECT min(lower(source)) FROM alert UNION ALL"
    " SELECT (SELECT min(lower(source)) FROM alert WHERE lower(source) > label.s) FROM label"
    " WHERE label.s IS NOT NULL)"
    " SELECT s FROM label WHERE ' ' || s LIKE lower(?) ESCAPE '\\')"
)
# What FTS5's tokenizer keeps together (schema.py's tokenchars), and zshield_tokens too;
# and the diacritics both fold (schema_pg.py).
_WORD_TOKEN = re.compile(r"[\w.@-]+")
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
# The tsvector weight each field's tokens carry (schema_pg.py).
_WEIGHTS = {"assets": "A", "iocs": "B", "tags": "C"}
_TOKEN = re.compile(r'(?:(\w+):)?("([^"]*)"?|\S*)')


class FilterError(ValueError):
    """A filter the grammar does not accept; the message says which token and why."""


class Condition(NamedTuple):
    """One token's SQL in each database, over the same parameters. A `{p}` slot before a
    column lets SQLite use the column's index ("") or stops it ("+", so the query walks
    the sort order's index instead); PostgreSQL's planner decides alone, its slot is ""."""

    sqlite: str
    postgresql: str


@dataclass(frozen=True)
class Word:
    """A free-text token: a prefix of consecutive words, in one field or in all."""

    value: str
    column: str | None = None     # assets | iocs | tags; None: every field

    @property
    def fts(self) -> str:
        # Quoting makes every character literal to FTS5 (no operators, no syntax errors);
        # the trailing * makes it a prefix so results follow each keystroke.
        phrase = '"' + self.value.replace('"', '""') + '"*'
        return f"{self.column} : {phrase}" if self.column else phrase

    @property
    def tsquery(self) -> str:
        # Cut as zshield_tokens cuts the indexed text: the tokens hold no quote, backslash
        # or space, so quoting them is all the escaping tsquery needs.
        # Cut at 256 characters, as the indexed tokens are (schema_pg.py).
        tokens = [t[:256] for t in _WORD_TOKEN.findall(self.value.lower().translate(_FOLD))]
        weight = _WEIGHTS.get(self.column or "", "")
        parts = []
        for i, token in enumerate(tokens):
            label = ("*" if i == len(tokens) - 1 else "") + weight
            parts.append(f"'{token}':{label}" if label else f"'{token}'")
        return "(" + " <-> ".join(parts) + ")"


@dataclass
class AlertFilter:
    """A parsed filter: SQL conditions with their parameters, plus the free-text words."""

    clauses: list[Condition] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)

    def where(self, dialect: str) -> list[str]:
        """The conditions in `dialect`'s SQL, `{p}` slots included."""
        if dialect == POSTGRESQL:
            return [c.postgresql for c in self.clauses]
        return [c.sqlite for c in self.clauses]

    @property
    def conditions(self) -> list[str]:
        """The conditions in SQLite's SQL."""
        return [c.sqlite for c in self.clauses]

    @property
    def fts_terms(self) -> list[str]:
        return [w.fts for w in self.words]

    @property
    def fts_query(self) -> str:
        """The words as one FTS5 query (SQLite)."""
        return " AND ".join(self.fts_terms)

    @property
    def tsquery(self) -> str:
        """The words as one tsquery (PostgreSQL)."""
        return " & ".join(w.tsquery for w in self.words)

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.words

    def add(self, sqlite: str, params: list[object], postgresql: str | None = None) -> None:
        self.clauses.append(Condition(sqlite, sqlite if postgresql is None else postgresql))
        self.params.extend(params)


def parse_filter(text: str, *, typing: bool = False) -> AlertFilter:
    """Parses the grammar above into an AlertFilter; raises FilterError on bad input.

    `typing` applies the patience rules above to the word at the end of `text`.
    """
    result = AlertFilter()
    for match in _TOKEN.finditer(text):
        key = match.group(1)
        value = match.group(3) if match.group(3) is not None else match.group(2)
        if key is None and not value:
            continue
        at_end = typing and match.end() == len(text)
        if at_end and key is None and _starts_a_key(value):
            continue
        if key is None:
            _add_text(result, value, column=None, min_length=3 if at_end else 2)
        elif key == "sev":
            _add_severity(result, value)
        elif key == "state":
            _add_state(result, value)
        elif key == "parent":
            result.add("{p}a.parent_id = ?", [value])
        elif key == "src":
            _add_source(result, value)
        elif key in _PREFIX_KEYS:
            _add_prefix(result, _PREFIX_KEYS[key], value)
        elif key in _FTS_KEYS:
            _add_text(result, value, column=_FTS_KEYS[key], min_length=3 if at_end else 2)
        else:
            raise FilterError(f"unknown filter key {key!r} in {match.group(0)!r}; "
                              f"keys: {', '.join(KEYS)}")
    return result


def _starts_a_key(word: str) -> bool:
    return any(k.startswith(word.lower()) for k in KEYS)


def _add_severity(result: AlertFilter, value: str) -> None:
    op = next((o for o in _OPS if value.startswith(o)), "=")
    name = value[len(op):] if value.startswith(op) else value
    try:
        rank = Severity.parse(name).rank
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise FilterError(f"sev:{value}: unknown severity {name!r}; use {names}, "
                          "optionally after >=, <=, > or <") from None
    result.add(f"{{p}}a.severity {op} ?", [rank])


def _add_state(result: AlertFilter, value: str) -> None:
    negate = value.startswith("!")
    names = [n for n in value.lstrip("!").split(",") if n]
    if not names:
        raise FilterError("state: needs a value such as state:new or state:!closed")
    for name in names:
        if name not in AlertState._value2member_map_:
            valid = ", ".join(s.value for s in AlertState)
            raise FilterError(f"state:{value}: unknown state {name!r}; use {valid}")
    marks = ", ".join("?" * len(names))
    result.add(f"{{p}}a.state {'NOT IN' if negate else 'IN'} ({marks})", list(names))


def _add_prefix(result: AlertFilter, column: str, value: str) -> None:
    # A range on a NOCASE column is a case-insensitive prefix match that can use the index;
    # on PostgreSQL the range of lower() over its text_pattern_ops index.
    result.add(f"{{p}}a.{column} >= ? AND {{p}}a.{column} < ?", [value, value + _LAST],
               f"lower(a.{column}) ~>=~ lower(?) AND lower(a.{column}) ~<~ lower(?)")


def _add_source(result: AlertFilter, value: str) -> None:
    # Both sides are indexed, so SQLite answers the OR as the union of two index lookups.
    # LIKE ignores ASCII case, like the NOCASE label column; format names are lower case.
    literal = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    fmt = value.lower()
    result.add(
        f"({{p}}a.source IN {_SOURCE_LABELS} OR {{p}}a.format >= ? AND {{p}}a.format < ?)",
        [f"% {literal}%", fmt, fmt + _LAST],
        f"(lower(a.source) = ANY ({_PG_SOURCE_LABELS}) OR a.format >= ? AND a.format < ?)")


def _add_text(result: AlertFilter, value: str, *, column: str | None, min_length: int) -> None:
    if len(value) < min_length or not re.search(r"\w", value):
        return
    result.words.append(Word(value, column))
