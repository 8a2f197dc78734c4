"""Every field renders within a time budget and an output budget: a mapping that asks for
gigabytes or for work that never ends gets an error on that field within about the
budget, and the process never holds more than a few times the output budget."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from zshield_tui.mapping.budget import RenderLimits
from zshield_tui.mapping.files import parse_mapping
from zshield_tui.mapping.render import render_draft

FAST = RenderLimits(seconds=0.3)
PEAK_LIMIT = 40_000_000  # bytes: a few times the 1 MB output budget
BIG = "{% set s = 'a' * 100000 %}"
REFS = "[" + "s, " * 1500 + "]"  # one 100 kB text, referenced 1,500 times


def short(template: str) -> str:
    return template.replace("s, " * 1500, "s, ...")[-70:]


def render(alert, target, fields: dict, limits: RenderLimits | None = None):
    mapping = parse_mapping(json.dumps(
        {"project": "SEC", "issue_type": "Bug", "field_mapping": fields}))
    return render_draft(alert, mapping, target, limits=limits)


def render_measured(alert, target, template: str, limits: RenderLimits | None = None):
    """Renders `template` as the summary; returns the draft, seconds and peak bytes."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        draft = render(alert, target, {"summary": template}, limits)
        elapsed = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return draft, elapsed, peak


@pytest.mark.parametrize("template", [
    "{{ 'a' | center(3*10**9) }}",
    "{{ (['a'*100000]*30000) | join }}",
    "{% set s = 'ab' %}" + "{% set s = s ~ s %}" * 40 + "{{ s }}",
    "{% set s = 'ab' %}" + "{% set s = s + s %}" * 40 + "{{ s }}",
    "{{ '%3000000000s' | format('a') }}",
    "{{ '%3000000000s' % 'a' }}",
    "{{ ('%(a)s' * 100000) % {'a': 'a' * 100000} }}",
    "{{ '{:>3000000000}'.format('a') }}",
    "{{ ('{0}' * 50000).format('a' * 100000) }}",
    "{{ ('a' * 100000).replace('a', 'a' * 100000) }}",
    "{{ ('\t' * 100000).expandtabs(100000) }}",
    "{{ 'a'.ljust(3000000000) }}{{ 'a'.zfill(3000000000) }}",
    "{{ (1).to_bytes(3000000000, 'big') }}",
    "{{ 'a'.encode() * 3000000000 }}",
    "{{ 'a' | indent(3000000000, true) }}",
    "{{ ('a\n' * 100000) | indent(100000) }}",
    "{{ ('a ' * 100000) | wordwrap(1, wrapstring='x' * 100000) }}",
    "{{ [1] | batch(3000000000, 'x') | list }}",
    "{{ [1] | slice(3000000000) | list }}",
    BIG + "{{ " + REFS + " | tojson }}",
    BIG + "{{ " + REFS + " | string }}",
    BIG + "{{ " + REFS + " | upper }}",
    BIG + "{{ " + REFS + " }}",
    BIG + "{{ '' ~ " + REFS + " }}",
    BIG + "{{ '%s' % (" + REFS + ",) }}",
    BIG + "{{ '{}'.format(" + REFS + ") }}",
    BIG + "{{ ''.join(" + REFS + ") }}",
    BIG + "{{ " + REFS + " | sum(start=[]) | length }}",
    "{% set q = '\"' * 100000 %}{{ q" + " | tojson" * 40 + " }}",
    BIG + "{% set x %}{% for a in s %}{{ s }}{% endfor %}{% endset %}{{ x | length }}",
    BIG + "{% set l = [" + "s.center(999999), " * 100 + "] %}{{ l | length }}",
], ids=short)
def test_a_template_asking_for_gigabytes_gets_an_error_within_its_budget(
        alert, jira_target, template):
    draft, elapsed, peak = render_measured(alert, jira_target, template, FAST)
    assert list(draft.errors) == ["summary"], draft.errors
    assert draft.errors["summary"][0] in {
        "template output over 1 MB", "template built over 16 MB in all",
        "template took longer than 0.3 s"}, draft.errors
    assert peak < PEAK_LIMIT
    assert elapsed < 3


@pytest.mark.parametrize("template", [
    BIG + "{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}"
          "{% endfor %}",
    "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}"
    "{{ m(60) }}",
    "{% for a in [1, 1] recursive %}{% if loop.depth < 60 %}{{ loop([1, 1]) }}{% endif %}"
    "{% endfor %}",
    BIG + "{% for a in s %}{% for b in s %}{% if b | upper == 'B' %}x{% endif %}{% endfor %}"
          "{% endfor %}",
], ids=short)
def test_a_template_that_never_ends_stops_at_its_time_budget(alert, jira_target, template):
    draft, elapsed, peak = render_measured(alert, jira_target, template, FAST)
    assert draft.errors == {"summary": ["template took longer than 0.3 s"]}
    assert elapsed < 3
    assert peak < PEAK_LIMIT


def test_a_template_too_large_to_compile_quickly_is_refused_before_compiling(
        alert, jira_target):
    start = time.monotonic()
    draft = render(alert, jira_target, {
        "summary": "{{ [" + "1, " * 30000 + "] | length }}",
        "description": "{{ alert.title }}" + "x" * 100_000,
        "environment": "Reported by zshield. " * 2000 + "{{ alert.title }}",
    }, FAST)
    assert time.monotonic() - start < 2
    assert draft.errors == {"summary": ["template over 2000 expressions"],
                            "description": ["template over 100000 characters"]}
    assert draft.payload["fields"]["environment"].endswith(alert.title)


def test_the_default_budget_is_one_second_and_one_mb_per_field(alert, jira_target):
    start = time.monotonic()
    draft = render(alert, jira_target, {
        "summary": BIG + "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "description": "{{ 'a' | center(3*10**9) }}",
        "environment": "{{ alert.title }}",
    })
    assert time.monotonic() - start < 4
    assert draft.errors == {"summary": ["template took longer than 1 s"],
                            "description": ["template output over 1 MB"]}
    assert draft.payload["fields"]["environment"] == alert.title


def test_each_item_of_a_list_field_has_its_own_budget(alert, jira_target):
    draft = render(alert, jira_target, {
        "labels": ["ok", "{{ 'a' | center(3*10**9) }}", "{{ alert.category }}"]}, FAST)
    assert draft.errors == {"labels": ["labels[1]: template output over 1 MB"]}


def test_output_just_under_the_budget_renders(alert, jira_target):
    draft = render(alert, jira_target, {
        "description": "{% set s = 'a' * 100000 %}{% for n in [1,2,3,4,5,6,7,8,9] %}{{ s }}"
                       "{% endfor %}{{ 'b' * 99999 }}"}, FAST)
    assert draft.errors == {}
    assert len(draft.payload["fields"]["description"]) == 999_999


@pytest.mark.parametrize("template", [
    "{% set n = 2 ** 1000 %}" + "{% set n = n * n %}" * 40 + "{{ n }}",
    "{{ ((2 ** 1000) ** 1000) ** 1000 }}",
])
def test_numbers_stay_printable(alert, jira_target, template):
    draft, elapsed, _ = render_measured(alert, jira_target, template, FAST)
    assert draft.errors == {"summary": [
        "blocked by the sandbox: a number of over 32768 bits is too large"]}
    assert elapsed < 3


@pytest.mark.parametrize("template", [
    "{{ alert.model_dump_json(indent=100000000) }}",
    "{{ alert.model_dump() }}",
    "{{ alert.model_copy() }}",
    "{{ alert.assets[0].model_dump_json() }}",
])
def test_the_alert_model_shows_its_fields_not_its_methods(alert, jira_target, template):
    draft = render(alert, jira_target, {"summary": template}, FAST)
    assert draft.errors["summary"][0].startswith("blocked by the sandbox"), draft.errors


def test_templates_cannot_change_the_lists_and_tables_they_are_given(alert, jira_target):
    draft = render(alert, jira_target, {"summary": "{{ alert.playbook.append('x') }}"}, FAST)
    assert draft.errors["summary"][0].startswith("blocked by the sandbox"), draft.errors
    assert alert.playbook == ["Isolate web-01", "Collect a memory image"]


def test_ordinary_templates_render_as_before(alert, jira_target):
    draft = render(alert, jira_target, {
        "summary": "[{{ alert.severity | upper }}] {{ alert.title | truncate(25) }}",
        "description": "{% for step in alert.playbook %}{{ loop.index }}. {{ step }}\n"
                       "{% endfor %}{{ alert.assets | map(attribute='hostname') | join(', ') }}"
                       "\n{{ '%s on %s' | format(alert.source, alert.assets[0].hostname) }}"
                       "\n{{ '{} / {}'.format(alert.category, alert.mitre_technique) }}"
                       "\n{{ alert.iocs | map(attribute='value') | list | tojson }}"
                       "\n{{ ('x' ~ alert.id) | center(20) | trim }}"
                       "{{ ' %d%%' % 50 }}{{ alert.title.replace('web', 'WEB')[-6:] }}",
    })
    assert draft.errors == {}
    fields = draft.payload["fields"]
    assert fields["summary"] == "[HIGH] PowerShell download..."
    assert fields["description"] == (
        "1. Isolate web-01\n2. Collect a memory image\nweb-01\nEDR on web-01\n"
        'execution / T1059.001\n["203.0.113.7"]\nxZS-2026-000123 50%WEB-01')
