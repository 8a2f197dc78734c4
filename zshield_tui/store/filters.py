"""The alert filter grammar shared by the TUI's `/` and `zshield list --filter`.

    sev:>=high  sev:critical  src:wazuh  cat:malware  state:new,acknowledged  state:!closed
    tech:T1059  asset:web-01  ioc:203.0.113.7  tag:mitre  parent:ZS-1  powershell cradle

Tokens are ANDed. Text tokens match a case-insensitive prefix, so the list narrows while
the analyst is still typing: `cat` and `tech` of the whole value; `src` of any word of the
source label ("AWS GuardDuty": `src:aws`, `src:guard`) or of the format the alert was read
in (`src:guardduty` also finds the Security Hub findings of a GuardDuty file). Bare words
search title, description, assets, IOCs and tags (SQLite FTS5) as a prefix; hostnames,
IPs, domains and emails are single tokens there, so `10.30.0.1` finds 10.30.0.1 and
10.30.0.12. A bad token raises FilterError with a message meant for the analyst; it never
reaches SQL.

While typing (the TUI), words wait until they can narrow the list cheaply: the word under
the cursor needs three characters, a finished word two, and a word that may become a key
("se" on the way to "sev:") waits for its colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zshield_tui.domain.severity import Severity
from zshield_tui.domain.state import AlertState

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
_TOKEN = re.compile(r'(?:(\w+):)?("([^"]*)"?|\S*)')


class FilterError(ValueError):
    """A filter the grammar does not accept; the message says which token and why."""


@dataclass
class AlertFilter:
    """A parsed filter: SQL conditions with their parameters, plus the FTS5 query.

    Conditions carry a `{p}` slot before each column: "" lets SQLite use the column's
    index, "+" stops it (so the query walks the sort order's index instead).
    """

    conditions: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    fts_terms: list[str] = field(default_factory=list)

    @property
    def fts_query(self) -> str:
        return " AND ".join(self.fts_terms)

    @property
    def is_empty(self) -> bool:
        return not self.conditions and not self.fts_terms


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
            result.conditions.append("{p}a.parent_id = ?")
            result.params.append(value)
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
    result.conditions.append(f"{{p}}a.severity {op} ?")
    result.params.append(rank)


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
    result.conditions.append(f"{{p}}a.state {'NOT IN' if negate else 'IN'} ({marks})")
    result.params.extend(names)


def _add_prefix(result: AlertFilter, column: str, value: str) -> None:
    # A range on a NOCASE column is a case-insensitive prefix match that can use the index.
    result.conditions.append(f"{{p}}a.{column} >= ? AND {{p}}a.{column} < ?")
    result.params.extend([value, value + _LAST])


def _add_source(result: AlertFilter, value: str) -> None:
    # Both sides are indexed, so SQLite answers the OR as the union of two index lookups.
    # LIKE ignores ASCII case, like the NOCASE label column; format names are lower case.
    literal = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    fmt = value.lower()
    result.conditions.append(
        f"({{p}}a.source IN {_SOURCE_LABELS} OR {{p}}a.format >= ? AND {{p}}a.format < ?)")
    result.params.extend([f"% {literal}%", fmt, fmt + _LAST])


def _add_text(result: AlertFilter, value: str, *, column: str | None, min_length: int) -> None:
    if len(value) < min_length or not re.search(r"\w", value):
        return
    # Quoting makes every character literal to FTS5 (no operators, no syntax errors); the
    # trailing * makes it a prefix so results follow each keystroke.
    phrase = '"' + value.replace('"', '""') + '"*'
    result.fts_terms.append(f"{column} : {phrase}" if column else phrase)
