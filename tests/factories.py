"""Small alert factories for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zshield_tui.domain import IOC, Alert, Asset, Severity


def make_alert(n: int, **overrides) -> Alert:
    """Alert number n: distinct id and time; severity cycles through the scale."""
    fields = dict(
        id=f"ZS-{n:06d}",
        title=f"Alert {n} on web-{n % 7:02d}",
        description=f"Description of alert {n}",
        severity=list(Severity)[n % 5],
        source="EDR" if n % 2 else "Wazuh",
        category="execution" if n % 3 else "malware",
        mitre_technique="T1059.001" if n % 3 else "T1204",
        created_at=datetime(2026, 11, 24, tzinfo=UTC) + timedelta(minutes=n),
        assets=[Asset(hostname=f"web-{n % 7:02d}", ip=f"10.0.0.{n % 250}", owner="platform")],
        iocs=[IOC(type="ip", value=f"203.0.113.{n % 250}")],
    )
    fields.update(overrides)
    return Alert(**fields)
