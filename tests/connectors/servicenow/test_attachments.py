"""Attachments from memory, the listing a rerun checks (B7), and the CI's name on a record."""

from __future__ import annotations

import pytest

from zshield_tui.connectors.base import RemoteAttachment
from zshield_tui.connectors.errors import ValidationError
from zshield_tui.connectors.servicenow import client


async def _ticket(connector, key: str):
    return (await connector.create({"short_description": "x"}, correlation_key=key)).ticket


async def test_bytes_attach_and_the_record_lists_only_its_own_files(connector, sim, recorder):
    ticket = await _ticket(connector, "ZS-80")
    other = await _ticket(connector, "ZS-81")
    sys_id = await connector.attach(ticket.key, name="iocs-ZS-80.csv",
                                    data=b"type,value\nip,192.0.2.1\n")
    await connector.attach(other.key, name="elsewhere.txt", data=b"not this one")

    assert await connector.attachments(ticket.key) == [
        RemoteAttachment(sys_id, "iocs-ZS-80.csv", 24)]
    assert sim.state.attachments[sys_id] == b"type,value\nip,192.0.2.1\n"
    assert sim.state.tables["sys_attachment"][sys_id]["content_type"] == "text/csv"
    listing = recorder.to("GET", "/api/now/attachment")[-1]
    assert listing.url.path == "/api/now/attachment"
    assert dict(listing.url.params) == {
        "sysparm_query": f"table_name={connector.table}^table_sys_id={ticket.remote_id}",
        "sysparm_limit": "1000"}


async def test_the_listing_follows_every_page(connector, monkeypatch):
    monkeypatch.setattr(client, "ATTACHMENT_PAGE", 2)
    ticket = await _ticket(connector, "ZS-82")
    for n in range(5):
        await connector.attach(ticket.key, name=f"f{n}.txt", data=b"x" * n)
    listed = await connector.attachments(ticket.key)
    assert [(a.filename, a.size) for a in listed] == [(f"f{n}.txt", n) for n in range(5)]


async def test_bytes_over_the_limit_are_refused_before_any_request(make_connector, recorder):
    async with make_connector(max_attachment_bytes=4) as connector:
        with pytest.raises(ValidationError, match="iocs.csv is 5 bytes"):
            await connector.attach("INC0010001", name="iocs.csv", data=b"12345")
    assert recorder.requests == []


async def test_a_record_shows_its_configuration_items_name(connector, sim):
    ticket = await _ticket(connector, "ZS-83")
    assert ticket.fields["cmdb_ci"] == ""
    result = await connector.link_assets(ticket.key, [("web-01", "10.0.0.5")])
    again = await connector.get(ticket.key)
    assert again.fields["cmdb_ci"] == {"value": result.primary.sys_id, "display_value": "web-01"}
    assert "cmdb_ci.name" not in again.fields
