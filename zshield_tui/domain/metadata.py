"""What a target accepts in a create: shared by the mapping validator and the connectors
(which fetch it: Jira create metadata, ServiceNow table columns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FieldSpec:
    """One field of the create screen (Jira) or column (ServiceNow)."""

    name: str
    required: bool = False
    type: str = "string"     # string, number, array, option, user, priority, reference, ...
    allowed: tuple[str, ...] = ()   # allowed values, empty when free
    max_length: int | None = None
    # Jira's schema.items (what an array holds: option, component, version, user, string)
    # and schema.custom (the custom field type key): with `type`, they decide the shape of
    # the value a create sends.
    items: str = ""
    custom: str = ""
    title: str = ""          # the name a person sees ("Affected systems"), when known


@dataclass(frozen=True)
class CreateMetadata:
    """What a create may contain: per project + issue type (Jira) or table (ServiceNow)."""

    scope: str                               # "SEC/Bug" or "sn_si_incident"
    fields: dict[str, FieldSpec]
    fetched_at: datetime | None = None
