"""pysnc, ServiceNow's own Python client, works against the simulator over real loopback
HTTPS (it refuses http): GlideRecord through an integration's everyday operations, each
checked on the simulator's own state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pysnc import ServiceNowClient

from tests.loopback import certificate, served
from zshield_tui.sim.servicenow.app import create_app
from zshield_tui.sim.servicenow.state import SimState

pytestmark = pytest.mark.usefixtures("direct_requests")


@dataclass
class Instance:
    client: ServiceNowClient
    state: SimState


@pytest.fixture
def instance(tmp_path) -> Iterator[Instance]:
    cert, key = certificate(tmp_path)
    app = create_app()
    with served(app, tls=(cert, key)) as url:
        client = ServiceNowClient(url, ("zshield.integration", "zshield"), verify=cert,
                                  auto_retry=False)
        yield Instance(client, app.state.sim.state)


def _journal(state: SimState, sys_id: str, element: str) -> list[str]:
    return [j["value"] for j in state.journal_of(sys_id) if j["element"] == element]


def test_gliderecord_inserts_queries_updates_and_resolves_an_incident(instance):
    client, state = instance.client, instance.state
    gr = client.GlideRecord("incident")
    gr.initialize()
    gr.short_description = "Suspicious login on web-01"
    gr.impact, gr.urgency = 2, 2
    gr.correlation_id = "alert-7f3a"
    sys_id = str(gr.insert())
    row = state.find("incident", sys_id)
    assert row["short_description"] == "Suspicious login on web-01"
    assert row["priority"] == "3"          # computed from impact x urgency, as on an instance
    assert gr.number == row["number"] and row["number"].startswith("INC")

    found = client.GlideRecord("incident")
    found.add_query("correlation_id", "alert-7f3a")
    found.add_active_query()
    found.query()
    assert len(found) == 1 and found.next()
    assert found.sys_id == sys_id and found.get_display_value("priority") == "3 - Moderate"

    again = client.GlideRecord("incident")
    assert again.get(sys_id) and again.short_description == "Suspicious login on web-01"
    assert not client.GlideRecord("incident").get("0" * 32)

    found.state = "2"
    found.work_notes = "Blocked the source address at the edge"
    found.update()
    assert row["state"] == "2" and row["sys_mod_count"] == "1"
    assert _journal(state, sys_id, "work_notes") == ["Blocked the source address at the edge"]
    found.comments = "We are looking into it"
    found.update()
    assert _journal(state, sys_id, "comments") == ["We are looking into it"]

    found.state = "6"
    found.close_code = "Solution provided"
    found.close_notes = "Password reset, sessions revoked"
    found.update()
    assert row["state"] == "6" and row["resolved_at"] and row["close_code"] == \
        "Solution provided"


def test_a_resolve_without_close_information_is_refused_as_a_data_policy(instance):
    gr = instance.client.GlideRecord("incident")
    gr.initialize()
    gr.short_description = "Port scan"
    sys_id = str(gr.insert())
    gr.state = "6"
    with pytest.raises(Exception, match="Data Policy Exception"):
        gr.update()
    assert instance.state.find("incident", sys_id)["state"] == "1"


def test_attachments_go_through_the_v1_attachment_api(instance):
    client, state = instance.client, instance.state
    gr = client.GlideRecord("incident")
    gr.initialize()
    gr.short_description = "Malware beacon"
    sys_id = str(gr.insert())

    location = gr.add_attachment("evidence.json", b'{"alert": 7}', "application/json")
    attachment_id = location.rsplit("/", 1)[1]
    assert state.attachments[attachment_id] == b'{"alert": 7}'
    assert state.find("sys_attachment", attachment_id)["table_sys_id"] == sys_id

    listed = gr.get_attachments()
    assert len(listed) == 1 and listed.next()
    assert listed.file_name == "evidence.json" and listed.read() == b'{"alert": 7}'
    listed.delete()
    assert attachment_id not in state.attachments
    assert state.find("sys_attachment", attachment_id) is None


def test_gliderecord_deletes_one_record_and_a_query_through_the_batch_api(instance):
    client, state = instance.client, instance.state
    ids = []
    for n in range(3):
        gr = client.GlideRecord("incident")
        gr.initialize()
        gr.short_description = f"duplicate alert {n}"
        gr.correlation_id = "dup"
        ids.append(str(gr.insert()))

    one = client.GlideRecord("incident")
    assert one.get(ids[0]) and one.delete()
    assert state.find("incident", ids[0]) is None

    rest = client.GlideRecord("incident")
    rest.add_query("correlation_id", "dup")
    rest.query()
    assert len(rest) == 2
    assert rest.delete_multiple()
    assert [i for i in ids if state.find("incident", i)] == []
