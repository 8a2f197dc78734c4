"""SVG snapshots of every view and dialog, reached by keys from the triage screen over the
pinned world (tests/tui/world.py): linked tickets on both simulators, a failed and a
pending op. See test_snapshots.py for how to update them."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, hold_still, settle, triage_ready
from tests.tui.test_snapshots import THEMES

SCREENS = {
    "push-targets": ("p",),
    "push-confirm": ("p", "enter"),
    "push-result": ("j", "j", "j", "j", "p", "enter", "y"),  # an alert with no ticket yet
    "resolve-result": ("x", "y"),  # the first alert: a ticket on each target
    "note": ("c", *"Host isolated"),
    "assign": ("a", *"ana@example.com"),
    "mapping-preview": ("m",),
    "tickets": ("2",),
    "outbox": ("3",),
    "rules": ("4",),
    "settings": ("5",),
    "help": ("question_mark",),
}


def _after(*keys: str):
    async def run_before(pilot) -> None:
        await triage_ready(pilot)
        for key in keys:  # one at a time: each may open a screen the next one is for
            await pilot.press(key)
            await settle(pilot)
        await hold_still(pilot)

    return run_before


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare, world, name):
    factory, _ = world
    assert snap_compare(factory(), terminal_size=SIZE, run_before=_after(*SCREENS[name]))


@pytest.mark.parametrize("theme", THEMES)
def test_confirmation_in_each_theme(snap_compare, world, theme):
    factory, _ = world
    assert snap_compare(factory(theme=theme), terminal_size=SIZE,
                        run_before=_after(*SCREENS["push-confirm"]))
