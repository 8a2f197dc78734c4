"""`p` pushes the cursor alert through the chooser and the confirmation; `c` adds a note
that syncs; `3` shows the outbox; the status line reports each target."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from tests.tui.conftest import SIZE, settle, triage_ready, wait_for
from zshield_tui.store import Store
from zshield_tui.store import syncrepo as repo
from zshield_tui.tui.screens.confirm import ConfirmScreen
from zshield_tui.tui.screens.outbox import OutboxScreen
from zshield_tui.tui.screens.push import PushScreen
from zshield_tui.tui.widgets.status_line import StatusLine


async def test_push_note_and_outbox(make_app, sims, tmp_path):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alert_id = app.screen.alerts.current.id
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press("enter")          # jira-sec, the first target
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")              # the confirmation defaults to No
        await wait_for(pilot, lambda: app.screen.pushed)
        assert len(jira.state.jira.issues) == 1
        await pilot.press("escape")
        key = next(iter(jira.state.jira.issues))
        # The list reads its rows again: the new key shows in the ticket column.
        await wait_for(pilot, lambda: (app.screen.alerts.current.ticket or "").startswith(key),
                       message=lambda: app.screen.alerts.current)

        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.query(TextArea))
        app.screen.query_one(TextArea).insert("Isolated [bold]the host[/]")
        await pilot.press("ctrl+s")
        issue = next(iter(jira.state.jira.issues.values()))
        # The playbook went out as a comment with the push; the note is the other one.
        await wait_for(pilot, lambda: any("Isolated" in str(c.body) for c in issue.comments),
                       message=lambda: issue.comments)

        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, OutboxScreen))
        await pilot.press("escape")
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "jira-sec ✓" in status.targets,
                       message=lambda: status.targets)
    with Store(tmp_path / "alerts.db") as store:
        assert repo.ticket_for(store.conn, alert_id, "jira-sec").key == issue.key
        [note] = repo.note_rows(store.conn, alert_id)
        assert note["body"] == "Isolated [bold]the host[/]" and note["sync_state"] == "synced"


async def test_the_confirmation_defaults_to_no(make_app, sims):
    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")          # the focused button is No
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        await settle(pilot)
        assert not app.screen.running and jira.state.jira.issues == {}


async def test_v_reviews_the_drafts_on_the_highlighted_target_before_pushing(make_app, sims):
    from textual.widgets import Select

    from zshield_tui.tui.screens.mapping_preview import MappingPreviewScreen

    config, jira = sims
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("space", "space")          # two marked alerts
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        first = app.screen.alert_ids[0]
        await pilot.press("down", "v")               # snow-sir highlighted
        await wait_for(pilot, lambda: isinstance(app.screen, MappingPreviewScreen))
        preview = app.screen
        await wait_for(pilot, lambda: preview.choice is not None)
        assert preview.choice.config.name == "snow-sir" and preview.alert_id == first
        assert preview.query_one("#mapping-target", Select).value == 1
        await pilot.press("escape", "escape")       # leave the editor, then the preview
        await wait_for(pilot, lambda: isinstance(app.screen, PushScreen))
        assert len(jira.state.jira.issues) == 0     # reviewing sends nothing
