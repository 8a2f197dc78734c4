"""The task_sla rows of a ticket as small typed values for the TUI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from zshield_tui.connectors.enrichment import SlaStatus
from zshield_tui.connectors.servicenow.api import ServiceNowApi

SLA_FIELDS = ["sys_id", "sla", "stage", "has_breached", "active", "start_time", "end_time",
              "planned_end_time", "percentage", "business_percentage", "time_left",
              "business_time_left"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FMT = "%Y-%m-%d %H:%M:%S"


async def read_slas(api: ServiceNowApi, task_sys_id: str) -> list[SlaStatus]:
    """The SLAs attached to one task, oldest first (display values for names and labels)."""
    rows = await api.list("task_sla", f"task={task_sys_id}^ORDERBYstart_time",
                          fields=SLA_FIELDS, display="all")
    return [to_status(row) for row in rows]


def _value(row: dict[str, Any], name: str) -> str:
    cell = row.get(name, "")
    return str(cell.get("value", "")) if isinstance(cell, dict) else str(cell or "")


def _shown(row: dict[str, Any], name: str) -> str:
    cell = row.get(name, "")
    return str(cell.get("display_value", "")) if isinstance(cell, dict) else str(cell or "")


def to_status(row: dict[str, Any]) -> SlaStatus:
    """One row read with sysparm_display_value=all (or plain values) -> SlaStatus."""
    try:
        percentage = float(_value(row, "percentage") or 0)
    except ValueError:
        percentage = 0.0
    return SlaStatus(name=_shown(row, "sla"), stage=_value(row, "stage"),
                     stage_label=_shown(row, "stage"),
                     has_breached=_value(row, "has_breached") == "true",
                     percentage=percentage,
                     planned_end=_time(_value(row, "planned_end_time")),
                     time_left=_duration(_value(row, "time_left")),
                     active=_value(row, "active") != "false")


def _time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, FMT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _duration(text: str) -> timedelta | None:
    """Durations are epoch-based date-times: 1970-01-01 02:30:00 is 2 h 30 min."""
    moment = _time(text)
    return moment - _EPOCH if moment else None
