"""Templates are untrusted: sandbox escapes and resource bombs end in a clear error on
their field, never in code running or a crash."""

from __future__ import annotations

import json

import pytest

from zshield_tui.mapping.files import parse_mapping
from zshield_tui.mapping.render import render_draft


def render_summary(alert, target, template: str):
    mapping = parse_mapping(json.dumps(
        {"project": "SEC", "issue_type": "Bug", "field_mapping": {"summary": template}}))
    return render_draft(alert, mapping, target)


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ ''.__class__.__mro__ }}",
     "blocked by the sandbox: access to attribute '__class__' of 'str' object is unsafe."),
    ("{{ cycler.__init__.__globals__ }}", "'cycler' is undefined"),
    ("{{ lipsum.__globals__ }}", "'lipsum' is undefined"),
    ("{{ alert.__class__.__init__.__globals__['os'] }}",
     "blocked by the sandbox: access to attribute '__class__' of 'Alert' object is unsafe."),
    ("{{ alert.title.format.__globals__ }}", "blocked by the sandbox"),
    ("{{ 'x' * 1000000000 }}", "template output over 1 MB"),
    ("{{ 2 ** 100000000 }}", "blocked by the sandbox: exponent 100000000 is too large"),
    ("{% for i in range(10) %}{% endfor %}", "'range' is undefined"),
])
def test_sandbox_escapes_are_field_errors(alert, jira_target, template, expected):
    draft = render_summary(alert, jira_target, template)
    assert list(draft.errors) == ["summary"]
    assert draft.errors["summary"][0].startswith(expected)
    assert "summary" not in draft.payload["fields"]


def test_strict_undefined_names_the_field_and_the_variable(alert, jira_target):
    draft = render_summary(alert, jira_target, "Alert: {{ alert.nope }}")
    assert draft.errors == {"summary": ["alert.nope is undefined: the alert has no field 'nope'"]}
    draft = render_summary(alert, jira_target, "{{ nope }}")
    assert draft.errors == {"summary": ["'nope' is undefined"]}
    draft = render_summary(alert, jira_target, "{{ alert.raw.rule_id }}")
    assert draft.errors == {"summary": ["'rule_id' is undefined: no such key"]}


def test_a_syntax_error_names_the_line(alert, jira_target):
    draft = render_summary(alert, jira_target, "ok\n{{ alert.title ")
    assert draft.errors["summary"][0].startswith("template syntax, line 2:")


def test_a_filter_failure_and_a_runtime_error_stay_on_their_field(alert, jira_target):
    draft = render_summary(alert, jira_target, "{{ 'urgent' | jira_priority }}")
    assert draft.errors["summary"][0].startswith("jira_priority: no entry for 'urgent'")
    draft = render_summary(alert, jira_target, "{{ 1 // 0 }}")
    assert draft.errors["summary"] == ["ZeroDivisionError: integer division or modulo by zero"]
