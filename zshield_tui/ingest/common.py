"""What every format converter shares: the context, ids, MITRE ids, assets and IOCs."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from zshield_tui.domain import Severity

from .fields import text

# Tags that tell the analyst a value was defaulted rather than read from the record.
SEVERITY_UNKNOWN = "severity-unknown"
TIME_UNKNOWN = "time-unknown"

MAX_ID = 200  # Alert.id max_length


@dataclass(frozen=True, slots=True)
class Context:
    """Per-file facts a converter may need."""

    path: str                 # the file as shown in messages
    base_dir: str             # absolute folder that relative evidence paths resolve against
    ingested_at: datetime     # the stand-in time for records that carry no usable time
    zeek_severity: Mapping[str, Severity] = field(default_factory=dict)


def native_id(fmt: str, value: Any) -> str | None:
    """`fmt:value` for a format's own id; hashed when that would be too long; None if
    absent, or a template's placeholder (`<finding_uid>`, left in by example outputs and
    shared by every record of them)."""
    value = text(value)
    if not value or (value[0] == "<" and value[-1] == ">"):
        return None
    ident = f"{fmt}:{value}"
    if len(ident) <= MAX_ID:
        return ident
    return f"{fmt}:{_digest(value)}"


def record_id(fmt: str, record: Any) -> str:
    """An id for a record that has none: a hash of its canonical JSON.

    The same record gives the same id on every ingest, so re-loading a file updates
    instead of duplicating.
    """
    canonical = json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return f"{fmt}:{_digest(canonical)}"


def _digest(value: str) -> str:
    # 80 bits: no collision in any realistic alert store, and short enough to read.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:20]


_TECHNIQUE = re.compile(r"T\d{4}(?:\.\d{3})?")


def techniques(values: Iterable[Any]) -> list[str]:
    """Valid ATT&CK technique ids in first-seen order, without repeats."""
    found: list[str] = []
    for value in values:
        ident = text(value).upper()
        if _TECHNIQUE.fullmatch(ident) and ident not in found:
            found.append(ident)
    return found


def mitre_tags(ids: Iterable[str]) -> list[str]:
    """`mitre:T1078` tags, so every technique of an alert can be filtered on."""
    return [f"mitre:{ident}" for ident in ids]


_CVE = re.compile(r"CVE-\d{4}-\d{4,}")


def cve_tags(values: Iterable[Any]) -> list[str]:
    """`cve:CVE-2021-44228` tags; ET rule metadata spells them CVE_2021_44228."""
    found: list[str] = []
    for value in values:
        ident = text(value).upper().replace("_", "-")
        if _CVE.fullmatch(ident) and f"cve:{ident}" not in found:
            found.append(f"cve:{ident}")
    return found


# OCSF's sixth level; the rest of our scale is understood by Severity.parse.
_EXTRA_SEVERITY_WORDS = {"fatal": Severity.CRITICAL}


def severity_from_text(value: Any) -> Severity | None:
    """Our scale's names in any case (`High`, `LOW`, `info`); None for anything else."""
    word = text(value).lower()
    if not word:
        return None
    try:
        return Severity.parse(word)
    except ValueError:
        return _EXTRA_SEVERITY_WORDS.get(word)


# The syslog severity names (RFC 5424), as Falco priorities and ECS log.syslog use them.
_SYSLOG = {
    "emergency": Severity.CRITICAL, "alert": Severity.CRITICAL, "critical": Severity.CRITICAL,
    "error": Severity.HIGH, "warning": Severity.MEDIUM, "notice": Severity.LOW,
    "informational": Severity.INFORMATIONAL, "info": Severity.INFORMATIONAL,
    "debug": Severity.INFORMATIONAL,
}


def syslog_severity(value: Any) -> Severity | None:
    """A syslog severity name in any case (`Warning`, `notice`); None for anything else."""
    return _SYSLOG.get(text(value).lower())


# Cached: the same few addresses repeat across thousands of alerts.
@lru_cache(maxsize=8192)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_ip(value: str) -> bool:
    """True when the text is a valid IPv4 or IPv6 address."""
    return _address(value) is not None


def is_external(value: str) -> bool:
    """True for a globally routable address; False for private, reserved and invalid text."""
    address = _address(value)
    return address is not None and address.is_global


_HASH = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")
_UNSPECIFIED = frozenset({"0.0.0.0", "::"})


class Entities:
    """Collects a record's assets and IOCs, dropping blanks and repeats.

    Values are kept as the record wrote them (an invalid address such as `000.111.222.10`
    stays a string); nothing is invented.
    """

    __slots__ = ("assets", "iocs", "_seen")

    def __init__(self) -> None:
        self.assets: list[dict[str, str | None]] = []
        self.iocs: list[dict[str, str]] = []
        self._seen: set[tuple[str, ...]] = set()

    def host(self, hostname: Any = None, ip: Any = None, owner: Any = None) -> None:
        """An asset of ours: a hostname, an address or both."""
        name, address = text(hostname), text(ip)
        if not (name or address):
            return
        key = ("asset", name, address)
        # A bare address already known with its hostname adds nothing.
        if key in self._seen or (not name and ("ip", address) in self._seen):
            return
        self._seen.add(key)
        if address:
            self._seen.add(("ip", address))
        self.assets.append({"hostname": name or None, "ip": address or None,
                            "owner": text(owner) or None})

    def ioc(self, kind: str, value: Any) -> None:
        """An indicator: kind is ip, domain, url, hash, file or email."""
        found = text(value)
        if not found or (kind == "ip" and found in _UNSPECIFIED):
            return
        key = ("ioc", kind, found)
        if key not in self._seen:
            self._seen.add(key)
            self.iocs.append({"type": kind, "value": found})

    def file_hash(self, value: Any) -> None:
        """A hash IOC, only when the value really is hex of a known hash length."""
        found = text(value)
        if _HASH.fullmatch(found):
            self.ioc("hash", found.lower())

    def address(self, ip: Any) -> None:
        """An address whose role the format does not state.

        Routable addresses are taken as the remote party (an IOC); private, reserved and
        unparseable ones as our own host (an asset).
        """
        found = text(ip)
        if is_external(found):
            self.ioc("ip", found)
        else:
            self.host(ip=found)

    def remote(self, ip: Any) -> None:
        """An address the format names as the other side (attacker, caller, peer)."""
        self.ioc("ip", ip)

    def has_asset_ip(self, ip: str) -> bool:
        """True when an asset already carries this address."""
        return ("ip", ip) in self._seen
