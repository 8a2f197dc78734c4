"""The native format: exactly the alert of DESIGN §4, validated by the domain model."""

from __future__ import annotations

import os
from typing import Any

from zshield_tui.domain import Alert

from .common import Context, record_id

FIELDS = frozenset(Alert.model_fields)
_CORE = frozenset({"id", "title", "severity", "created_at"})


def detect(record: dict[str, Any]) -> bool:
    """Native when the keys are the alert's own and the core ones are there.

    A single unknown key still counts when title, severity and created_at are all
    present, so a typo is reported against its field instead of as an unknown format.
    """
    keys = record.keys()
    if {"title", "severity", "created_at"} <= keys:
        return True
    return keys <= FIELDS and len(_CORE & keys) >= 2


def to_alert(record: dict[str, Any], ctx: Context) -> Alert:
    """Validates the record as an Alert; relative evidence paths become absolute."""
    if "id" not in record:
        # Without an id a re-ingest would duplicate the alert; derive a stable one.
        record = {"id": record_id("zshield", record), **record}
    alert = Alert.model_validate(record)
    for item in alert.evidence:
        if not os.path.isabs(item.path):
            item.path = os.path.normpath(os.path.join(ctx.base_dir, item.path))
    return alert
