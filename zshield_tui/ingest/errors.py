"""The two kinds of ingest failure: a whole file, or one record in it."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


class IngestError(Exception):
    """A whole-file problem (missing/unreadable file, unknown or undetectable format).

    str() is one line naming the file.
    """


@dataclass(frozen=True, slots=True)
class RecordError:
    """One record that could not become an alert; the rest of the file still loads."""

    path: str    # as given by the user ("-" shown as "<stdin>")
    line: int    # 1-based line where the bad record starts
    reason: str  # says what is wrong, naming the field
    index: int | None = None  # 0-based position in the JSON array holding the record

    @property
    def where(self) -> str:
        """`file:line`, or `file:line[index]` for an element of an array."""
        at = f"{self.path}:{self.line}"
        return at if self.index is None else f"{at}[{self.index}]"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class RecordProblem(ValueError):
    """Raised by a format converter when a record lacks what the format cannot do without.

    The message names the field, e.g. "rule: missing or not an object".
    """


# Pydantic's wording for these is written for developers; analysts read these messages.
_PLAIN = {"missing": "missing", "extra_forbidden": "unknown field"}


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, joined: "field.path: message", never a traceback."""
    parts = []
    for err in exc.errors(include_url=False):
        where = _location(err["loc"]) or "record"
        kind = err["type"]
        if kind in _PLAIN:
            parts.append(f"{where}: {_PLAIN[kind]}")
            continue
        message = err["msg"].removeprefix("Value error, ")
        if kind == "value_error":
            # Our own validators already quote the bad value.
            parts.append(f"{where}: {message}")
        else:
            parts.append(f"{where}: {message} (got {_short(err.get('input'))})")
    return "; ".join(parts)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True, slots=True)
class Skipped:
    """Returned by a converter for a record it recognises that holds no alert (a Suricata
    flow event, a CloudTrail API call): counted as skipped, under its reason, never an
    error."""

    reason: str  # what the record is, e.g. "Suricata flow event"
