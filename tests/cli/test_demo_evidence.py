"""`zshield demo` keeps attaching its generated evidence files under evidence confinement:
they sit under an evidence root the demo's config names."""

from __future__ import annotations

from zshield_tui.commands.demo_cmd import EVIDENCE_DIR, seed, write_demo_config
from zshield_tui.config import load_config
from zshield_tui.sim.background import serving
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.engine import SyncEngine


async def test_the_demo_alerts_evidence_attaches(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seed(tmp_path / "demo.db", count=40, evidence_dir=tmp_path / EVIDENCE_DIR)
    with serving("jira") as jira_url, serving("servicenow") as snow_url, \
            Store(tmp_path / "demo.db") as store:
        config = write_demo_config(tmp_path, jira_url, snow_url)
        engine = SyncEngine(store, load_config(config, required=True), config)
        [alert_id, *_] = [r[0] for r in store.conn.execute(
            "SELECT alert_id FROM evidence ORDER BY id")]
        names = {r[0] for r in store.conn.execute(
            "SELECT name FROM evidence WHERE alert_id = ?", (alert_id,))}
        for target in ("jira-sec", "snow-sir"):
            _, report = await engine.push([alert_id], target)
            assert not report.failed, report.results
            assert names <= {a["name"] for a in _attachments(store, alert_id, target)}
            assert repo.ticket_for(store.conn, alert_id, target).error is None


def _attachments(store, alert_id: str, target: str) -> list[dict]:
    from zshield_tui.store.attachments import attachments_of

    return [a for a in attachments_of(store.conn, alert_id) if a["target"] == target]
