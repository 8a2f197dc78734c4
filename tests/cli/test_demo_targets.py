"""`zshield demo` configures two targets on in-process simulators that a push reaches."""

from __future__ import annotations

from tests.factories import make_alert
from zshield_tui.commands.demo_cmd import write_demo_config
from zshield_tui.config import load_config
from zshield_tui.sim.background import serving
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.sync.engine import SyncEngine


async def test_the_demo_targets_work_out_of_the_box(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with serving("jira") as jira_url, serving("servicenow") as snow_url, \
            Store(tmp_path / "z.db") as store:
        config = write_demo_config(tmp_path, jira_url, snow_url)
        upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
        engine = SyncEngine(store, load_config(config, required=True), config)
        for target in ("jira-sec", "snow-sir"):
            _, report = await engine.push(["ZS-000001"], target)
            assert not report.failed, report.results
            assert [r.operation for r in report.results if r.ok].count("create") == 1


def test_the_demo_config_has_rules_for_the_rules_screen_and_they_validate(tmp_path):
    config = load_config(write_demo_config(tmp_path, "http://127.0.0.1:1", "http://127.0.0.1:2"),
                         required=True)
    assert [r.name for r in config.rules] == ["critical to OPS, on call",
                                              "phishing to the SIR queue"]
    assert "primary" in config.oncall and config.escalation is not None
    assert not any(t.auto_create.enabled for t in config.targets)
