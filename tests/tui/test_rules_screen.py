"""The rules screen as an analyst uses it: `4` on an alert shows which rule matched and why,
auto-create is switched per target behind a confirmation and the staging gate, on-call
now and next, and a what-if replay with a per-day chart."""

from __future__ import annotations

import pytest
from textual.widgets import Sparkline, Static

from tests.automation.conftest import BASE
from tests.tui.conftest import NOW, SIZE, settle, triage_ready
from zshield_tui.tui.screens.rules import ConfirmScreen, RulesScreen
from zshield_tui.tui.screens.triage import TriageScreen


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    # A rule name full of markup must be shown as typed, not parsed.
    path.write_text(BASE.replace('name = "EDR by category"', 'name = "EDR [/bold] [red]x"'))
    return path


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_key_4_explains_the_alert_under_the_cursor_and_esc_returns(make_app,
                                                                        config_file):
    app = make_app(config_file=config_file)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        current = app.screen.alerts.current
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        assert app.screen.alert_id == current.id
        rules = text(app, "#rules-list")
        assert "1. critical to SOC-CRIT" in rules and "EDR [/bold] [red]x" in rules
        assert "Matched: " in text(app, "#rules-match")
        assert "primary: " in text(app, "#rules-oncall") and ", then " in \
            text(app, "#rules-oncall")
        await pilot.press("escape")
        assert isinstance(app.screen, TriageScreen)


async def test_production_is_paused_until_staged_and_the_switch_goes_through_the_gate(
        make_app, config_file):
    from tests.automation.conftest import record_pass
    from zshield_tui.store import Store

    app = make_app(config_file=config_file)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("4")
        await settle(pilot)
        targets = text(app, "#rules-targets")
        assert "> jira-sec: PAUSED >= high (production)" in targets
        assert "paused for staging: no staging run on record: zshield rules stage --target " \
            "jira-sec" in targets
        await pilot.press("a")                     # wanted -> off: asks first, No by default
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "> jira-sec: PAUSED" in text(app, "#rules-targets")
        await pilot.press("a", "y")
        await settle(pilot)
        assert "> jira-sec: off" in text(app, "#rules-targets")
        await pilot.press("a")                     # off -> on: the gate refuses, asks nothing
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "> jira-sec: off" in text(app, "#rules-targets")
        with Store(app.core.database) as store:   # a passing staging run of today's config
            record_pass(store.conn, app.core.config, config_file, "jira-sec")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "> jira-sec: on  >= high (production)" in text(app, "#rules-targets")
        await pilot.press("t")                     # jira-stage: a staging target
        await pilot.press("a", "y")
        await settle(pilot)
        assert "> jira-stage: on " in text(app, "#rules-targets")


async def test_whatif_replays_in_a_worker_and_draws_a_day_chart(make_app, config_file):
    app = make_app(config_file=config_file)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        app.push_screen(RulesScreen(None, now=NOW))
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        summary = text(app, "#whatif-text")
        assert "What-if, last 14 days: 400 alerts -> " in summary
        chart = app.screen.query_one("#whatif-chart", Sparkline)
        assert len(chart.data) == 15 and sum(chart.data) > 0
        assert "mapping failures: 0" in summary and "(not checked) snow-sir" in summary
        # a replay unpauses nothing: it says which targets wait for a staging run
        assert "jira-sec paused for staging: no staging run on record" in summary
