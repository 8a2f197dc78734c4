"""Screens that act on hostile alerts, checked on the bytes written to the terminal: the
mapping preview and its batch check, push with its confirmation and per-item results,
the note dialog, and the rules screen explaining why a rule matched."""

from __future__ import annotations

from tests.automation.conftest import BASE
from tests.hostile import corpus_ids
from tests.tui.conftest import SIZE, settle, wait_for
from tests.tui.terminal_bytes import assert_terminal_safe, capturing, hostile_db, written
from zshield_tui.tui.screens.confirm import ConfirmScreen
from zshield_tui.tui.screens.mapping_preview import MappingPreviewScreen
from zshield_tui.tui.screens.note import NoteScreen
from zshield_tui.tui.screens.push import PushScreen
from zshield_tui.tui.screens.results import ResultScreen
from zshield_tui.tui.screens.rules import RulesScreen
from zshield_tui.tui.screens.triage import TriageScreen
from zshield_tui.tui.widgets.alert_list import AlertList

HOSTILE_ID = next(i for i in corpus_ids() if "\x1b" in i)


async def loaded(pilot) -> AlertList:
    alerts = pilot.app.screen.query_one(AlertList)
    await wait_for(pilot, lambda: alerts.total == len(corpus_ids()))
    await settle(pilot)
    return alerts


async def test_mapping_preview_and_batch_check_show_rendered_alert_text_escaped(
        make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db")))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await loaded(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MappingPreviewScreen)
                       and app.screen.preview is not None)
        await pilot.press("escape")  # out of the editor, where `]` would be typed
        for _ in corpus_ids():
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert_terminal_safe()
        await pilot.press("b", "enter")
        await wait_for(pilot, lambda: app.screen.batch_result is not None)
        await settle(pilot)
        assert_terminal_safe()
    assert "title:\\x1b]52;c;" in written()     # the rendered summary was on screen


async def test_push_confirmation_and_results_show_errors_escaped(make_app, sims, tmp_path):
    config, _ = sims
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db"), config_file=config))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        alerts = await loaded(pilot)
        await pilot.press(*["space"] * alerts.total)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        await pilot.press("down", "enter")  # snow-sir: every alert is linked on jira-sec
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        assert_terminal_safe()
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen.done)
        await settle(pilot)
        assert_terminal_safe()
    assert "HOSTILE-\\x1b]0;id\\x07" in written()  # the per-item results were on screen


async def test_the_note_dialog_names_a_hostile_alert_id_escaped(make_app, tmp_path):
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db")))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        alerts = await loaded(pilot)
        while alerts.current.id != HOSTILE_ID:
            await pilot.press("j")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.pause()
        assert_terminal_safe()
    assert "Note on HOSTILE-\\x1b]0;id\\x07-\\u202eid" in written()


async def test_the_rules_screen_explains_hostile_alerts_escaped(make_app, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("ZSHIELD_RUNS", str(tmp_path / "runs.json"))
    config = tmp_path / "config.toml"
    config.write_text(BASE)
    app = capturing(make_app(db=hostile_db(tmp_path / "hostile.db"), config_file=config))
    async with app.run_test(size=SIZE, headless=False) as pilot:
        alerts = await loaded(pilot)
        for _ in range(alerts.total):
            await pilot.press("4")
            await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
            await settle(pilot)
            assert_terminal_safe()
            await pilot.press("1")
            await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
            await pilot.press("j")
    # a reason quoting the alert was shown
    assert "malware to the SIR group: category 'category:\\x" in written()
