"""Routing: rules are tried in order and the first whose conditions all hold wins."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import make_alert
from zshield_tui.automation.assign import assign
from zshield_tui.automation.rules import explain_all, route
from zshield_tui.domain import Asset, Severity


def test_the_first_matching_rule_wins_even_when_later_ones_match_too(config):
    alert = make_alert(1, severity=Severity.CRITICAL, category="malware", source="EDR")
    match = route(alert, config.rules)
    assert match.rule.name == "critical to SOC-CRIT"
    assert match.index == 0
    assert "severity critical >= critical" in match.explain()


def test_moving_a_rule_up_changes_the_route(config):
    alert = make_alert(1, severity=Severity.CRITICAL, category="malware")
    reordered = [config.rules[1], config.rules[0], config.rules[2]]
    assert route(alert, reordered).rule.name == "malware to the SIR group"


def test_conditions_are_case_insensitive_and_all_must_hold(config):
    alert = make_alert(1, severity=Severity.MEDIUM, category="Execution", source="edr")
    match = route(alert, config.rules)
    assert match.rule.name == "EDR by category"
    assert match.reasons == ("severity medium >= medium", "source is 'edr'")
    low = make_alert(1, severity=Severity.LOW, category="execution", source="EDR")
    assert route(low, config.rules) is None


def test_explain_all_says_why_each_rule_did_not_match(config):
    alert = make_alert(1, severity=Severity.LOW, category="execution", source="EDR")
    verdicts = {rule.name: (ok, reasons) for rule, ok, reasons in explain_all(alert, config.rules)}
    assert verdicts["critical to SOC-CRIT"] == (False, ["severity low < critical"])
    assert verdicts["malware to the SIR group"][1] == ["category 'execution' not in ['malware']"]


def test_asset_owner_and_tag_conditions(config):
    from zshield_tui.rules_config import Rule

    rule = Rule.model_validate({"name": "finance", "when": {"asset_owner": ["Finance"],
                                "tag": "pci"}, "then": {"target": "jira-sec"}})
    hit = make_alert(1, assets=[Asset(hostname="a", owner="platform"),
                                Asset(hostname="b", owner="finance")], tags=["PCI"])
    assert route(hit, [rule]).reasons == ("asset owner 'finance'", "tag 'PCI'")
    assert route(make_alert(1, tags=["pci"]), [rule]) is None   # owner is platform


def test_assignment_by_oncall_category_and_asset_owner(config):
    moment = datetime(2026, 11, 24, 12, tzinfo=UTC)
    critical = make_alert(1, severity=Severity.CRITICAL)
    assert assign(config.rules[0].then, critical, config.oncall, moment).assignee == \
        "ana@yourorg.com"
    malware = make_alert(3, category="malware")
    who = assign(config.rules[1].then, malware, config.oncall, moment)
    assert (who.assignee, who.reason) == ("platform", "asset owner")
    edr = make_alert(1, category="execution", source="EDR")
    assert assign(config.rules[2].then, edr, config.oncall, moment).assignee == \
        "exec-team@yourorg.com"
    other = make_alert(1, category="recon", source="EDR")
    assert assign(config.rules[2].then, other, config.oncall, moment).assignee is None


def test_rules_read_back_as_an_analyst_wrote_them(config):
    from zshield_tui.automation.rules import describe_then, describe_when

    described = [(describe_when(r.when), describe_then(r)) for r in config.rules]
    assert described[0] == ("severity >= critical",
                            "jira-sec, project SOCCRIT, assign oncall:primary")
    assert described[2][0] == "severity >= medium, source EDR"
