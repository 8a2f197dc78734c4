"""The mapping preview as an analyst uses it: open it on an alert, edit the mapping and
watch the fields change, see errors, step through alerts, save, run a batch check."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from textual.widgets import Select, Static, TextArea

from tests.factories import make_alert
from tests.tui.conftest import SIZE, settle, triage_ready, wait_for
from zshield_tui.domain import CreateMetadata, FieldSpec
from zshield_tui.mapping.files import EXAMPLE_JIRA
from zshield_tui.mapping.validate import MetadataCache
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.screens.mapping_preview import MappingPreviewScreen
from zshield_tui.tui.widgets.alert_list import AlertList


def output(app) -> str:
    return str(app.screen.query_one("#mapping-output", Static).render())


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """Cached metadata is read from the user data dir: never the developer's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def configured(tmp_path):
    """A config with one Jira target whose mapping is the documented example."""
    folder = tmp_path / "cfg"
    (folder / "mappings").mkdir(parents=True)
    mapping = folder / "mappings" / "jira-sec.json"
    mapping.write_text(EXAMPLE_JIRA)
    config = folder / "config.toml"
    config.write_text(
        '[[targets]]\nname = "jira-sec"\nkind = "jira"\nurl = "http://127.0.0.1:9"\n'
        'deployment = "cloud"\n'
        'auth = { method = "api_token", email = "bot@x.com", token_env = "T" }\n'
        'mapping = "mappings/jira-sec.json"\n')
    return config, mapping


async def open_preview(pilot, app) -> MappingPreviewScreen:
    await triage_ready(pilot)
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(app.screen, MappingPreviewScreen)
                   and (app.screen.preview or app.screen.problem) is not None)
    await settle(pilot)  # a live target's metadata, and the render that follows it
    return app.screen


async def test_m_opens_the_preview_on_the_alert_under_the_cursor(make_app, configured):
    config, _ = configured
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        current = app.screen.query_one(AlertList).current
        screen = await open_preview(pilot, app)
        assert screen.alert.id == current.id
        assert screen.preview is not None and screen.preview.alert_id == current.id
        assert screen.preview.draft.payload["fields"]["summary"] == current.title
        shown = output(app)
        assert "POST http://127.0.0.1:9/rest/api/3/issue" in shown
        assert "summary" in shown and "request" in shown
        await pilot.press("escape", "escape")  # leave the editor, then the screen
        assert not isinstance(app.screen, MappingPreviewScreen)


async def test_without_targets_the_documented_examples_are_offered(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        assert [c.label for c in screen.choices] == ["example: jira (cloud)",
                                                     "example: servicenow sir"]
        select = screen.query_one("#mapping-target", Select)
        select.value = 1
        await wait_for(pilot, lambda: "/api/now/table/sn_si_incident" in output(app))
        assert screen.preview.draft.payload["category"] == "Security"


async def test_typing_in_the_mapping_changes_the_rendered_field(make_app, configured):
    config, _ = configured
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        editor = screen.query_one("#mapping-editor", TextArea)
        assert editor.has_focus
        # put the cursor just after `{{alert.title` in the summary template and type
        row = next(n for n, line in enumerate(editor.text.splitlines()) if "summary" in line)
        column = editor.text.splitlines()[row].index("{{alert.title}}") + len("{{")
        editor.move_cursor((row, column))
        await pilot.press(*"'[SOC] ' ~ ")
        # Rendered once typing pauses (a debounce timer): wait for the render it starts.
        # A render of the half-typed template has no summary: .get, not [].
        await wait_for(pilot, lambda: screen.preview.draft.payload["fields"].get("summary")
                       == "[SOC] " + screen.alert.title,
                       message=lambda: screen.preview.draft.payload["fields"].get("summary"))
        assert "[SOC] " + screen.alert.title in output(app)  # shown as text, not markup


async def test_template_errors_show_per_field_and_a_broken_file_says_where(make_app,
                                                                          configured):
    config, _ = configured
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        editor = screen.query_one("#mapping-editor", TextArea)
        editor.load_text(EXAMPLE_JIRA.replace("{{alert.title}}", "{{ alert.nope }}"))
        await wait_for(pilot, lambda: "summary" in screen.preview.draft.errors)
        assert screen.preview.draft.errors["summary"] == [
            "alert.nope is undefined: the alert has no field 'nope'"]
        assert "summary: alert.nope is undefined" in output(app)
        editor.load_text('{"project": "SEC", "issue_type": "Bug", "field_mapping": {')
        await wait_for(pilot, lambda: screen.problem is not None)
        assert screen.problem is not None and "jira-sec.json:1:" in screen.problem
        assert "invalid JSON" in output(app)


async def test_brackets_step_through_the_alert_list(make_app, configured):
    config, _ = configured
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        second = alerts.row_at(1).id
        screen = await open_preview(pilot, app)
        await pilot.press("escape")  # out of the editor, where `]` would be typed
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.alert.id == second and screen.preview.alert_id == second
        assert alerts.cursor == 1
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert alerts.cursor == 0  # the first press moved back; the second had nowhere to go


async def test_save_writes_the_file_and_keeps_a_backup(make_app, configured):
    config, mapping = configured
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        edited = EXAMPLE_JIRA.replace('"Bug"', '"Incident"')
        screen.query_one("#mapping-editor", TextArea).load_text(edited)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert mapping.read_text() == edited
        assert mapping.with_name("jira-sec.json.bak").read_text() == EXAMPLE_JIRA
        # a file that would not load again is refused, and nothing is overwritten
        screen.query_one("#mapping-editor", TextArea).load_text("{ not json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert mapping.read_text() == edited


async def test_batch_check_counts_failures_per_error(make_app, configured, tmp_path):
    config, mapping = configured
    # every third alert has a category with a space: a label Jira refuses
    alerts = [make_alert(n, category="lateral movement" if n % 3 == 0 else "execution")
              for n in range(1, 31)]
    db = tmp_path / "batch.db"
    with Store(db) as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")
    app = make_app(db, config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        await pilot.press("escape", "b")
        batch_n = screen.query_one("#batch-n")
        assert batch_n.has_focus and batch_n.value == "500"
        await pilot.press(*["backspace"] * 3, "2", "0", "enter")
        await settle(pilot)
        result = screen.batch_result
        assert result.checked == 20
        # the newest 20 are alerts 11..30, of which 12, 15, ..., 30 are lateral movement
        assert len(result.failed) == 7
        assert result.counts == {
            "labels: label <alert value> contains spaces; Jira refuses it": 7}
        shown = str(screen.query_one("#batch-output", Static).render())
        assert "checked 20 alerts: 7 fail" in shown


async def test_alert_text_in_the_preview_is_never_markup(make_app, tmp_path):
    title = "[/foo] [bold red]pwned[/] [link=https://example.invalid]x"
    db = tmp_path / "hostile.db"
    with Store(db) as store:
        upsert_alerts(store.conn, [make_alert(1, title=title, description="[/]")],
                      fmt="zshield")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        assert title in output(app)
        assert json.loads(json.dumps(screen.preview.request.body))["fields"]["summary"] == title


async def test_cached_metadata_is_used_and_the_preview_says_so(make_app, configured,
                                                               data_home):
    config, _ = configured
    fetched = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    MetadataCache(data_home / "zshield" / "metadata").save("jira-sec", CreateMetadata(
        "SEC/Bug", {"summary": FieldSpec("summary", required=True),
                    "description": FieldSpec("description"),
                    "priority": FieldSpec("priority", allowed=("P1", "P2"))}, fetched))
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preview(pilot, app)
        assert screen.preview.basis.startswith("cached metadata from 2026-11-20 08:30 UTC")
        errors = screen.preview.draft.errors
        assert errors["labels"] == ["unknown field: not on the create screen of SEC/Bug"]
        assert errors["priority"][0].endswith("is not allowed; choose from P1, P2")
        assert "checked against cached metadata from 2026-11-20" in output(app)


async def test_a_reachable_target_is_checked_against_its_live_metadata(
        make_app, tmp_path, monkeypatch, data_home):
    from tests.loopback import served
    from zshield_tui.sim.jira.app import create_app
    from zshield_tui.sim.jira.state import CLOUD_EMAIL, CLOUD_TOKEN

    with served(create_app()) as url:
        monkeypatch.setenv("ZSHIELD_JIRA_TOKEN", CLOUD_TOKEN)
        folder = tmp_path / "live"
        folder.mkdir()
        (folder / "jira.json").write_text(EXAMPLE_JIRA)
        config = folder / "config.toml"
        config.write_text(
            f'[[targets]]\nname = "jira-live"\nkind = "jira"\n'
            f'url = "{url}"\ndeployment = "cloud"\n'
            f'auth = {{ method = "api_token", email = "{CLOUD_EMAIL}", '
            f'token_env = "ZSHIELD_JIRA_TOKEN" }}\nmapping = "jira.json"\n')
        app = make_app(config_file=config)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_preview(pilot, app)
            await settle(pilot)
            assert screen.choice.live
            assert "cached" not in screen.preview.basis
        assert (data_home / "zshield" / "metadata" / "jira-live.json").exists()
