"""The one severity scale every alert format is normalised into."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Alert severity, most severe first in `ORDER`."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFORMATIONAL = "informational"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for informational: the number the store sorts by."""
        return _RANK[self]

    @classmethod
    def from_rank(cls, rank: int) -> Severity:
        return _BY_RANK[rank]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accepts the names and common abbreviations (`crit`, `info`) in any case."""
        key = text.strip().lower()
        try:
            return _ALIASES[key]
        except KeyError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFORMATIONAL: 0,
}
_BY_RANK = {rank: sev for sev, rank in _RANK.items()}
_ALIASES = {s.value: s for s in Severity} | {
    "crit": Severity.CRITICAL,
    "med": Severity.MEDIUM,
    "info": Severity.INFORMATIONAL,
}
