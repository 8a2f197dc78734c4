"""Parent and child tickets on both simulators: links made once in either push order, and
a parent's resolution followed by its children once, however the parent was resolved."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.factories import make_alert
from zshield_tui.config import load_config
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
from zshield_tui.sim.jira.state import now
from zshield_tui.store import syncrepo as repo
from zshield_tui.store import upsert_alerts
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.targets import make_connector

from .conftest import ENV, write_config

PARENT = "ZS-000001"
CHILDREN = [f"ZS-0000{n}" for n in range(11, 16)]
FAMILY = [PARENT, *CHILDREN]
INCIDENT_MAPPING = """{ "table": "incident",
  "field_mapping": { "short_description": "{{alert.title}}",
    "description": "{{alert.description}}", "caller_id": "zpoa-shield-service" } }"""


async def _no_sleep(_: float) -> None:
    return None


def family_engine(tmp_path, sims, store, setting: str = "close") -> SyncEngine:
    """Targets jira-sec, snow-sir (sn_si_incident) and snow-inc (incident); the parent
    has five children."""
    upsert_alerts(store.conn, [make_alert(n, parent_id=PARENT) for n in (14, 15)],
                  fmt="zshield")
    path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
    (tmp_path / "snow-inc.json").write_text(INCIDENT_MAPPING, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    text = text.replace("# zshield demo", f'[automation]\nchildren_on_parent_resolved = '
                                          f'"{setting}"\n\n# zshield demo')
    text += """
[[targets]]
name = "snow-inc"
kind = "servicenow"
url = "http://127.0.0.1:9002"
auth = { method = "basic", username = "zshield.integration", password_env = "ZS_SNOW_PASSWORD" }
mapping = "snow-inc.json"
close = { close_code = "Solution provided", close_notes = "Contained and cleaned" }
"""
    path.write_text(text, encoding="utf-8")
    options = sims.options()
    options["snow-inc"] = {"transport": httpx.ASGITransport(app=sims.snow),
                           "retry": SnowRetry(base_delay=0.0, sleep=_no_sleep)}
    return SyncEngine(store, load_config(path), path, env=ENV, options=options, settle=5.0,
                      base_delay=0.01)


def snow_state(sims):
    return sims.snow.state.sim.state


def snow_row(sims, store, alert_id: str, target: str) -> dict[str, str]:
    ticket = repo.ticket_for(store.conn, alert_id, target)
    return snow_state(sims).find("task", ticket.remote_id)


def remote_children(sims, store, target: str) -> list[str]:
    """The keys the remote system holds as the parent's children."""
    parent = repo.ticket_for(store.conn, PARENT, target)
    if target == "jira-sec":
        links = sims.jira.state.jira.links.values()
        return sorted(k.outward for k in links if k.inward == parent.key)
    field = "parent_incident" if target == "snow-inc" else "parent_security_incident"
    return sorted(r["number"] for r in snow_state(sims).rows("task")
                  if r.get(field) == parent.remote_id)


def keys(store, alert_ids, target) -> list[str]:
    return sorted(repo.ticket_for(store.conn, a, target).key for a in alert_ids)


@pytest.mark.parametrize("target", ["jira-sec", "snow-sir", "snow-inc"])
@pytest.mark.parametrize("order", ["parent first", "children first", "one push"])
async def test_a_parent_and_five_children_are_linked_once_in_any_order(
        tmp_path, sims, store, target, order):
    engine = family_engine(tmp_path, sims, store)
    batches = {"parent first": [[PARENT], CHILDREN], "children first": [CHILDREN, [PARENT]],
               "one push": [FAMILY]}[order]
    for batch in batches:
        _, report = await engine.push(batch, target)
        assert not report.failed
    assert remote_children(sims, store, target) == keys(store, CHILDREN, target)
    parent_key = repo.ticket_for(store.conn, PARENT, target).key
    for child in CHILDREN:
        assert repo.ticket_for(store.conn, child, target).remote_parent == parent_key
        [audit] = [r for r in store.conn.execute(
            "SELECT new_value FROM audit WHERE alert_id = ? AND action = 'link'", (child,))]
        assert audit == (parent_key,)
    # A rerun of every link op (a crash after sending) links nothing twice.
    for child in CHILDREN:
        repo.enqueue(store.conn, target, child, "link", {"parent": PARENT})
    store.conn.execute("UPDATE ticket SET remote_parent = NULL")
    assert not (await engine.drain(settle=0)).failed
    assert remote_children(sims, store, target) == keys(store, CHILDREN, target)
    if target == "jira-sec":
        assert len(sims.jira.state.jira.links) == len(CHILDREN)


async def test_an_unknown_link_type_is_one_clear_error_naming_the_types(tmp_path, sims,
                                                                         store):
    engine = family_engine(tmp_path, sims, store)
    engine.targets["jira-sec"].config.link_type = "Parent of"
    _, report = await engine.push(FAMILY, "jira-sec")
    [failed, *_] = report.failed
    assert failed.operation == "link"
    assert "'Parent of'" in failed.detail and "Relates" in failed.detail
    assert sims.jira.state.jira.links == {}


async def test_issue_links_show_on_both_issues(tmp_path, sims, store):
    engine = family_engine(tmp_path, sims, store)
    await engine.push([PARENT, CHILDREN[0]], "jira-sec")
    parent, child = (repo.ticket_for(store.conn, a, "jira-sec").key
                     for a in (PARENT, CHILDREN[0]))
    transport = httpx.ASGITransport(app=sims.jira)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9001",
                                 auth=("soc-bot@example.com", ENV["ZS_JIRA_TOKEN"])) as http:
        got = (await http.get(f"/rest/api/3/issue/{child}",
                              params={"fields": "issuelinks"})).json()
        [link] = got["fields"]["issuelinks"]
        assert link["type"]["name"] == "Relates" and link["inwardIssue"]["key"] == parent
        mine = (await http.get(f"/rest/api/3/issueLink/{link['id']}")).json()
        assert (mine["inwardIssue"]["key"], mine["outwardIssue"]["key"]) == (parent, child)
        assert (await http.delete(f"/rest/api/3/issueLink/{link['id']}")).status_code == 204
        assert (await http.get(f"/rest/api/3/issueLink/{link['id']}")).status_code == 404


# -- the cascade ---------------------------------------------------------------------------
def changes_of(sims, store, alert_id: str, target: str) -> list[str]:
    """The states the record went to, in order (the simulator's sys_audit)."""
    sys_id = repo.ticket_for(store.conn, alert_id, target).remote_id
    return [to for who, _, to in snow_state(sims).state_changes if who == sys_id]


def cascade_rows(store, alert_id: str) -> list[tuple]:
    return list(store.conn.execute("SELECT actor, old_value, new_value, detail FROM audit "
                                   "WHERE alert_id = ? AND action = 'cascade'", (alert_id,)))


def transitions_sent(store, alert_id: str, target: str) -> int:
    return store.conn.execute("SELECT count(*) FROM outbox WHERE alert_id = ? AND target = ? "
                              "AND operation = 'transition' AND status = 'done'",
                              (alert_id, target)).fetchone()[0]


@pytest.mark.parametrize("children", [False, True], ids=["cli close", "tui x key"])
async def test_resolving_a_parent_on_servicenow_resolves_and_closes_each_child_once(
        tmp_path, sims, store, children):
    engine = family_engine(tmp_path, sims, store)
    await engine.push(FAMILY, "snow-inc")
    changed = engine.queue_state(PARENT, "resolved", children=children)
    assert changed == FAMILY
    report = await engine.drain()
    assert not report.failed
    assert changes_of(sims, store, PARENT, "snow-inc") == ["6"]
    for child in CHILDREN:
        # Resolved by the platform with its parent (notes copied), then closed by us.
        assert changes_of(sims, store, child, "snow-inc") == ["6", "7"]
        assert snow_row(sims, store, child, "snow-inc")["close_notes"] == \
            "Contained and cleaned"
        assert repo.alert_state(store.conn, child) == "closed"
        [(actor, parent, new, detail)] = cascade_rows(store, child)
        assert (actor, parent, new) == ("analyst", PARENT, "closed")
        assert detail == f"parent {PARENT} resolved: resolved by analyst"
    # Polling afterwards sees the platform's resolve and our close: no conflict, no change.
    await engine.sync_once()
    for child in CHILDREN:
        assert changes_of(sims, store, child, "snow-inc") == ["6", "7"]
        assert repo.conflicts(store.conn, child) == []


async def test_a_parent_resolved_in_servicenow_closes_each_child_once(tmp_path, sims, store):
    engine = family_engine(tmp_path, sims, store)
    await engine.push(FAMILY, "snow-inc")
    parent = repo.ticket_for(store.conn, PARENT, "snow-inc")
    snow_state(sims).update("incident", parent.remote_id, {
        "state": "6", "close_code": "Solution provided", "close_notes": "Reimaged"})
    _, polled = await engine.sync_once()
    assert repo.alert_state(store.conn, PARENT) == "resolved"
    assert sorted(polled["snow-inc"].cascaded) == CHILDREN
    for child in CHILDREN:
        assert changes_of(sims, store, child, "snow-inc") == ["6", "7"]
        assert repo.alert_state(store.conn, child) == "closed"
        [(actor, _, new, detail)] = cascade_rows(store, child)
        assert actor == "snow-inc" and new == "closed"
        assert f"snow-inc {parent.key} moved to Resolved" in detail
    await engine.sync_once()
    for child in CHILDREN:
        assert changes_of(sims, store, child, "snow-inc") == ["6", "7"]
        assert transitions_sent(store, child, "snow-inc") == 1
        assert repo.conflicts(store.conn, child) == []


async def test_a_parent_done_in_jira_closes_each_childs_issue_once(tmp_path, sims, store):
    engine = family_engine(tmp_path, sims, store)
    await engine.push(FAMILY, "jira-sec")
    jira = sims.jira.state.jira
    issue = jira.issues[repo.ticket_for(store.conn, PARENT, "jira-sec").key]
    issue.status, issue.updated = "Done", now()
    await engine.sync_once()
    assert repo.alert_state(store.conn, PARENT) == "resolved"
    for child in CHILDREN:
        assert jira.issues[repo.ticket_for(store.conn, child, "jira-sec").key].status == "Done"
        assert repo.alert_state(store.conn, child) == "closed"
        assert len(cascade_rows(store, child)) == 1
    await engine.sync_once()
    for child in CHILDREN:
        assert transitions_sent(store, child, "jira-sec") == 1
        assert len(cascade_rows(store, child)) == 1


@pytest.mark.parametrize("target", ["jira-sec", "snow-sir"])
async def test_note_mode_comments_once_on_each_childs_ticket(tmp_path, sims, store, target):
    engine = family_engine(tmp_path, sims, store, setting="note")
    await engine.push(FAMILY, target)
    parent_key = repo.ticket_for(store.conn, PARENT, target).key
    engine.queue_state(PARENT, "resolved")
    assert not (await engine.drain()).failed
    engine.queue_state(PARENT, "acknowledged")       # reopened here (no remote move)
    engine.queue_state(PARENT, "resolved")           # resolved again: noted already
    assert not (await engine.drain()).failed
    async with make_connector(engine.targets[target], ENV) as remote:
        for child in CHILDREN:
            key = repo.ticket_for(store.conn, child, target).key
            bodies = [c.body for c in await remote.comments(key)]
            assert bodies == [f"parent {parent_key} resolved: resolved by analyst"]
            assert repo.alert_state(store.conn, child) == "new"
            assert [r[2] for r in cascade_rows(store, child)] == ["noted"]


async def test_none_leaves_the_children_alone(tmp_path, sims, store):
    engine = family_engine(tmp_path, sims, store, setting="none")
    await engine.push(FAMILY, "jira-sec")
    assert engine.queue_state(PARENT, "resolved") == [PARENT]
    assert not (await engine.drain()).failed
    for child in CHILDREN:
        assert repo.alert_state(store.conn, child) == "new"
        assert cascade_rows(store, child) == []


async def test_the_remote_parent_shows_in_the_tickets_view_and_zshield_show(
        tmp_path, sims, store, capsys):
    from tests.cli.runner import run
    from zshield_tui.core.service import Core

    engine = family_engine(tmp_path, sims, store)
    await engine.push([PARENT, CHILDREN[0]], "jira-sec")
    parent_key = repo.ticket_for(store.conn, PARENT, "jira-sec").key
    core = Core(tmp_path / "config.toml", store.database)
    rows = {r.alert_id: r for r in core.tickets()}
    assert rows[CHILDREN[0]].remote_parent == parent_key and rows[PARENT].remote_parent is None
    code, out, _ = run(capsys, "--db", str(store.database), "show", CHILDREN[0])
    assert code == 0 and f"child of {parent_key}" in out
    _, out, _ = run(capsys, "--db", str(store.database), "show", CHILDREN[0], "--json")
    assert json.loads(out)["tickets"][0]["remote_parent"] == parent_key
