"""Staging first, against the simulators in-process: a production Jira target enabled in
the config creates nothing until `rules stage` has sent real tickets to its staging twin
(a second Jira), and an edit of its mapping pauses it again."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.factories import make_alert
from tests.sync.conftest import ENV, _no_sleep, write_config
from zshield_tui.connectors.jira.http import RetryPolicy as JiraRetry
from zshield_tui.core import Core
from zshield_tui.core.staging import StageError
from zshield_tui.domain import Severity
from zshield_tui.mapping.files import EXAMPLE_JIRA
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.jira.state import CLOUD_EMAIL
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.screens.ticket_screen import status_text

STAGE = f'''
[[targets]]
name = "jira-stage"
kind = "jira"
url = "http://127.0.0.1:9003"
deployment = "cloud"
auth = {{ method = "api_token", email = "{CLOUD_EMAIL}", token_env = "ZS_JIRA_TOKEN" }}
mapping = "jira-stage.json"
staging = true
'''


class World:
    def __init__(self, tmp_path) -> None:
        self.folder = tmp_path
        self.prod, self.stage = jira_app.create_app(), jira_app.create_app()
        path = write_config(tmp_path, "http://127.0.0.1:9001", "http://127.0.0.1:9002")
        (tmp_path / "jira-stage.json").write_text(EXAMPLE_JIRA)
        line = 'mapping = "jira-sec.json"\n'
        path.write_text(path.read_text().replace(line, line + (
            'staging_twin = "jira-stage"\n'
            'auto_create = { enabled = true, min_severity = "high" }\n')) + STAGE)
        self.db = tmp_path / "z.db"
        options = {name: {"transport": httpx.ASGITransport(app=app),
                          "retry": JiraRetry(sleep=_no_sleep, read_timeout=2.0)}
                   for name, app in (("jira-sec", self.prod), ("jira-stage", self.stage))}
        self.core = Core(path, self.db, env=ENV, options=options)
        self.seq = 0

    def arrive(self, count: int) -> list[str]:
        """`count` new high alerts, stored as an ingest stores them."""
        alerts = []
        for _ in range(count):
            self.seq += 1
            alerts.append(make_alert(self.seq, severity=Severity.HIGH))
        with Store(self.db) as store:
            upsert_alerts(store.conn, alerts, fmt="zshield")
        return [a.id for a in alerts]

    def issues(self, app) -> dict[str, str]:
        """Key -> summary of the issues in a simulator."""
        return {k: i.fields.get("summary", "") for k, i in app.state.jira.issues.items()}


@pytest.fixture
def world(tmp_path) -> World:
    world = World(tmp_path)
    world.arrive(4)
    world.core.sync_once(settle=0.0)   # the first pass marks where auto-create starts
    return world


def test_production_creates_nothing_until_a_staging_run_passed(world):
    world.arrive(2)
    result = world.core.sync_once(settle=0.0)
    assert not result.automation.created.queued
    assert result.automation.created.paused == {
        "jira-sec": "no staging run on record: zshield rules stage --target jira-sec"}
    assert world.issues(world.prod) == {} and world.issues(world.stage) == {}
    assert [s.paused is not None for s in world.core.status()] == [True, False, False]
    assert status_text(world.core.status()) == \
        "jira-sec ✓ ⏸ auto-create paused until staged  snow-sir ✓  jira-stage ✓"

    staged = world.core.stage("jira-sec", 3)
    assert staged.ok and staged.asked == 3 and not staged.problems
    # The newest alerts the rules would auto-create, for real, in the staging project.
    assert [t["alert_id"] for t in staged.tickets] == ["ZS-000006", "ZS-000005", "ZS-000004"]
    assert sorted(world.issues(world.stage)) == sorted(t["key"] for t in staged.tickets)
    assert all(t["url"].startswith("http://127.0.0.1:9003/browse/SEC-") for t in staged.tickets)
    assert world.issues(world.prod) == {}

    arrived = world.arrive(2)
    result = world.core.sync_once(settle=0.0)
    assert dict(result.automation.created.queued) == {"jira-sec": 2}
    assert result.automation.created.paused == {}
    assert "paused" not in status_text(world.core.status())
    assert sorted(world.issues(world.prod).values()) == sorted(
        f"Alert {int(a[3:])} on web-{int(a[3:]) % 7:02d}" for a in arrived)


def test_editing_the_mapping_pauses_production_again(world):
    assert world.core.stage("jira-sec", 2).ok
    mapping = world.folder / "jira-sec.json"
    edited = json.loads(mapping.read_text())
    edited["field_mapping"]["labels"].append("edited")
    mapping.write_text(json.dumps(edited))
    world.arrive(2)
    result = world.core.sync_once(settle=0.0)
    assert not result.automation.created.queued
    assert result.automation.created.paused["jira-sec"].startswith(
        "the mapping file changed since the staging run of ")
    assert world.issues(world.prod) == {}
    # A new run tests the edit on new alerts (the staged ones already have their ticket).
    again = world.core.stage("jira-sec", 5)
    assert again.ok and {t["alert_id"] for t in again.tickets} == {
        "ZS-000001", "ZS-000002", "ZS-000005", "ZS-000006"}
    issue = world.stage.state.jira.issues[again.tickets[0]["key"]]
    assert "edited" in issue.fields["labels"]
    world.arrive(1)
    assert dict(world.core.sync_once(settle=0.0).automation.created.queued) == {"jira-sec": 1}


def test_a_field_the_staging_twin_refuses_fails_the_run_and_keeps_the_pause(world):
    mapping = world.folder / "jira-sec.json"
    edited = json.loads(mapping.read_text())
    edited["field_mapping"]["customfield_10999"] = "{{ alert.category }}"
    mapping.write_text(json.dumps(edited))
    staged = world.core.stage("jira-sec", 2)
    assert not staged.ok and staged.tickets == [] and len(staged.problems) == 2
    assert "customfield_10999" in staged.problems[0]
    assert world.issues(world.stage) == {}
    with Store(world.db) as store:   # nothing left to go out later
        left = store.conn.execute("SELECT count(*) FROM outbox WHERE target = 'jira-stage' "
                                  "AND status IN ('pending', 'running', 'failed')").fetchone()
    assert left[0] == 0
    world.arrive(1)
    result = world.core.sync_once(settle=0.0)
    assert result.automation.created.paused["jira-sec"].startswith(
        "the last staging run on jira-stage failed (ZS-")


def test_stage_refuses_what_it_cannot_test(world):
    with pytest.raises(StageError, match="jira-stage is a staging target"):
        world.core.stage("jira-stage", 5)
    with pytest.raises(StageError, match="snow-sir has no staging_twin"):
        world.core.stage("snow-sir", 5)
    with pytest.raises(StageError, match="--count: must be 1 or more"):
        world.core.stage("jira-sec", 0)
    assert world.core.stage("jira-sec", 50).asked == 4      # all there is
    with pytest.raises(StageError, match="no alert left that the rules would") as caught:
        world.core.stage("jira-sec", 5)
    assert not caught.value.usage


def snow_target(name: str, port: int, extra: str) -> str:
    return f'''
[[targets]]
name = "{name}"
kind = "servicenow"
url = "http://127.0.0.1:{port}"
auth = {{ method = "basic", username = "zshield.integration", password_env = "ZS_SNOW_PASSWORD" }}
mapping = "{name}.json"
{extra}'''


def test_servicenow_a_column_the_twin_does_not_have_fails_the_run(tmp_path):
    """ServiceNow takes a create with an unknown column and drops it silently: the run
    checks the drafts against the twin's own columns before sending."""
    from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
    from zshield_tui.mapping.files import EXAMPLE_SNOW
    from zshield_tui.sim.servicenow import app as snow_app

    prod, stage = snow_app.create_app(), snow_app.create_app()
    mapping = json.loads(EXAMPLE_SNOW)
    (tmp_path / "snow-sir.json").write_text(json.dumps(mapping))
    (tmp_path / "snow-stage.json").write_text(EXAMPLE_SNOW)
    config = tmp_path / "config.toml"
    config.write_text(snow_target("snow-sir", 9002, 'staging_twin = "snow-stage"\n'
                                  'auto_create = { enabled = true, min_severity = "high" }\n')
                      + snow_target("snow-stage", 9004, "staging = true\n"))
    options = {name: {"transport": httpx.ASGITransport(app=app),
                      "retry": SnowRetry(base_delay=0.0, sleep=_no_sleep)}
               for name, app in (("snow-sir", prod), ("snow-stage", stage))}
    core = Core(config, tmp_path / "z.db", env=ENV, options=options)
    with Store(tmp_path / "z.db") as store:
        upsert_alerts(store.conn, [make_alert(n, severity=Severity.CRITICAL)
                                   for n in range(1, 5)], fmt="zshield")

    def staged_rows() -> int:
        return len(stage.state.sim.state.rows("sn_si_incident"))

    mapping["field_mapping"]["u_attack_vector"] = "{{ alert.category }}"
    (tmp_path / "snow-sir.json").write_text(json.dumps(mapping))
    failed = core.stage("snow-sir", 2)
    assert not failed.ok and staged_rows() == 0
    assert failed.problems[0].startswith("ZS-000004: invalid u_attack_vector: unknown field")
    del mapping["field_mapping"]["u_attack_vector"]
    (tmp_path / "snow-sir.json").write_text(json.dumps(mapping))
    passed = core.stage("snow-sir", 2)
    assert passed.ok and staged_rows() == 2
    assert [t["key"][:3] for t in passed.tickets] == ["SIR", "SIR"]
    assert core.staging_gates()["snow-sir"].active
