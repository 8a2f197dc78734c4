"""What a layout reader (JSON in source.py, Zeek TSV in zeek_tsv.py) hands on: items."""

from __future__ import annotations

from typing import Any

# (1-based line where the record starts, index in its array or None, value or BadJSON)
Item = tuple[int, int | None, Any]


class BadJSON:
    """Stands in for a record that did not parse; `reason` says why and where. (Named for
    JSON, the usual layout; a Zeek TSV row that does not fit its header is one too.)"""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason
