"""Ids, ATT&CK ids, CVE tags and the asset/IOC collector."""

from __future__ import annotations

from zshield_tui.domain import Severity
from zshield_tui.ingest.common import (
    Entities,
    cve_tags,
    native_id,
    record_id,
    severity_from_text,
    techniques,
)


def test_record_ids_ignore_key_order_and_differ_by_content():
    assert record_id("zeek", {"a": 1, "b": 2}) == record_id("zeek", {"b": 2, "a": 1})
    assert record_id("zeek", {"a": 1}) != record_id("zeek", {"a": 2})
    assert record_id("zeek", {"a": "\ud800"}).startswith("zeek:")  # lone surrogate


def test_native_ids_are_prefixed_and_bounded():
    assert native_id("falco", "abc") == "falco:abc"
    assert native_id("falco", 42) == "falco:42"
    assert native_id("falco", "") is None and native_id("falco", {"x": 1}) is None
    long = native_id("ocsf", "x" * 500)
    assert long.startswith("ocsf:") and len(long) < 200
    assert long == native_id("ocsf", "x" * 500)


def test_techniques_keep_valid_ids_once_in_order():
    assert techniques(["T1078", "t1021", "T1078", "TA0001", "nonsense", None, "T1059.001"]) == [
        "T1078", "T1021", "T1059.001"]


def test_cve_tags_normalise_et_spelling():
    assert cve_tags(["CVE_2021_44228", "CVE-2021-44228", "cve-2007-4559", "n/a"]) == [
        "cve:CVE-2021-44228", "cve:CVE-2007-4559"]


def test_severity_words():
    assert severity_from_text("LOW") is Severity.LOW
    assert severity_from_text("Informational ") is Severity.INFORMATIONAL
    assert severity_from_text("Fatal") is Severity.CRITICAL
    assert severity_from_text("Unknown") is None and severity_from_text(3) is None


def test_addresses_are_split_into_our_hosts_and_remote_indicators():
    found = Entities()
    found.address("192.168.1.10")
    found.address("8.8.8.8")
    found.address("000.111.222.10")  # invalid: kept as text, never a crash
    found.address("2001:4860:4860::8888")
    assert [a["ip"] for a in found.assets] == ["192.168.1.10", "000.111.222.10"]
    assert [(i["type"], i["value"]) for i in found.iocs] == [
        ("ip", "8.8.8.8"), ("ip", "2001:4860:4860::8888")]


def test_repeats_blanks_and_placeholders_are_dropped():
    found = Entities()
    found.host("web-01", "10.0.0.5")
    found.host(None, "10.0.0.5")  # already known with its hostname
    found.host("web-01", "10.0.0.5")
    found.host("", None)
    found.ioc("ip", "0.0.0.0")
    found.ioc("domain", "evil.example")
    found.ioc("domain", "evil.example")
    found.file_hash("fake file md5")
    found.file_hash("D41D8CD98F00B204E9800998ECF8427E")
    assert found.assets == [{"hostname": "web-01", "ip": "10.0.0.5", "owner": None}]
    assert found.iocs == [{"type": "domain", "value": "evil.example"},
                          {"type": "hash", "value": "d41d8cd98f00b204e9800998ecf8427e"}]


def test_a_placeholder_is_no_native_id():
    assert native_id("ocsf", "<finding_uid>") is None
    assert native_id("ocsf", "prowler-aws-check-1") == "ocsf:prowler-aws-check-1"
