"""Reading values out of foreign records without trusting their shape.

Every helper here accepts any JSON value and answers None/""/[] instead of raising, so a
converter can be written as a plain chain of lookups.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any


def dig(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None as soon as a step is not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def lookup(record: Any, path: str) -> Any:
    """A dotted ECS path, whether the document spells it flat, nested or mixed.

    Elastic writes `"kibana.alert.rule.name": ...` next to `"host": {"name": ...}` in one
    document, and either form may appear for any field.
    """
    if not isinstance(record, dict):
        return None
    if path in record:
        return record[path]
    return _walk(record, path.split("."), 0)


def _walk(node: dict, parts: list[str], start: int) -> Any:
    # Longest key first: "kibana.alert.rule" beats "kibana" when both exist.
    for end in range(len(parts), start, -1):
        key = ".".join(parts[start:end])
        if key not in node:
            continue
        value = node[key]
        if end == len(parts):
            return value
        if isinstance(value, dict):
            found = _walk(value, parts, end)
            if found is not None:
                return found
    return None


def text(value: Any) -> str:
    """A scalar as stripped text; "" for None, objects and lists."""
    kind = type(value)  # exact type checks first: this runs dozens of times per record
    if kind is str:
        return value.strip()
    if value is None or kind is dict or kind is list or kind is bool:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def first_text(*values: Any) -> str:
    """The first value that reads as non-empty text."""
    for value in values:
        found = text(value)
        if found:
            return found
    return ""


def as_list(value: Any) -> list:
    """Lists as they are, None as [], anything else as a one-item list."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_number(value: Any) -> float | None:
    """Numbers and numeric strings ("6.800000", Wazuh's "12") as float; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None  # NaN is no number
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number == number else None
    return None


# ISO-ish text that datetime.fromisoformat refuses: a space before the offset, a comma
# before the fraction, an hour-only offset.
_LOOSE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*"
    r"(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_time(value: Any) -> datetime | None:
    """A timestamp in UTC, or None when the value is no time at all.

    Accepts ISO 8601 with or without a colon in the offset, any number of fractional
    digits, no zone (taken as UTC), and epoch numbers in s, ms, µs or ns told apart by
    magnitude (OCSF mixes seconds and milliseconds; Falco writes nanoseconds).
    """
    if isinstance(value, str):
        moment = _parse_text(value.strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_epoch(value)
    else:
        return None
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def first_time(*values: Any) -> datetime | None:
    """The first value that parses as a time."""
    for value in values:
        moment = parse_time(value)
        if moment is not None:
            return moment
    return None


def _parse_text(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    number = as_number(value)
    if number is not None:
        return _from_epoch(number)
    match = _LOOSE_TIME.fullmatch(value)
    if match is None:
        return None
    day, clock, fraction, zone = match.groups()
    normal = f"{day}T{clock}"
    if fraction:
        normal += "." + fraction[:6].ljust(6, "0")
    if zone and zone.upper() not in ("Z", "UTC"):
        zone = zone.replace(":", "")
        normal += f"{zone[:3]}:{zone[3:5] or '00'}"
    elif zone:
        normal += "+00:00"
    try:
        return datetime.fromisoformat(normal)
    except ValueError:
        return None


def _from_epoch(number: float) -> datetime | None:
    size = abs(number)
    scale = 10**9 if size >= 1e17 else 10**6 if size >= 1e14 else 10**3 if size >= 1e11 else 1
    try:
        if isinstance(number, int):
            # Integer arithmetic: a float cannot hold nanoseconds since 1970 exactly.
            seconds, rest = divmod(number, scale)
            return datetime.fromtimestamp(seconds, UTC) + timedelta(
                microseconds=rest * 10**6 // scale)
        return datetime.fromtimestamp(number / scale, UTC)
    except (OverflowError, OSError, ValueError):
        return None
