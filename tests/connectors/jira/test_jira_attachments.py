"""Attachments from memory and the listing a rerun checks (A6; GET issue?fields=attachment)."""

from __future__ import annotations

import pytest

from zshield_tui.connectors.base import RemoteAttachment
from zshield_tui.connectors.errors import ValidationError

PAYLOAD = {"fields": {"project": {"key": "SEC"}, "issuetype": {"name": "Bug"},
                      "summary": "Beacon from lt-eng-008"}}


async def test_bytes_attach_without_a_file_and_the_issue_lists_every_attachment(
        jira, app, tmp_path, recorder):
    key = (await jira.create(PAYLOAD, correlation_key="ZS-70")).ticket.key
    pcap = tmp_path / "capture.pcap"
    pcap.write_bytes(b"\xd4\xc3\xb2\xa1" + b"1" * 60)
    first = await jira.attach(key, pcap)
    second = await jira.attach(key, name="iocs-ZS-70.csv", data=b"type,value\nip,192.0.2.1\n")

    listed = await jira.attachments(key)
    assert listed == [RemoteAttachment(first, "capture.pcap", 64),
                      RemoteAttachment(second, "iocs-ZS-70.csv", 24)]
    assert app.state.jira.attachment_data[second] == b"type,value\nip,192.0.2.1\n"
    *_, (_, _, _, _, _, query) = [r for r in recorder.requests
                                  if r[1] == "GET" and r[2].endswith(f"/issue/{key}")]
    assert query == ("fields",)


async def test_an_issue_without_attachments_lists_none(jira):
    key = (await jira.create(PAYLOAD, correlation_key="ZS-71")).ticket.key
    assert await jira.attachments(key) == []


async def test_a_missing_file_is_refused_before_any_request(make_connector, tmp_path,
                                                            recorder):
    async with make_connector("api_token") as jira:
        with pytest.raises(ValidationError, match="cannot read evidence file"):
            await jira.attach("SEC-1", tmp_path / "gone.pcap")
    assert recorder.requests == []


async def test_bytes_over_the_limit_are_refused_before_any_request(make_connector, recorder):
    async with make_connector("pat", attachment_limit=10) as jira:
        with pytest.raises(ValidationError, match="iocs.csv is 11 bytes"):
            await jira.attach("SEC-1", name="iocs.csv", data=b"x" * 11)
        with pytest.raises(ValidationError, match="needs a file name"):
            await jira.attach("SEC-1", data=b"x")
    assert recorder.requests == []


async def test_the_content_link_serves_the_bytes(jira, app):
    key = (await jira.create(PAYLOAD, correlation_key="ZS-72")).ticket.key
    aid = await jira.attach(key, name="note.txt", data=b"hello")
    [meta] = app.state.jira.issues[key].attachments
    response = await jira.client.get(meta["content"])
    assert aid == meta["id"] and response.status_code == 200 and response.content == b"hello"
