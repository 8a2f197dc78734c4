"""Alert states, in the order an alert usually moves through them."""

from __future__ import annotations

from enum import StrEnum


class AlertState(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
