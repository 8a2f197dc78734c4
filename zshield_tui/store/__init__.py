"""Persistence: the one place that speaks SQL.

Names load on first use (PEP 562) so that the TUI's list path (`query`, `filters`) does not
pull in pydantic or SQLModel before the first paint. The ORM paths live in `records`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "UpsertCounts": ".alerts", "get_alert": ".alerts", "upsert_alerts": ".alerts",
    "Database": ".db", "StoreError": ".db", "parse_database": ".db",
    "AlertFilter": ".filters", "FilterError": ".filters", "parse_filter": ".filters",
    "AlertQuery": ".query", "AlertRow": ".query", "Sort": ".query",
    "SCHEMA_VERSION": ".schema", "SchemaError": ".schema",
    "Store": ".store",
}
__all__ = [
    "AlertFilter",
    "AlertQuery",
    "Database",
    "AlertRow",
    "FilterError",
    "SCHEMA_VERSION",
    "SchemaError",
    "Sort",
    "Store",
    "StoreError",
    "UpsertCounts",
    "get_alert",
    "parse_database",
    "parse_filter",
    "upsert_alerts",
]

if TYPE_CHECKING:
    from .alerts import UpsertCounts, get_alert, upsert_alerts
    from .db import Database, StoreError, parse_database
    from .filters import AlertFilter, FilterError, parse_filter
    from .query import AlertQuery, AlertRow, Sort
    from .schema import SCHEMA_VERSION, SchemaError
    from .store import Store


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(module, __name__), name)
