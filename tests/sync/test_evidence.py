"""Evidence files and the IOC list attach to the ticket once; ServiceNow tickets get the
configuration item of the alert's host (DESIGN §6). End to end against both simulators."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_alert
from zshield_tui.commands.context import Context
from zshield_tui.commands.show_cmd import run as show
from zshield_tui.demodata.evidence import pcap_bytes, png_bytes
from zshield_tui.domain import Asset, Evidence
from zshield_tui.store import syncrepo as repo
from zshield_tui.store import upsert_alerts
from zshield_tui.store.attachments import attached_names, attachments_of

TARGETS = ["jira-sec", "snow-sir"]
ALERT = "ZS-000020"   # host web-06: a CI in the simulator's CMDB
IOC_LIST = f"iocs-{ALERT}.csv"


@pytest.fixture
def evidence(tmp_path, store) -> dict[str, bytes]:
    """ALERT with a PCAP and a screenshot on disk beside the alert file it came from (and
    its one IOC)."""
    files = {"capture.pcap": pcap_bytes(), "screenshot.png": png_bytes()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    upsert_alerts(store.conn, [make_alert(20, evidence=[
        Evidence(name=name, path=str(tmp_path / name)) for name in files])], fmt="zshield",
        origin=str(tmp_path))
    return {**files, IOC_LIST: b"type,value\nip,203.0.113.20\n"}


def remote_files(sims, target: str, alert_id: str, store) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every attachment on the alert's ticket, as the remote has it."""
    ticket = repo.ticket_for(store.conn, alert_id, target)
    if target == "jira-sec":
        jira = sims.jira.state.jira
        return [(a["filename"], jira.attachment_data[a["id"]])
                for a in jira.issues[ticket.key].attachments]
    state = sims.snow.state.sim.state
    return [(row["file_name"], state.attachments[row["sys_id"]])
            for row in state.tables["sys_attachment"].values()
            if row["table_sys_id"] == ticket.remote_id]


def forget_remotely(sims, target: str, store, alert_id: str, name: str) -> None:
    """Takes one file off the remote ticket (as if it had never been sent)."""
    ticket = repo.ticket_for(store.conn, alert_id, target)
    if target == "jira-sec":
        issue = sims.jira.state.jira.issues[ticket.key]
        issue.attachments[:] = [a for a in issue.attachments if a["filename"] != name]
        return
    state = sims.snow.state.sim.state
    [sys_id] = [r["sys_id"] for r in state.tables["sys_attachment"].values()
                if r["table_sys_id"] == ticket.remote_id and r["file_name"] == name]
    state.delete("sys_attachment", sys_id)


def attach_op(store, alert_id: str, target: str) -> repo.OutboxOp:
    [op] = [o for o in repo.list_ops(store.conn, ("done", "failed", "pending", "running"),
                                     target=target)
            if o.operation == "attach" and o.alert_id == alert_id]
    return op


@pytest.mark.parametrize("target", TARGETS)
async def test_evidence_and_the_ioc_list_attach_once_with_their_bytes(
        engine, sims, store, evidence, target):
    _, report = await engine.push([ALERT], target)
    assert not report.failed, report.results
    assert sorted(remote_files(sims, target, ALERT, store)) == sorted(evidence.items())
    rows = attachments_of(store.conn, ALERT)
    assert {r["name"]: r["size"] for r in rows} == {n: len(d) for n, d in evidence.items()}
    assert all(r["target"] == target and r["remote_id"] for r in rows)

    # Pushing again, and running the attach op again (also as a rerun that looks
    # remotely first), sends nothing more.
    await engine.push([ALERT], target)
    op = attach_op(store, ALERT, target)
    store.conn.execute("UPDATE outbox SET status = 'pending', attempts = 1 WHERE id = ?",
                       (op.id,))
    _, report = await engine.push([ALERT], target)
    assert not report.failed
    assert len(remote_files(sims, target, ALERT, store)) == 3
    assert attach_op(store, ALERT, target).status == "done"


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("status", "attempts"), [("running", 0), ("pending", 1)])
async def test_a_rerun_after_a_crash_sends_only_the_missing_files(
        engine, sims, store, evidence, target, status, attempts):
    await engine.push([ALERT], target)
    # The crashed run: the PCAP went up but was never recorded, the rest never went.
    forget_remotely(sims, target, store, ALERT, "screenshot.png")
    forget_remotely(sims, target, store, ALERT, IOC_LIST)
    store.conn.execute("DELETE FROM attachment")
    op = attach_op(store, ALERT, target)
    # running + expired lease: a dead worker's claim; pending + attempts: an uncertain answer.
    store.conn.execute("UPDATE outbox SET status = ?, attempts = ?, claimed_by = 'gone:1', "
                       "claimed_until = '2000-01-01' WHERE id = ?", (status, attempts, op.id))
    pcap_id = dict((n, i) for n, i in _remote_ids(sims, target, store))["capture.pcap"]

    report = await engine.drain([target])
    assert not report.failed, report.results
    names = [n for n, _ in remote_files(sims, target, ALERT, store)]
    assert sorted(names) == sorted(evidence)   # three, none twice
    assert sorted(remote_files(sims, target, ALERT, store)) == sorted(evidence.items())
    recorded = {r["name"]: r["remote_id"] for r in attachments_of(store.conn, ALERT)}
    assert recorded.keys() == evidence.keys() and recorded["capture.pcap"] == pcap_id


def _remote_ids(sims, target: str, store) -> list[tuple[str, str]]:
    ticket = repo.ticket_for(store.conn, ALERT, target)
    if target == "jira-sec":
        return [(a["filename"], a["id"])
                for a in sims.jira.state.jira.issues[ticket.key].attachments]
    return [(r["file_name"], r["sys_id"])
            for r in sims.snow.state.sim.state.tables["sys_attachment"].values()
            if r["table_sys_id"] == ticket.remote_id]


@pytest.mark.parametrize("target", TARGETS)
async def test_a_missing_file_does_not_hold_back_the_others(
        engine, sims, store, evidence, target, tmp_path):
    (tmp_path / "screenshot.png").unlink()
    _, report = await engine.push([ALERT], target)

    [failed] = report.failed
    assert failed.operation == "attach" and "screenshot.png" in failed.detail
    assert sorted(n for n, _ in remote_files(sims, target, ALERT, store)) == \
        ["capture.pcap", IOC_LIST]
    ticket = repo.ticket_for(store.conn, ALERT, target)
    assert "cannot read evidence file" in ticket.error and "screenshot.png" in ticket.error
    op = attach_op(store, ALERT, target)
    assert op.status == "failed" and op.attempts == 1   # permanent: not retried on its own

    # The file is back; a retry sends just it and clears the ticket's error.
    (tmp_path / "screenshot.png").write_bytes(evidence["screenshot.png"])
    assert repo.retry(store.conn, op.id)
    report = await engine.drain([target])
    assert not report.failed
    assert sorted(remote_files(sims, target, ALERT, store)) == sorted(evidence.items())
    assert repo.ticket_for(store.conn, ALERT, target).error is None


async def test_a_file_over_the_size_limit_is_named_and_the_rest_go(
        engine, sims, store, evidence):
    sims.jira.state.jira.upload_limit = len(pcap_bytes()) - 1
    _, report = await engine.push([ALERT], "jira-sec")
    [failed] = report.failed
    assert "capture.pcap" in failed.detail and "over the attachment limit" in failed.detail
    assert attached_names(store.conn, ALERT, "jira-sec") == {"screenshot.png", IOC_LIST}


async def test_an_alert_with_nothing_to_attach_queues_no_attach(engine, store):
    upsert_alerts(store.conn, [make_alert(30, iocs=[])], fmt="zshield")
    _, report = await engine.push(["ZS-000030"], "jira-sec")
    assert [r.operation for r in report.results] == ["create"]


async def test_the_ioc_list_name_is_safe_for_both_systems(engine, sims, store):
    upsert_alerts(store.conn, [make_alert(31, id="wazuh:17/42")], fmt="zshield")
    for target in TARGETS:
        _, report = await engine.push(["wazuh:17/42"], target)
        assert not report.failed
        assert [n for n, _ in remote_files(sims, target, "wazuh:17/42", store)] == \
            ["iocs-wazuh-17-42.csv"]


# -- the remote's creation time ---------------------------------------------------------------
@pytest.mark.parametrize("target", TARGETS)
async def test_the_remote_creation_time_is_kept(engine, store, target):
    await engine.push(["ZS-000002"], target)
    created = repo.ticket_for(store.conn, "ZS-000002", target).remote_created_at
    assert created and created <= repo.now_iso()


# -- CMDB ---------------------------------------------------------------------------------------
async def test_a_servicenow_ticket_points_at_the_hosts_configuration_item(
        engine, sims, store, evidence):
    _, report = await engine.push([ALERT], "snow-sir")
    assert not report.failed
    ticket = repo.ticket_for(store.conn, ALERT, "snow-sir")
    assert ticket.configuration_item == "web-06"
    state = sims.snow.state.sim.state
    record = state.tables["sn_si_incident"][ticket.remote_id]
    assert state.tables["cmdb_ci"][record["cmdb_ci"]]["name"] == "web-06"
    [audit] = store.conn.execute("SELECT actor, new_value, detail FROM audit WHERE "
                                 "alert_id = ? AND action = 'cmdb'", (ALERT,)).fetchall()
    assert audit[:2] == ("snow-sir", "web-06") and "matched on web-06" in audit[2]

    # A poll keeps the name (the record's cmdb_ci comes with its display value).
    await engine.poll(["snow-sir"])
    assert repo.ticket_for(store.conn, ALERT, "snow-sir").configuration_item == "web-06"


async def test_an_unknown_host_is_noted_not_an_error(engine, sims, store):
    upsert_alerts(store.conn, [make_alert(32, assets=[
        Asset(hostname="nowhere-99", ip="192.0.2.99")])], fmt="zshield")
    _, report = await engine.push(["ZS-000032"], "snow-sir")
    assert not report.failed and "cmdb" in [r.operation for r in report.results]
    ticket = repo.ticket_for(store.conn, "ZS-000032", "snow-sir")
    assert ticket.configuration_item is None
    [detail] = store.conn.execute("SELECT detail FROM audit WHERE alert_id = 'ZS-000032' "
                                  "AND action = 'cmdb'").fetchone()
    assert "no configuration item found" in detail and "nowhere-99" in detail


async def test_jira_tickets_get_no_cmdb_op(engine, store):
    _, report = await engine.push(["ZS-000002"], "jira-sec")
    assert "cmdb" not in [r.operation for r in report.results]


# -- zshield show ---------------------------------------------------------------------------
async def test_show_json_lists_each_tickets_attachments(
        engine, store, evidence, capsys, tmp_path):
    await engine.push([ALERT], "jira-sec")
    ctx = Context(config_override=str(tmp_path / "config.toml"), db_override=str(store.database))
    assert show(ctx, ALERT, as_json=True) == 0
    [ticket] = json.loads(capsys.readouterr().out)["tickets"]
    assert sorted((a["name"], a["size"]) for a in ticket["attachments"]) == \
        sorted((n, len(d)) for n, d in evidence.items())
    assert all(a["remote_id"] for a in ticket["attachments"])


@pytest.mark.parametrize("target", TARGETS)
async def test_evidence_a_reingest_brings_goes_to_the_existing_ticket(
        engine, sims, store, evidence, target, tmp_path):
    from datetime import UTC, datetime

    from zshield_tui.store.alerts import iso
    from zshield_tui.sync.attach_op import queue_new_evidence

    await engine.push([ALERT], target)
    assert len(remote_files(sims, target, ALERT, store)) == 3
    since = iso(datetime.now(UTC))
    assert queue_new_evidence(store.conn, since) == 0          # nothing changed yet
    (tmp_path / "dns.log").write_bytes(b"query evil.example\n")
    listed = [Evidence(name=n, path=str(tmp_path / n))
              for n in ("capture.pcap", "screenshot.png", "dns.log")]
    # As a source record would: the new file is in the raw record too.
    upsert_alerts(store.conn, [make_alert(20, evidence=listed,
                                          raw={"evidence": [e.name for e in listed]})],
                  fmt="zshield", origin=str(tmp_path))
    assert queue_new_evidence(store.conn, since) == 1
    assert queue_new_evidence(store.conn, since) == 0          # one open op is enough
    await engine.drain([target])
    names = sorted(n for n, _ in remote_files(sims, target, ALERT, store))
    assert names == sorted(["capture.pcap", "screenshot.png", "dns.log", IOC_LIST])
    assert queue_new_evidence(store.conn, since) == 0          # the ticket has them all
