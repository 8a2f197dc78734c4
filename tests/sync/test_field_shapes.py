"""Push through the outbox to Jira Cloud and Data Center: a mapping of plain values makes
an issue whose select, multi-select, components, number and date fields read back as set;
Data Center text, sent as escaped wiki markup, comes back as the analyst wrote it."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.factories import make_alert
from zshield_tui.config import load_config
from zshield_tui.sim.jira import state as sim
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.targets import make_connector

from .conftest import Sims

ENV = {"ZS_CLOUD": sim.CLOUD_TOKEN, "ZS_PAT": sim.DC_PAT}
HOSTILE = "*Isolate* web-01 {code}now{code} [x|http://evil] |a| (x) C:\\Temp"
MAPPING = {"project": "SEC", "issue_type": "Bug", "field_mapping": {
    "summary": "{{alert.title}}",
    "description": "{{alert.description}}",
    "customfield_10100": "{{ 'malware' if alert.category == 'malware' else 'intrusion' }}",
    "customfield_10101": ["{{alert.source}}", "SIEM"],
    "components": ["Endpoint", "{{ 'Network' }}"],
    "customfield_10102": "{{ alert.iocs | length * 2.5 }}",
    "customfield_10103": "{{ alert.created_at }}",
    "customfield_10105": "{{ alert.assigned_analyst }}"}}
TARGETS = {"jira-cloud": ("cloud", 3), "jira-dc": ("datacenter", 2)}


def write_config(folder) -> str:
    (folder / "jira.json").write_text(json.dumps(MAPPING))
    config = folder / "config.toml"
    config.write_text(f"""
[[targets]]
name = "jira-cloud"
kind = "jira"
url = "http://127.0.0.1:9001"
deployment = "cloud"
auth = {{ method = "api_token", email = "{sim.CLOUD_EMAIL}", token_env = "ZS_CLOUD" }}
mapping = "jira.json"

[[targets]]
name = "jira-dc"
kind = "jira"
url = "http://127.0.0.1:9001"
deployment = "datacenter"
auth = {{ method = "pat", token_env = "ZS_PAT" }}
mapping = "jira.json"
""")
    return config


@pytest.fixture
def sims() -> Sims:
    return Sims()


@pytest.fixture
def engine(tmp_path, sims):
    jira = sims.options()["jira-sec"]
    config = write_config(tmp_path)
    with Store(tmp_path / "z.db") as store:
        upsert_alerts(store.conn, [make_alert(3, description=HOSTILE,
                                              assigned_analyst="ana@example.com")],
                      fmt="zshield")
        yield SyncEngine(store, load_config(config), config, env=ENV,
                         options={name: jira for name in TARGETS}, settle=5.0,
                         base_delay=0.01)


async def read_back(sims, target: str, key: str) -> dict:
    """GET issue through the API the deployment speaks, as any Jira client would."""
    deployment, ver = TARGETS[target]
    auth = httpx.BasicAuth(sim.CLOUD_EMAIL, sim.CLOUD_TOKEN) if deployment == "cloud" \
        else None
    headers = {} if auth else {"Authorization": f"Bearer {sim.DC_PAT}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sims.jira), auth=auth,
                                 headers=headers, base_url="http://127.0.0.1") as client:
        return (await client.get(f"/rest/api/{ver}/issue/{key}")).json()["fields"]


@pytest.mark.parametrize("target", list(TARGETS))
async def test_a_push_sets_every_shaped_field(engine, sims, target):
    plan, report = await engine.push(["ZS-000003"], target)
    assert plan.queued == ["ZS-000003"] and not report.failed, report.failed
    key = repo.ticket_for(engine.store.conn, "ZS-000003", target).key
    fields = await read_back(sims, target, key)
    assert fields["customfield_10100"]["value"] == "Malware"
    assert [o["value"] for o in fields["customfield_10101"]] == ["EDR", "SIEM"]
    assert [c["name"] for c in fields["components"]] == ["Endpoint", "Network"]
    assert fields["customfield_10102"] == 2.5
    assert fields["customfield_10103"] == "2026-11-24"
    assert fields["customfield_10105"]["displayName"] == "Ana Analyst"
    if target == "jira-dc":
        assert fields["description"].startswith(r"\*Isolate\* web\-01 \{code\}")


async def test_data_center_notes_round_trip_as_written(engine, sims):
    await engine.push(["ZS-000003"], "jira-dc")
    key = repo.ticket_for(engine.store.conn, "ZS-000003", "jira-dc").key
    engine.queue_comment("ZS-000003", HOSTILE)
    await engine.drain()
    issue = sims.jira.state.jira.issues[key]
    assert issue.comments[-1].body.startswith(r"\*Isolate\*")   # escaped on the wire
    async with make_connector(engine.targets["jira-dc"], ENV) as remote:
        assert [c.body for c in await remote.comments(key)][-1] == HOSTILE
    await engine.sync_once()   # the poll sees our own note: linked, not a second one
    notes = repo.note_rows(engine.store.conn, "ZS-000003")
    assert [(n["origin"], n["body"]) for n in notes] == [("local", HOSTILE)]
