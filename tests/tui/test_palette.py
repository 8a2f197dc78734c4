"""The command palette offers ticket work and the views, and runs them on the alerts the
keys would act on."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.tui.conftest import SIZE
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
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"ticket: push")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, PushScreen)


async def test_a_view_from_the_palette_switches_to_it(make_app):
    app = make_app(remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: tickets")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, TicketsScreen)
