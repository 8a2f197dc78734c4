"""Evidence confinement (DESIGN §4), end to end against both simulators: an alert names its
evidence files, and an attacker writes alerts. Only regular files inside the alert file's
folder or under `[evidence] roots` go out; anything else is refused by name on the ticket
and in the outbox, and is never opened."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.factories import make_alert
from tests.ingest.helpers import release_fifo
from zshield_tui.config import load_config
from zshield_tui.domain import Evidence
from zshield_tui.ingest import read
from zshield_tui.store import syncrepo as repo
from zshield_tui.store import upsert_alerts
from zshield_tui.sync.engine import SyncEngine

from .conftest import ENV, write_config
from .test_evidence import remote_files

TARGETS = ["jira-sec", "snow-sir"]
ALERT = "ZS-EV-1"
SECRET = b"root:x:0:0:the secret of the machine\n"
DEEP = "../" * 40   # past the root from any test folder: normpath stops at /

# -- watching what gets opened ----------------------------------------------------------------
_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextmanager
def opened_files():
    """Every path the process opens meanwhile (Python's audit hook: `open`, `os.open`)."""
    global _opened
    _opened = seen = []
    try:
        yield seen
    finally:
        _opened = None


# -- helpers ----------------------------------------------------------------------------------
def native(evidence: list[dict[str, str]], **fields: object) -> dict:
    return {"id": ALERT, "title": "Beacon on web-06", "severity": "high",
            "created_at": "2026-11-24T10:00:00Z", "iocs": [{"type": "ip", "value": "203.0.113.9"}],
            "evidence": evidence, **fields}


def ingest(store, path: Path, record: dict) -> None:
    """As `zshield ingest PATH` stores it: the reader says which folder the file is in."""
    path.write_text(json.dumps(record) + "\n")
    stream = read(str(path))
    upsert_alerts(store.conn, (a for a in stream), fmt=stream.format, origin=stream.origin)


def ticket_error(store, target: str) -> str:
    return repo.ticket_for(store.conn, ALERT, target).error or ""


def attach_ops(store, target: str) -> list[repo.OutboxOp]:
    return [o for o in repo.list_ops(store.conn, ("done", "failed", "pending", "running"),
                                     target=target)
            if o.operation == "attach" and o.alert_id == ALERT]


@pytest.fixture
def folder(tmp_path) -> Path:
    """The alert file's folder, with one honest evidence file in it; a secret beside it."""
    alerts = tmp_path / "alerts"
    alerts.mkdir()
    (alerts / "capture.pcap").write_bytes(b"pcap bytes")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    return alerts


def engine_with_roots(tmp_path, sims, store, roots: list[str]) -> SyncEngine:
    path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
    with path.open("a") as config:
        config.write(f"\n[evidence]\nroots = {json.dumps(roots)}\n")
    return SyncEngine(store, load_config(path), path, env=ENV, options=sims.options(),
                      settle=5.0, base_delay=0.01)


# -- the attacks --------------------------------------------------------------------------------
@pytest.mark.parametrize("target", TARGETS)
async def test_files_outside_the_alert_folder_are_refused_by_name_and_never_opened(
        engine, sims, store, folder, target):
    (folder / "innocent.log").symlink_to(folder.parent / "secret.txt")
    ingest(store, folder / "alert.json", native([
        {"name": "capture.pcap", "path": "capture.pcap"},
        {"name": "passwd", "path": "/etc/passwd"},
        {"name": "hostname", "path": DEEP + "etc/hostname"},
        {"name": "innocent.log", "path": "innocent.log"},
        {"name": "secret", "path": "../secret.txt"},
    ]))
    with opened_files() as seen:
        _, report = await engine.push([ALERT], target)

    sent = dict(remote_files(sims, target, ALERT, store))
    assert sorted(sent) == ["capture.pcap", f"iocs-{ALERT}.csv"]
    assert SECRET not in sent.values()
    error = ticket_error(store, target)
    assert "evidence passwd: /etc/passwd is outside the alert's folder and the evidence " \
           "roots; not sent" in error
    assert "evidence hostname: /etc/hostname is outside" in error
    assert f"evidence innocent.log: {folder / 'innocent.log'} (resolves to " \
           f"{folder.parent / 'secret.txt'}) is outside" in error
    assert f"evidence secret: {folder.parent / 'secret.txt'} is outside" in error
    [failed] = report.failed
    assert failed.operation == "attach" and "evidence passwd" in failed.detail
    [op] = attach_ops(store, target)
    assert op.status == "failed" and "evidence innocent.log" in op.last_error
    refused = {"/etc/passwd", "/etc/hostname", str(folder.parent / "secret.txt"),
               str(folder / "innocent.log")}
    assert str(folder / "capture.pcap") in seen   # the watch works: the good file was read
    assert not refused & set(seen), sorted(refused & set(seen))


@pytest.mark.parametrize("target", TARGETS)
async def test_a_reingest_naming_a_new_outside_file_does_not_send_it_on_sync(
        engine, sims, store, folder, target):
    from datetime import UTC, datetime

    from zshield_tui.store.alerts import iso
    from zshield_tui.sync.attach_op import queue_new_evidence

    path = folder / "alert.json"
    ingest(store, path, native([{"name": "capture.pcap", "path": "capture.pcap"}]))
    _, report = await engine.push([ALERT], target)
    assert not report.failed
    since = iso(datetime.now(UTC))
    ingest(store, path, native([{"name": "capture.pcap", "path": "capture.pcap"},
                                {"name": "passwd", "path": "/etc/passwd"}]))
    assert queue_new_evidence(store.conn, since) == 1

    report = await engine.drain([target])       # what a plain `zshield sync --once` does
    assert sorted(n for n, _ in remote_files(sims, target, ALERT, store)) == \
        ["capture.pcap", f"iocs-{ALERT}.csv"]
    [failed] = report.failed
    assert "evidence passwd: /etc/passwd is outside" in failed.detail
    assert "evidence passwd" in ticket_error(store, target)


@pytest.mark.parametrize("target", TARGETS)
async def test_a_fifo_or_a_device_is_refused_without_blocking(
        tmp_path, sims, store, folder, target):
    os.mkfifo(folder / "pipe.pcap")
    engine = engine_with_roots(tmp_path, sims, store, ["/dev"])
    ingest(store, folder / "alert.json", native([
        {"name": "pipe.pcap", "path": "pipe.pcap"},
        {"name": "zero.bin", "path": "/dev/zero"},
        {"name": "capture.pcap", "path": "capture.pcap"},
    ]))
    # Should the check ever open the FIFO, this lets the test end (and fail) instead of
    # hanging for good.
    rescue = threading.Timer(20, release_fifo, [folder / "pipe.pcap"])
    rescue.start()
    started = time.monotonic()
    try:
        _, report = await engine.push([ALERT], target)
    finally:
        rescue.cancel()
    assert time.monotonic() - started < 10
    error = ticket_error(store, target)
    assert f"evidence pipe.pcap: {folder / 'pipe.pcap'} is a FIFO, not a regular file" in error
    assert "evidence zero.bin: /dev/zero is a device, not a regular file; not sent" in error
    assert sorted(n for n, _ in remote_files(sims, target, ALERT, store)) == \
        ["capture.pcap", f"iocs-{ALERT}.csv"]


# -- what may go --------------------------------------------------------------------------------
@pytest.mark.parametrize("target", TARGETS)
async def test_files_under_a_configured_root_go_and_a_symlink_inside_is_followed(
        tmp_path, sims, store, folder, target):
    shared = tmp_path / "srv" / "evidence"
    shared.mkdir(parents=True)
    (shared / "memory.img").write_bytes(b"memory image")
    (folder / "latest.pcap").symlink_to(folder / "capture.pcap")
    engine = engine_with_roots(tmp_path, sims, store, ["srv/evidence"])   # config-relative
    ingest(store, folder / "alert.json", native([
        {"name": "memory.img", "path": str(shared / "memory.img")},
        {"name": "latest.pcap", "path": "latest.pcap"},
    ]))
    _, report = await engine.push([ALERT], target)
    assert not report.failed, report.results
    assert dict(remote_files(sims, target, ALERT, store)) == {
        "memory.img": b"memory image", "latest.pcap": b"pcap bytes",
        f"iocs-{ALERT}.csv": b"type,value\nip,203.0.113.9\n"}


async def test_stdin_alerts_have_no_folder_so_only_roots_vouch(
        tmp_path, sims, store, folder, monkeypatch, engine):
    import io

    monkeypatch.chdir(folder)
    record = native([{"name": "capture.pcap", "path": "capture.pcap"}])
    stream = read("-", stdin=io.StringIO(json.dumps(record)))
    assert stream.origin is None
    upsert_alerts(store.conn, list(stream), fmt=stream.format, origin=stream.origin)
    await engine.push([ALERT], "jira-sec")
    assert "evidence capture.pcap" in ticket_error(store, "jira-sec")

    rooted = engine_with_roots(tmp_path, sims, store, [str(folder)])
    [op] = attach_ops(store, "jira-sec")
    assert repo.retry(store.conn, op.id)
    report = await rooted.drain(["jira-sec"])
    assert not report.failed
    assert "capture.pcap" in dict(remote_files(sims, "jira-sec", ALERT, store))


async def test_a_tilde_is_not_a_home_folder(tmp_path, sims, store, folder, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "id_rsa").write_bytes(SECRET)
    monkeypatch.setenv("HOME", str(home))
    engine = engine_with_roots(tmp_path, sims, store, ["~"])
    # As an older release stored it: the path as the record wrote it.
    upsert_alerts(store.conn, [make_alert(1, id=ALERT, evidence=[
        Evidence(name="id_rsa", path="~/id_rsa")])], fmt="zshield", origin=str(folder))
    await engine.push([ALERT], "jira-sec")
    assert "evidence id_rsa: ~/id_rsa is outside" in ticket_error(store, "jira-sec")
    assert SECRET not in dict(remote_files(sims, "jira-sec", ALERT, store)).values()
    assert engine.targets["jira-sec"].evidence_roots == (str(tmp_path / "~"),)
