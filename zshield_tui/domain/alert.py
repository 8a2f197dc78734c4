"""The alert: what every ingest format is normalised into (DESIGN §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .severity import Severity
from .state import AlertState


class Asset(BaseModel):
    """A host the alert concerns. At least one of hostname and ip is set."""

    model_config = ConfigDict(extra="forbid")

    hostname: str | None = None
    ip: str | None = None
    owner: str | None = None

    def label(self) -> str:
        parts = [p for p in (self.hostname, self.ip) if p]
        return " / ".join(parts) or "?"


class IOC(BaseModel):
    """An indicator of compromise: `type` is ip, domain, url, hash, email, file, ..."""

    model_config = ConfigDict(extra="forbid")

    type: str
    value: str


class Evidence(BaseModel):
    """A file that backs the alert (PCAP excerpt, screenshot, IOC list)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    path: str


class Alert(BaseModel):
    """One security alert. Unknown keys are refused so a typo in a native file is reported."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1)
    description: str = ""
    severity: Severity
    source: str = ""
    category: str = ""
    mitre_technique: str | None = None
    assigned_analyst: str | None = None
    state: AlertState = AlertState.NEW
    created_at: datetime
    parent_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    iocs: list[IOC] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    playbook: list[str] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)

    @field_validator("severity", mode="before")
    @classmethod
    def _parse_severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    @field_validator("created_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        # A timestamp without a zone is taken as UTC, so every stored time compares.
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
