"""SVG snapshots of the main screen in each theme (pytest-textual-snapshot).

After a deliberate change of look: `pytest tests/tui/test_snapshots.py --snapshot-update`,
review the diff, and run `make screenshots` for the README.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE


async def _loaded(pilot) -> None:
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


async def _marked_and_loaded(pilot) -> None:
    await _loaded(pilot)
    await pilot.press("j", "j", "space")
    await _loaded(pilot)


@pytest.mark.parametrize("theme", ["zshield-dark", "zshield-light", "zshield-high-contrast"])
def test_main_screen_in_each_theme(snap_compare, make_app, theme):
    app = make_app(theme=theme, remember=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_marked_and_loaded)


def test_filtered_and_sorted_by_severity(snap_compare, make_app):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("s", "slash", *"cat:credential", "enter")
        await _loaded(pilot)

    assert snap_compare(make_app(remember=False), terminal_size=SIZE, run_before=run_before)
