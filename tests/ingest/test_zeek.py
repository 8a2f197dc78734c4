"""Zeek notices: no native severity, flat dotted keys, notices without a connection."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from zshield_tui.domain import Severity
from zshield_tui.ingest import zeek

from .conftest import SAMPLES
from .helpers import load

NOTICES = SAMPLES / "zeek/notice_maccdc2012_00016.jsonl"


def test_notices_get_the_default_severity_map():
    alerts = load(NOTICES).alerts
    counts = Counter((a.title, a.severity) for a in alerts)
    assert counts == {
        ("SSL::Invalid_Server_Cert", Severity.LOW): 16,
        ("HTTP::SQL_Injection_Victim", Severity.HIGH): 3,
        ("HTTP::SQL_Injection_Attacker", Severity.HIGH): 1,
        ("TeamCymruMalwareHashRegistry::Match", Severity.HIGH): 2,
    }


def test_the_severity_map_is_configurable_and_unknown_notes_are_medium():
    alerts = load(NOTICES, zeek_severity={"SSL::Invalid_Server_Cert": "informational",
                                          "HTTP::SQL_Injection_Victim": Severity.CRITICAL}).alerts
    by_note = {a.title: a.severity for a in alerts}
    assert by_note["SSL::Invalid_Server_Cert"] is Severity.INFORMATIONAL
    assert by_note["HTTP::SQL_Injection_Victim"] is Severity.CRITICAL
    assert by_note["HTTP::SQL_Injection_Attacker"] is Severity.HIGH
    assert zeek.FALLBACK is Severity.MEDIUM
    assert "Scan::Port_Scan" not in zeek.DEFAULT_SEVERITY


def test_a_connection_notice():
    first = load(NOTICES).alerts[0]
    assert first.category == "SSL"
    assert first.source == "Zeek"
    assert first.created_at == datetime(2012, 3, 17, 18, 23, 37, tzinfo=UTC)
    assert first.description.startswith("SSL certificate validation failed")
    assert [a.ip for a in first.assets] == ["192.168.202.138", "192.168.21.253"]


def test_notices_without_uid_still_get_distinct_stable_ids():
    alerts = [a for a in load(NOTICES).alerts if a.title.startswith("HTTP::SQL_Injection")]
    assert len(alerts) == 4
    assert all("uid" not in a.raw for a in alerts)
    assert len({a.id for a in alerts}) == 4


def test_malware_hash_match_keeps_the_file_url():
    match = next(a for a in load(NOTICES).alerts if a.category == "TeamCymruMalwareHashRegistry")
    urls = [i.value for i in match.iocs if i.type == "url"]
    assert "http://192.168.25.103/webdav/c99.php?act=tools&d=C:\\xampp\\webdav\\" in urls
