"""What a ticketing system may add to a ticket beyond the common interface: configuration
items from its CMDB and SLA timers. The shapes are shared; a connector that has neither
says so (`Connector.supports_cmdb`, `supports_sla`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ConfigurationItem:
    sys_id: str
    name: str
    ip_address: str
    ci_class: str
    owner: str          # owned_by's display name, "" when unset
    support_group: str
    matched_on: str     # the asset hostname or IP that found it


@dataclass(frozen=True)
class CmdbResult:
    items: list[ConfigurationItem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)      # assets with no CI
    ambiguous: list[str] = field(default_factory=list)    # assets with several CIs

    @property
    def primary(self) -> ConfigurationItem | None:
        """The CI the ticket points at: the first asset's."""
        return self.items[0] if self.items else None


@dataclass(frozen=True)
class SlaStatus:
    name: str                      # "Priority 1 resolution (4 hour)"
    stage: str                     # in_progress | paused | completed | cancelled
    stage_label: str               # In progress, ...
    has_breached: bool
    percentage: float              # elapsed share of the allowed time, may exceed 100
    planned_end: datetime | None   # the breach time
    time_left: timedelta | None
    active: bool
