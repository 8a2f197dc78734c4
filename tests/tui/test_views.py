"""Digits switch views: 2 lists every linked ticket, 5 shows the targets (never a secret)
and tests a connection; 1 goes back to the alerts from anywhere."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.sync.conftest import ENV
from tests.tui.conftest import SIZE, triage_ready, wait_for
from tests.tui.test_bulk_actions import mark_and_push
from zshield_tui.store import Store
from zshield_tui.tui.screens.outbox import OutboxScreen
from zshield_tui.tui.screens.rules import RulesScreen
from zshield_tui.tui.screens.settings import SettingsScreen
from zshield_tui.tui.screens.tickets import TicketsScreen
from zshield_tui.tui.screens.triage import TriageScreen


def cells(table: DataTable) -> list[list[str]]:
    return [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_view_2_lists_the_pushed_tickets_newest_first(make_app, sims):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        ids = await mark_and_push(pilot, 2)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        rows = cells(table)
        assert {r[0] for r in rows} == set(ids)
        # Newest link first: the two creates run at once, so either may be linked first.
        with Store(app.database) as store:
            linked = [k for (k,) in store.conn.execute("SELECT key FROM ticket ORDER BY id DESC")]
        assert [r[2] for r in rows] == linked and sorted(linked) == ["SEC-1", "SEC-2"]
        assert all(r[1] == "jira-sec" and r[4] == "To Do" for r in rows)

        await pilot.press("3")                   # views replace each other
        await wait_for(pilot, lambda: isinstance(app.screen, OutboxScreen))
        assert len(app.screen_stack) == 2
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        assert len(app.screen_stack) == 1

        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))


async def test_view_5_shows_the_targets_without_secrets_and_tests_a_connection(
        make_app, sims):
    config, _ = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        jira_row, snow_row = cells(table)
        assert jira_row[0] == "jira-sec" and jira_row[2] == "jira cloud"
        assert jira_row[5] == "$ZS_JIRA_TOKEN set" and jira_row[6] == "jira-sec.json"
        assert snow_row[4] == "basic as zshield.integration"
        assert jira_row[8] == "off"

        await pilot.press("t")                   # the first row: jira-sec
        await wait_for(pilot, lambda: cells(table)[0][1].startswith("✓"),
                       message=lambda: cells(table)[0][1])
        answer = app.screen.query_one("#settings-test", Static).render()
        assert "✓ SOC Bot <soc-bot@example.com>" in str(answer)

        # The ServiceNow password of the simulator ("zshield") is part of every user name
        # there; the Jira API token is the secret that could only come from the environment.
        token = ENV["ZS_JIRA_TOKEN"]
        assert token not in " ".join(" ".join(r) for r in cells(table))
        assert token not in app.export_screenshot()
        assert token[:8] not in app.export_screenshot()
