"""What-if replay on a generated data set, checked against a direct count."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from zshield_tui.automation.rules import route
from zshield_tui.automation.whatif import replay
from zshield_tui.demodata.generator import generate_alerts
from zshield_tui.domain import Severity
from zshield_tui.store import Store, upsert_alerts

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    alerts = list(generate_alerts(4000, seed=11, now=NOW, days=14))
    store = Store(tmp_path_factory.mktemp("whatif") / "z.db")
    upsert_alerts(store.conn, alerts, fmt="zshield")
    yield store, alerts
    store.close()


def direct_count(alerts, config, days: int) -> tuple[Counter, Counter]:
    """The slow, obvious way: every alert of the period through the rules, one by one."""
    floors = {t.name: Severity(t.auto_create.min_severity) for t in config.targets}
    since = NOW - timedelta(days=days)
    per_target, per_day = Counter(), Counter()
    for alert in alerts:
        if not since <= alert.created_at < NOW:
            continue
        match = route(alert, config.rules)
        chosen = [match.rule.then.target] if match else list(floors)
        for name in chosen:
            if alert.severity.rank >= floors[name].rank:
                per_target[name] += 1
                per_day[alert.created_at.date().isoformat()] += 1
    return per_target, per_day


@pytest.mark.parametrize("days", [1, 7, 14])
def test_counts_match_a_direct_count(data, config, days):
    store, alerts = data
    result = replay(store.conn, config, days, now=NOW)
    per_target, per_day = direct_count(alerts, config, days)
    assert dict(result.per_target) == dict(per_target)
    assert result.tickets == sum(per_target.values()) > 0
    assert {d: n for d, n in result.per_day.items() if n} == dict(per_day)
    assert len(result.per_day) == days + 1          # every day of the period, zeros too
    assert sum(result.per_rule.values()) == result.tickets


def test_a_threshold_without_rules_counts_like_sql(data, config):
    store, _ = data
    bare = config.model_copy(update={"rules": []})
    result = replay(store.conn, bare, 7, now=NOW, thresholds={"jira-sec": "critical"},
                    target="jira-sec")
    since = (NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    [(expected,)] = store.conn.execute(
        "SELECT count(*) FROM alert WHERE severity >= 4 AND created_at >= ?", (since,))
    assert result.tickets == result.per_target["jira-sec"] == expected


def test_raising_the_threshold_never_adds_tickets(data, config):
    store, _ = data
    counts = [replay(store.conn, config, 14, now=NOW,
                     thresholds={t.name: sev for t in config.targets}).tickets
              for sev in ("informational", "low", "medium", "high", "critical")]
    assert counts == sorted(counts, reverse=True)


def test_destinations_assignees_and_mapping_failures(data, config):
    store, _ = data
    seen = []

    def check(alert, target):
        seen.append(alert.id)
        return {"summary": ["too long"]} if target == "snow-sir" else {}

    result = replay(store.conn, config, 14, now=NOW, check=check)
    assert sum(n for (t, _), n in result.per_destination.items() if t == "jira-sec") == \
        result.per_target["jira-sec"]
    assert ("jira-sec", "SOCCRIT") in result.per_destination
    assert any(a.endswith("@yourorg.com") for (_, a) in result.per_assignee)
    assert len(result.failures) == result.per_target["snow-sir"] == \
        sum(1 for f in result.failures if f.target == "snow-sir")
    assert len(seen) == result.tickets
    document = result.as_json()
    assert document["tickets"] == result.tickets
    assert document["mapping_failures"][0]["errors"] == {"summary": ["too long"]}


def test_one_target_counts_only_what_first_match_routes_there(data, config):
    store, _ = data
    everything = replay(store.conn, config, 14, now=NOW)
    for name in ("jira-sec", "snow-sir"):
        alone = replay(store.conn, config, 14, now=NOW, target=name)
        assert alone.tickets == everything.per_target[name]


@pytest.mark.parametrize("setting", ["close", "note", "none"])
def test_cascades_count_the_child_alerts_tickets(data, config, setting):
    store, alerts = data
    automation = config.automation.model_copy(update={"children_on_parent_resolved": setting})
    result = replay(store.conn, config.model_copy(update={"automation": automation}), 7,
                    now=NOW)
    per_target, _ = direct_count([a for a in alerts if a.parent_id], config, 7)
    expected = 0 if setting == "none" else sum(per_target.values())
    assert result.cascades == expected
    assert result.as_json()["cascades"] == {"setting": setting, "child_tickets": expected}
    if setting == "close":
        assert expected > 0


def test_grouping_counts_one_ticket_per_key_and_window(data, config):
    """group_by on snow-sir: its tickets drop to one per title and day-long window, the
    rest are counted as recurrences; jira-sec, which does not group, is unchanged."""
    store, _ = data
    plain = replay(store.conn, config, 14, now=NOW)
    grouped_config = config.model_copy(update={"targets": [
        t.model_copy(update={"group_by": "{{alert.title}}", "group_window": "1d"})
        if t.name == "snow-sir" else t for t in config.targets]})
    grouped = replay(store.conn, grouped_config, 14, now=NOW)
    assert grouped.per_target["jira-sec"] == plain.per_target["jira-sec"]
    assert 0 < grouped.per_target["snow-sir"] < plain.per_target["snow-sir"]
    assert grouped.per_target["snow-sir"] + grouped.recurrences["snow-sir"] == \
        plain.per_target["snow-sir"]
    # The obvious way: windows opened by the first alert of each title, in time order.
    seen: list = []
    routed = replay(store.conn, config, 14, now=NOW, target="snow-sir",
                    check=lambda alert, _: seen.append(alert) or {})
    opened: dict[str, datetime] = {}
    tickets = 0
    for alert in sorted(seen, key=lambda a: (a.created_at, a.id)):
        first = opened.get(alert.title)
        if first is None or abs(alert.created_at - first) >= timedelta(days=1):
            opened[alert.title] = alert.created_at
            tickets += 1
    assert routed.tickets == len(seen)
    assert grouped.per_target["snow-sir"] == tickets
    assert grouped.as_json()["recurrences"] == {"snow-sir": grouped.recurrences["snow-sir"]}
