"""A draft of rendered text goes out in the shapes the create metadata asks for, on Cloud
and Data Center, and comes back as set; Data Center text stays literal."""

from __future__ import annotations

import pytest

from zshield_tui.connectors.errors import ValidationError

from .test_jira_operations import payload

HOSTILE = "Run *now* _x_ {code}rm -rf{code} [click|http://evil] |a|b| (x) C:\\Temp\\\\ h1."


def rendered(**extra) -> dict:
    """What a mapping renders: text and lists of text, nothing shaped."""
    return payload(**{
        "customfield_10100": "phishing", "customfield_10101": ["EDR", "SIEM"],
        "components": ["Network", "Identity"], "customfield_10102": "7.5",
        "customfield_10103": "2026-11-24T23:30:00Z", "duedate": "2026-12-01",
        "customfield_10104": "2026-11-24T10:00:00+01:00",
        "customfield_10105": "ana@example.com", "customfield_10106": ["203.0.113.7"],
        **extra})


async def test_rendered_values_are_shaped_created_and_read_back(jira, app):
    made = await jira.create(rendered(), correlation_key="ZS-SHAPES")
    issue = app.state.jira.issues[made.ticket.key]
    fields = issue.fields
    assert fields["customfield_10100"]["value"] == "Phishing"   # the site's spelling
    assert [o["value"] for o in fields["customfield_10101"]] == ["EDR", "SIEM"]
    assert [c["name"] for c in fields["components"]] == ["Network", "Identity"]
    assert fields["customfield_10102"] == 7.5
    assert fields["customfield_10103"] == "2026-11-24"
    assert fields["customfield_10104"] == "2026-11-24T09:00:00.000+0000"
    assert fields["customfield_10105"].name == "ana"
    assert fields["customfield_10106"] == ["203.0.113.7"]
    again = await jira.get(made.ticket.key)
    assert again.key == made.ticket.key


async def test_the_create_metadata_is_read_once_per_project_and_issue_type(jira, recorder):
    await jira.create(rendered(), correlation_key="ZS-M1")
    await jira.create(rendered(), correlation_key="ZS-M2")
    metas = [r for r in recorder.requests if "/createmeta/" in r[2] and "/issuetypes/" in r[2]]
    assert len(metas) == 1


async def test_only_system_fields_need_no_metadata(jira, recorder):
    await jira.create(payload(components=["Endpoint"], duedate="2026-12-01T08:00:00Z"),
                      correlation_key="ZS-SYS")
    assert not [r for r in recorder.requests if "/createmeta/" in r[2]]


async def test_a_value_that_cannot_take_its_shape_is_refused_before_sending(jira, app):
    with pytest.raises(ValidationError) as caught:
        await jira.create(rendered(customfield_10102="high"), correlation_key="ZS-BAD")
    assert caught.value.fields == {"customfield_10102": "Risk score: 'high' is not a number"}
    assert not app.state.jira.issues


async def test_a_value_not_allowed_is_jiras_400_naming_the_field(jira, app):
    with pytest.raises(ValidationError) as caught:
        await jira.create(rendered(customfield_10100="Ransomware"), correlation_key="ZS-NA")
    assert "customfield_10100" in caught.value.fields
    assert "Ransomware" in str(caught.value)


async def test_text_stays_literal_on_both_deployments(jira, app):
    made = await jira.create(payload(description=HOSTILE, customfield_10107=HOSTILE),
                             correlation_key="ZS-WIKI")
    stored = app.state.jira.issues[made.ticket.key].fields
    if jira.cloud:   # ADF text nodes: literal by construction
        assert stored["description"] == HOSTILE
    else:            # wiki markup: every markup character escaped
        assert stored["description"].startswith(r"Run \*now\* \_x\_ \{code\}")
        assert "&#92;" in stored["description"] and "[" not in \
            stored["description"].replace("\\[", "")
    await jira.add_comment(made.ticket.key, HOSTILE)
    comments = await jira.comments(made.ticket.key)
    assert [c.body for c in comments] == [HOSTILE]   # read back as the text sent
