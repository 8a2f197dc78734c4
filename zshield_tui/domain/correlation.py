"""How a Jira issue is found again for its alert (DESIGN §6), without two alerts ever
sharing one.

The label must be a valid Jira label, so the alert id is lower-cased and characters
outside `a-z 0-9 - _ .` are replaced; that alone maps `x/1` and `x:1`, or `Case-1` and
`case-1`, to one label, and an attacker who names an alert first would take the real
alert's ticket. A hash of the exact id keeps the readable label unique; the `zshield`
issue property, holding the exact id, is what finally confirms a match.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^a-z0-9_.-]")
_READABLE_MAX = 200  # a Jira label holds 255 characters; the hash and prefix need 21


def correlation_label(alert_id: str) -> str:
    """`zshield-<readable id>-<12 hex of the exact id's SHA-256>`."""
    digest = hashlib.sha256(alert_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"zshield-{_readable(alert_id)[:_READABLE_MAX]}-{digest}"


def legacy_correlation_label(alert_id: str) -> str:
    """The label issues created before the hash was added carry: `zshield-<readable id>`."""
    return f"zshield-{_readable(alert_id)}"


def is_ticket_of(alert_id: str, labels: list[str], property_alert_id: str | None) -> bool:
    """True when an issue found by label really belongs to `alert_id`.

    The `zshield` property decides when it is there. Without it (Data Center may drop
    properties on create, and a crash can fall between create and the property's PUT),
    the hashed label proves it, and a legacy label only when the id needed no
    replacement, since only then can no other id have produced it.
    """
    if property_alert_id is not None:
        return property_alert_id == alert_id
    if correlation_label(alert_id) in labels:
        return True
    return legacy_correlation_label(alert_id) in labels and _readable(alert_id) == alert_id


def _readable(alert_id: str) -> str:
    return _UNSAFE.sub("-", alert_id.lower())
