"""The format registry and auto-detection from a record's shape."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import elastic, falco, guardduty, ocsf, suricata, wazuh, zeek, zshield

# Each module exposes detect(record) -> bool and to_alert(record, ctx) -> Alert | None,
# and optionally expand(record) -> list when one record holds several alerts.
MODULES: dict[str, ModuleType] = {
    "zshield": zshield,
    "suricata": suricata,
    "wazuh": wazuh,
    "elastic": elastic,
    "ocsf": ocsf,
    "guardduty": guardduty,
    "zeek": zeek,
    "falco": falco,
}
FORMATS: tuple[str, ...] = tuple(MODULES)

# Most specific shapes first: an Elastic alert can carry ECS `rule.*` fields copied from
# its source event, and a Wazuh-like `rule` must not win over `kibana.alert.*`.
_ORDER = ("zshield", "elastic", "ocsf", "guardduty", "wazuh", "suricata", "zeek", "falco")


def detect_format(record: Any) -> str | None:
    """The name of the format the record looks like, or None."""
    if not isinstance(record, dict):
        return None
    for name in _ORDER:
        if MODULES[name].detect(record):
            return name
    return None
