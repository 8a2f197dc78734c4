"""SVG snapshots of the triage screen (pytest-textual-snapshot): with linked tickets and
marks in each theme, and a filtered view.

After a deliberate change of look: `pytest tests/tui -k snapshots --snapshot-update`,
review the diff, and run `make screenshots` for the README.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, triage_ready

THEMES = ["zshield-dark", "zshield-light", "zshield-high-contrast"]


async def _marked(pilot) -> None:
    await triage_ready(pilot)
    await pilot.press("j", "space", "space", "g")  # rows 2 and 3 marked, back on the first
    await triage_ready(pilot)


@pytest.mark.parametrize("theme", THEMES)
def test_triage_with_tickets_and_marks(snap_compare, world, theme):
    factory, _ = world
    assert snap_compare(factory(theme=theme), terminal_size=SIZE, run_before=_marked)


def test_filtered_and_sorted_by_severity(snap_compare, make_app):
    async def run_before(pilot):
        await triage_ready(pilot)
        await pilot.press("s", "slash", *"cat:credential", "enter")
        await triage_ready(pilot)

    assert snap_compare(make_app(remember=False), terminal_size=SIZE, run_before=run_before)
