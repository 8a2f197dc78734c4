"""Every filter, and the config's overrides of the severity tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from zshield_tui.domain import IOC, Asset, Severity
from zshield_tui.mapping.environment import (
    build_environment,
    compile_template,
    default_environment,
    environment_for,
)
from zshield_tui.mapping.filters import (
    FilterError,
    assets_text,
    filter_tables,
    iocs_text,
    iso,
    lines,
    make_filters,
)
from zshield_tui.mapping.render import render_draft


def render(source: str, tables=None, **context) -> str:
    return compile_template(build_environment(tables), source).render(context)


@pytest.mark.parametrize(("severity", "priority", "sir", "impact", "urgency"), [
    ("critical", "Highest", "1", "1", "1"),
    ("high", "High", "1", "1", "2"),
    ("medium", "Medium", "2", "2", "2"),
    ("low", "Low", "3", "3", "2"),
    ("informational", "Lowest", "3", "3", "3"),
])
def test_severity_tables(severity, priority, sir, impact, urgency):
    filters = make_filters()
    value = Severity(severity)
    assert filters["jira_priority"](value) == priority
    assert filters["snow_severity"](value) == sir
    assert filters["snow_impact"](value) == impact
    assert filters["snow_urgency"](value) == urgency
    assert filters["jira_priority"](severity.upper()) == priority  # plain text works too


def test_a_value_outside_the_table_is_a_clear_error():
    with pytest.raises(FilterError, match="jira_priority: no entry for 'urgent'; the table has"):
        make_filters()["jira_priority"]("urgent")


def test_the_config_overrides_single_entries_and_keeps_the_rest():
    tables = filter_tables({"jira_priority": {"Critical": "P1", "high": "P2"},
                            "snow_urgency": {"low": "3"}})
    assert tables.jira_priority == {"critical": "P1", "high": "P2", "medium": "Medium",
                                    "low": "Low", "informational": "Lowest"}
    assert tables.snow_urgency["low"] == "3" and tables.snow_impact["low"] == "3"
    assert render("{{ s | jira_priority }}", tables, s=Severity.CRITICAL) == "P1"
    assert render("{{ s | jira_priority }}", s=Severity.CRITICAL) == "Highest"


def test_an_unknown_table_in_the_config_is_refused_naming_the_key():
    with pytest.raises(FilterError, match="^mapping.filters.snow_priority: unknown table; "
                                          "known: jira_priority, snow_severity"):
        filter_tables({"snow_priority": {"high": "1"}})
    with pytest.raises(FilterError, match="^mapping.filters.jira_priority.high: "):
        filter_tables({"jira_priority": {"high": 1}})


def test_the_environment_for_overrides_is_shared_and_renders_with_them(alert, jira_mapping,
                                                                       jira_target):
    overrides = {"jira_priority": {"high": "P2"}}
    env = environment_for(overrides)
    assert environment_for({"jira_priority": {"high": "P2"}}) is env
    assert environment_for(None) is default_environment()
    draft = render_draft(alert, jira_mapping, jira_target, env)
    assert draft.payload["fields"]["priority"] == {"name": "P2"}


def test_iso_dates():
    assert iso(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)) == "2026-11-24T10:00:00Z"
    cet = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 11, 24, 11, 0, tzinfo=cet)) == "2026-11-24T11:00:00+01:00"
    assert iso(date(2026, 11, 24)) == "2026-11-24"
    with pytest.raises(FilterError, match="iso: expected a date"):
        iso("yesterday")


def test_assets_iocs_and_lists_as_text_lines():
    assets = [Asset(hostname="web-01", ip="10.0.0.5", owner="platform"), Asset(ip="10.0.0.9"),
              {"hostname": "db-01"}]
    assert assets_text(assets) == "web-01 / 10.0.0.5 (owner platform)\n10.0.0.9\ndb-01"
    assert iocs_text([IOC(type="ip", value="203.0.113.7"), {"type": "domain", "value": "x.io"}]
                     ) == "ip: 203.0.113.7\ndomain: x.io"
    assert lines(["Isolate web-01", "Collect memory"]) == "Isolate web-01\nCollect memory"
    assert assets_text([]) == iocs_text(None) == ""


def test_jinja_builtins_templates_commonly_need():
    assert render("{{ x | default('n/a') }}", x=None) == ""  # None shows as nothing...
    assert render("{{ x | default('n/a', true) }}", x=None) == "n/a"  # ...or a default
    assert render("{{ missing | default('n/a') }}") == "n/a"
    assert render("{{ t | truncate(12) }}", t="a long alert title") == "a long..."
    assert render("{{ tags | join(', ') }}", tags=["a", "b"]) == "a, b"
