"""The command palette offers ticket work and the views, and runs them on the alerts the
keys would act on."""

from __future__ import annotations

from tests.tui.conftest import SIZE, palette
from zshield_tui.tui.commands import ZShieldCommands
from zshield_tui.tui.screens.push import PushScreen
from zshield_tui.tui.screens.tickets import TicketsScreen


async def names_on(app) -> list[str]:
    provider = ZShieldCommands(app.screen)
    return [name for name, _, _ in provider.commands()]


async def test_the_palette_lists_ticket_alert_view_and_theme_commands(make_app):
    app = make_app(remember=False)
    async with app.run_test(size=SIZE):
        names = await names_on(app)
    assert {"ticket: push", "ticket: add a note", "ticket: resolve with children",
            "ticket: assign", "ticket: open in the browser", "view: tickets",
            "alerts: sort by severity", "theme: light"} <= set(names)


async def test_ticket_push_from_the_palette_opens_the_push_screen(make_app):
    app = make_app(remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "ticket: push")
        assert isinstance(app.screen, PushScreen)


async def test_a_view_from_the_palette_switches_to_it(make_app):
    app = make_app(remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "view: tickets")
        assert isinstance(app.screen, TicketsScreen)
