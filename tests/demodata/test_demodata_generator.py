"""The demo alert stream: deterministic, valid, realistic and safe to paste anywhere."""

from __future__ import annotations

import ast
import ipaddress
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from zshield_tui.demodata import generate_alerts
from zshield_tui.domain import Alert, AlertState, Severity

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SAMPLE = 5000
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                               "203.0.113.0/24")]
RESERVED_SUFFIXES = (".example.com", ".example.net", ".example.org", ".test", ".invalid")
# Tactic families the technique of each category may come from.
TECHNIQUES = {
    "execution": {"T1059", "T1204"},
    "credential-access": {"T1110", "T1003", "T1558", "T1621"},
    "lateral-movement": {"T1021"},
    "exfiltration": {"T1048", "T1567", "T1537"},
    "phishing": {"T1566"},
    "malware": {"T1204", "T1071", "T1486", "T1555", "T1496"},
    "reconnaissance": {"T1595", "T1046", "T1087"},
    "persistence": {"T1053", "T1547", "T1136", "T1098"},
    "privilege-escalation": {"T1098", "T1548", "T1611"},
    "policy-violation": {"T1219", "T1090", "T1052", None},
    "initial-access": {"T1190", "T1078"},
    "defense-evasion": {"T1070", "T1562", "T1218"},
    "command-and-control": {"T1071", "T1105"},
}


@pytest.fixture(scope="module")
def alerts() -> list[Alert]:
    return list(generate_alerts(SAMPLE, seed=7, now=NOW))


def test_same_seed_and_time_give_the_same_alerts(alerts: list[Alert]) -> None:
    again = list(generate_alerts(SAMPLE, seed=7, now=NOW))
    assert [a.model_dump() for a in again] == [a.model_dump() for a in alerts]


def test_another_seed_gives_other_alerts(alerts: list[Alert]) -> None:
    other = list(generate_alerts(SAMPLE, seed=8, now=NOW))
    assert [a.title for a in other] != [a.title for a in alerts]
    # Ids are sequence numbers, so they stay put whatever the seed.
    assert [a.id for a in other] == [a.id for a in alerts]


def test_the_stream_is_lazy_and_reading_part_of_it_gives_the_same_alerts() -> None:
    stream = generate_alerts(1000, seed=3, now=NOW)
    first = [next(stream) for _ in range(10)]
    assert first == list(generate_alerts(1000, seed=3, now=NOW))[:10]


def test_exactly_count_alerts_with_unique_sequential_ids(alerts: list[Alert]) -> None:
    assert len(alerts) == SAMPLE
    assert [a.id for a in alerts] == [f"ZS-2026-{n:06d}" for n in range(1, SAMPLE + 1)]
    assert list(generate_alerts(0, now=NOW)) == []
    assert len(list(generate_alerts(3, now=NOW))) == 3


def test_every_alert_passes_full_validation(alerts: list[Alert]) -> None:
    for alert in alerts:
        assert Alert.model_validate(alert.model_dump()) == alert
    # The native file format is JSON, so the text round trip must hold as well.
    for alert in alerts[:500]:
        assert Alert.model_validate_json(alert.model_dump_json()) == alert


def test_severity_mix_is_skewed_like_a_real_queue(alerts: list[Alert]) -> None:
    counts = Counter(a.severity for a in alerts)
    assert set(counts) == set(Severity)
    assert counts[Severity.CRITICAL] < 0.06 * SAMPLE
    assert counts[Severity.MEDIUM] + counts[Severity.LOW] > 0.55 * SAMPLE
    assert counts[Severity.CRITICAL] < counts[Severity.HIGH] < counts[Severity.MEDIUM]


def test_states_are_mostly_new(alerts: list[Alert]) -> None:
    counts = Counter(a.state for a in alerts)
    assert set(counts) == set(AlertState)
    assert counts.most_common(1)[0][0] is AlertState.NEW
    assert counts[AlertState.NEW] > 0.4 * SAMPLE


def test_sources_and_categories_cover_the_soc_stack(alerts: list[Alert]) -> None:
    sources = {a.source for a in alerts}
    assert {"EDR", "Suricata", "Wazuh", "Elastic Security", "AWS GuardDuty", "Okta", "Zeek",
            "Falco", "zshield"} <= sources
    assert set(TECHNIQUES) == {a.category for a in alerts}


def test_mitre_technique_fits_the_category(alerts: list[Alert]) -> None:
    for alert in alerts:
        technique = alert.mitre_technique
        if technique is not None:
            assert re.fullmatch(r"T\d{4}(\.\d{3})?", technique)
            technique = technique.split(".")[0]
        assert technique in TECHNIQUES[alert.category], (alert.category, alert.mitre_technique)


def test_incidents_have_3_to_20_children_that_follow_them(alerts: list[Alert]) -> None:
    seen: dict[str, Alert] = {}
    children: Counter[str] = Counter()
    for alert in alerts:
        if alert.parent_id is not None:
            parent = seen[alert.parent_id]  # the parent came earlier in the stream
            assert parent.category == alert.category
            assert parent.created_at <= alert.created_at
            children[alert.parent_id] += 1
        seen[alert.id] = alert
    parents = [a for a in alerts if a.source == "zshield"]
    assert len(parents) >= 20
    for parent in parents:
        assert parent.title.startswith("Incident: ")
        assert parent.parent_id is None
        assert 3 <= children[parent.id] <= 20
        assert parent.raw["children"] == children[parent.id]
        assert parent.severity.rank == max(
            a.severity.rank for a in alerts if a.parent_id == parent.id)
    assert set(children) == {p.id for p in parents}


def test_children_come_right_after_their_parent(alerts: list[Alert]) -> None:
    current = None
    for alert in alerts:
        if alert.source == "zshield":
            current = alert.id
        elif alert.parent_id is None:
            current = None
        else:
            assert alert.parent_id == current


def test_children_of_an_incident_share_its_indicators(alerts: list[Alert]) -> None:
    parents = [a for a in alerts if a.source == "zshield" and a.iocs]
    for parent in parents:
        kids = [a for a in alerts if a.parent_id == parent.id]
        child_iocs = {(i.type, i.value) for a in kids for i in a.iocs}
        assert {(i.type, i.value) for i in parent.iocs} <= child_iocs


@pytest.mark.parametrize("days", [1, 3, 14, 30])
def test_created_at_falls_in_the_window_before_now(days: int) -> None:
    sample = list(generate_alerts(2000, seed=1, now=NOW, days=days))
    for alert in sample:
        assert alert.created_at.tzinfo is not None
        assert alert.created_at.utcoffset() == timedelta(0)
        assert NOW - timedelta(days=days) <= alert.created_at <= NOW
    span = max(a.created_at for a in sample) - min(a.created_at for a in sample)
    assert span > timedelta(days=days) * 0.9


def test_top_level_alerts_are_in_time_order(alerts: list[Alert]) -> None:
    top = [a.created_at for a in alerts if a.parent_id is None]
    assert top == sorted(top)


def test_now_defaults_to_the_current_time_and_naive_means_utc() -> None:
    before = datetime.now(UTC)
    for alert in generate_alerts(200, days=2):
        assert before - timedelta(days=2) <= alert.created_at <= datetime.now(UTC)
    naive = list(generate_alerts(50, now=NOW.replace(tzinfo=None)))
    assert naive == list(generate_alerts(50, now=NOW))
    cet = NOW.astimezone(timezone(timedelta(hours=1)))
    assert list(generate_alerts(50, now=cet)) == naive


def _reserved_domain(domain: str) -> bool:
    return domain.endswith(RESERVED_SUFFIXES) or domain in {"example.com", "example.net",
                                                            "example.org"}


def test_iocs_use_documentation_ranges_and_reserved_domains_only(alerts: list[Alert]) -> None:
    kinds: Counter[str] = Counter()
    for alert in alerts:
        for ioc in alert.iocs:
            kinds[ioc.type] += 1
            if ioc.type == "ip":
                address = ipaddress.ip_address(ioc.value)
                assert any(address in net for net in DOC_NETS), ioc.value
            elif ioc.type == "domain":
                assert _reserved_domain(ioc.value), ioc.value
            elif ioc.type == "url":
                assert _reserved_domain(urlsplit(ioc.value).hostname or ""), ioc.value
            elif ioc.type == "email":
                assert _reserved_domain(ioc.value.rpartition("@")[2]), ioc.value
            else:
                assert ioc.type == "sha256"
                assert re.fullmatch(r"[0-9a-f]{64}", ioc.value)
    assert set(kinds) == {"ip", "domain", "url", "sha256", "email"}


def test_external_addresses_in_text_are_documentation_ranges(alerts: list[Alert]) -> None:
    ip_pattern = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
    for alert in alerts:
        for text in (alert.title, alert.description, *alert.playbook):
            for found in ip_pattern.findall(text):
                address = ipaddress.ip_address(found)
                assert address.is_private or any(address in n for n in DOC_NETS), found


def test_assets_are_internal_hosts_with_owners(alerts: list[Alert]) -> None:
    owners = set()
    for alert in alerts:
        assert alert.assets
        for asset in alert.assets:
            assert asset.hostname
            owners.add(asset.owner)
            if asset.ip is not None:
                assert ipaddress.ip_address(asset.ip) in ipaddress.ip_network("10.0.0.0/8")
    assert {"platform-team", "payments-team", "it-helpdesk"} <= owners


def test_analysts_tags_playbooks_and_raw(alerts: list[Alert]) -> None:
    analysts = {a.assigned_analyst for a in alerts}
    assert None in analysts
    assert {"ana@yourorg.com", "bo@yourorg.com", "cy@yourorg.com"} <= analysts
    assert all(a is None or a.endswith("@yourorg.com") for a in analysts)
    for alert in alerts:
        assert 3 <= len(alert.playbook) <= 6
        assert all(step and "{" not in step for step in alert.playbook)
        assert alert.tags and len(alert.tags) == len(set(alert.tags))
        assert alert.raw["generator"] == "zshield-demo"
        assert alert.raw["seq"] == int(alert.id.rsplit("-", 1)[1])
        assert "{" not in alert.title and "{" not in alert.description
        assert alert.description.count("\n") >= 1


def test_some_titles_carry_markup_like_brackets(alerts: list[Alert]) -> None:
    # Real titles ("[EDR] ...", Suricata "[1:2027865:5]") do; the TUI has to cope.
    bracketed = [a.title for a in alerts if "[" in a.title and "]" in a.title]
    assert len(bracketed) > 0.1 * SAMPLE
    assert any(t.startswith("[EDR] ") for t in bracketed)


def test_without_an_evidence_dir_no_alert_has_evidence(alerts: list[Alert]) -> None:
    assert not any(a.evidence for a in alerts)


def test_bad_arguments_are_refused_at_call_time() -> None:
    with pytest.raises(ValueError, match="count"):
        generate_alerts(-1)
    with pytest.raises(ValueError, match="days"):
        generate_alerts(10, days=0)


def test_demodata_imports_only_the_domain_and_the_standard_library() -> None:
    package = Path(__file__).parents[2] / "zshield_tui" / "demodata"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name == "zshield_tui.domain", (
                    f"{module.name} imports {name}")
