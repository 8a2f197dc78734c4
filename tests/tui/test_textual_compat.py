"""What tui/textual_compat.py relies on in Textual still holds: starting a theme its way
leaves the app exactly as assigning `app.theme` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from zshield_tui.tui.textual_compat import start_theme
from zshield_tui.tui.themes import BUILTIN_DIR, load_themes


def test_textual_still_has_what_start_theme_calls():
    assert callable(App._refresh_truecolor_filter)
    assert "_watch_theme" in vars(App)


@pytest.mark.parametrize("name", ["zshield-light", "zshield-high-contrast", "zshield-dark"])
async def test_starting_a_theme_equals_assigning_it(name, tmp_path: Path):
    apps = []
    for how in ("start", "assign"):
        app = App()
        for theme in load_themes(BUILTIN_DIR).themes:
            app.register_theme(theme)
        if how == "start":
            start_theme(app, name)
        apps.append(app)
    started, assigned = apps
    async with assigned.run_test():
        assigned.theme = name
        await assigned.workers.wait_for_complete()
        expected_classes = {c for c in assigned.classes if c.startswith("-")}
        expected_vars = assigned.get_css_variables()
        expected_filter = [type(f).__name__ for f in assigned._filters]
    async with started.run_test():
        assert started.theme == name
        assert {c for c in started.classes if c.startswith("-")} == expected_classes
        assert started.get_css_variables() == expected_vars
        assert [type(f).__name__ for f in started._filters] == expected_filter
