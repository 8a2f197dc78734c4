from pathlib import Path

from tests.tui.conftest import SIZE, Inbox, palette, triage_ready, wait_for
from zshield_tui.tui.themes import BUILTIN_DIR, load_themes, remembered_theme
from zshield_tui.tui.widgets.alert_list import AlertList


def test_the_builtin_themes_load_with_severity_colours():
    loaded = load_themes(BUILTIN_DIR)
    names = {t.name for t in loaded.themes}
    assert {"zshield-dark", "zshield-light", "zshield-high-contrast"} <= names
    assert loaded.problems == []
    for theme in loaded.themes:
        assert theme.variables["sev-critical"].startswith("#")


def test_a_bad_theme_file_is_reported_and_skipped(tmp_path: Path):
    (tmp_path / "broken.toml").write_text('name = "x"\nprimary = "#fff"\n')
    (tmp_path / "typo.toml").write_text('name = "y"\nprimray = "#fff"\n')
    loaded = load_themes(tmp_path)
    assert loaded.themes == []
    assert any("broken.toml: [variables] lacks sev-critical" in p for p in loaded.problems)
    assert any("typo.toml: unknown keys primray" in p for p in loaded.problems)


async def test_a_theme_chosen_in_the_palette_is_remembered(make_app):
    app = make_app(remember=True)
    async with app.run_test(size=SIZE) as pilot:
        await palette(pilot, "theme: high contrast")
        await wait_for(pilot, lambda: app.theme == "zshield-high-contrast")
    assert remembered_theme() == "zshield-high-contrast"
    again = make_app(remember=True)
    async with again.run_test(size=SIZE):
        assert again.theme == "zshield-high-contrast"


async def test_a_bad_user_theme_falls_back_with_a_toast(make_app, tmp_path):
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "mine.toml").write_text("not toml [")
    app, inbox = make_app(theme_dirs=(BUILTIN_DIR, themes)), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await wait_for(pilot, lambda: any("mine.toml" in n for n in inbox.notifications()))
        assert app.theme == "zshield-dark"


async def test_switching_theme_recolours_the_lines_already_drawn(make_app):
    """The list caches its drawn lines; a theme change must not leave old colours."""
    app = make_app(theme="zshield-dark", remember=False)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)

        def styles() -> set:
            return {seg.style for seg in alerts.render_line(0) if seg.style}

        before = styles()
        app.theme = "zshield-light"
        await wait_for(pilot, lambda: styles() != before)
        assert before and styles()
        assert alerts.render_line(0) is alerts.render_line(0)  # and cached again
