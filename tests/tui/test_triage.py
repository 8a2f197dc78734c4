"""The triage screen as an analyst uses it: move, mark, filter, sort, read the detail."""

from __future__ import annotations

import io

from rich.console import Console

from tests.factories import make_alert
from tests.tui.conftest import SIZE, Inbox, settle, triage_ready, wait_for
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.screens.help import HelpScreen
from zshield_tui.tui.screens.triage import TriageScreen
from zshield_tui.tui.widgets.alert_detail import AlertDetailPane
from zshield_tui.tui.widgets.alert_list import AlertList
from zshield_tui.tui.widgets.filter_bar import FilterBar
from zshield_tui.tui.widgets.status_line import StatusLine


def detail_text(app) -> str:
    pane = app.screen.query_one(AlertDetailPane)
    return "" if pane.detail is None else pane.detail.alert.title


async def test_the_list_opens_on_the_newest_alert_with_the_total(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        status = app.screen.query_one(StatusLine)
        assert status.total == 400 and alerts.total == 400
        first = alerts.current
        assert first is not None
        assert all(first.created_at >= alerts.row_at(i).created_at for i in range(1, 50))
        assert detail_text(app) == first.title


async def test_moving_the_cursor_follows_with_the_detail(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        await pilot.press("j", "j", "down", "k")
        await triage_ready(pilot)
        assert alerts.cursor == 2
        assert detail_text(app) == alerts.row_at(2).title
        await pilot.press("G")
        await triage_ready(pilot)
        assert alerts.cursor == 399
        assert detail_text(app) == alerts.row_at(399).title
        await pilot.press("g")
        assert alerts.cursor == 0


async def test_space_marks_rows_and_the_count_shows(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("space", "space", "k", "space")
        alerts = app.screen.query_one(AlertList)
        assert len(alerts.marked) == 1  # the first row was marked, then unmarked again
        assert app.screen.query_one(StatusLine).marked == 1
        assert "1 marked" in str(app.screen.query_one(StatusLine).render())


async def test_typing_a_filter_narrows_the_list_as_you_type(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("slash", *"sev:critical")
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        assert 0 < alerts.total < 400
        assert all(alerts.row_at(i).severity == 4 for i in range(alerts.total))
        await pilot.press("escape")  # clears the filter
        await triage_ready(pilot)
        assert alerts.total == 400
        assert alerts.has_focus


async def test_a_bad_filter_says_why_and_keeps_the_last_good_result(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("slash", *"cat:malware")
        await triage_ready(pilot)
        shown = app.screen.query_one(AlertList).total
        await pilot.press(*" sev:urgent")
        await triage_ready(pilot)
        error = app.screen.query_one("#filter-error")
        assert error.display
        assert "unknown severity 'urgent'" in str(error.render())
        assert app.screen.query_one(AlertList).total == shown


async def test_sorting_by_severity_puts_critical_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("s")
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        ranks = [alerts.row_at(i).severity for i in range(60)]
        assert ranks[0] == 4 and ranks == sorted(ranks, reverse=True)
        assert app.screen.query_one(StatusLine).sort == "severity"


async def test_alert_text_is_never_taken_as_markup(make_app, tmp_path):
    db = tmp_path / "hostile.db"
    title = "[/foo] [bold red]pwned[/] [link=https://example.invalid]x"
    with Store(db) as store:
        upsert_alerts(store.conn, [make_alert(1, title=title, description="[/]")],
                      fmt="zshield")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        assert detail_text(app) == title
        rendered = "".join(s.text for s in app.screen.query_one(AlertList).render_line(0))
        assert "[/foo] [bold red]pwned" in rendered


async def test_help_lists_the_keys_that_work_here(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = dict((d, k) for k, d in app.screen.keys)
        assert described["Mark"] == "space"
        assert described["Filter"] == "/"
        assert "Scroll Left" not in described
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_raw_record_shows_on_demand(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        pane = app.screen.query_one(AlertDetailPane)
        assert not pane.show_raw
        await pilot.press("r")
        assert pane.show_raw
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(pane.render_detail())
        assert '"generator": "zshield-demo"' in console.export_text()  # the raw record


async def test_an_empty_database_shows_an_empty_list(make_app, tmp_path):
    db = tmp_path / "empty.db"
    Store(db).close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        assert app.screen.query_one(StatusLine).total == 0
        await pilot.press("j", "G", "space")
        assert app.screen.query_one(AlertList).marked == set()


async def test_the_first_frame_shows_the_placeholder_and_slash_gets_the_input(make_app):
    """The Input is left out of the first frame (start-up time) but is there when typed in."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one(FilterBar)
        assert not bar.query("#filter-input") and bar.query("#filter-placeholder")
        await pilot.press("slash", *"sev:crit")
        await triage_ready(pilot)
        assert bar.input.value == "sev:crit" and bar.input.has_focus
        assert not bar.query("#filter-placeholder")


async def test_the_filter_bar_placeholder_teaches_the_grammar(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        assert "sev:>=high" in app.screen.query_one(FilterBar).input.placeholder


async def test_a_failing_query_is_shown_not_crashed_on(make_app, monkeypatch):
    app, inbox = make_app(), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await triage_ready(pilot)

        def broken(*_args, **_kwargs):
            raise RuntimeError("disk I/O error")

        monkeypatch.setattr(app.source, "open", broken)
        await pilot.press("s")
        await triage_ready(pilot)
        assert app.is_running
        assert any("disk I/O error" in n for n in inbox.notifications())


async def test_keys_can_be_rebound_in_the_config(make_app, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"triage.sort" = "o"\n')
    app, inbox = make_app(config_file=config), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        # The config is read in a worker once the alerts are shown.
        await wait_for(pilot, lambda: inbox.saw(TriageScreen.Ready))
        await settle(pilot)
        await pilot.press("o")
        await triage_ready(pilot)
        assert app.screen.query_one(StatusLine).sort == "severity"


async def test_a_bad_config_is_reported_in_the_app_without_stopping_it(make_app, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[[targets]]\nname = 'x'\n")
    app, inbox = make_app(config_file=config), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await wait_for(pilot, lambda: inbox.saw(TriageScreen.Ready))
        await settle(pilot)
        assert app.is_running
        assert any(f"{config}: targets[0] (x).kind" in m for m in inbox.notifications())


async def test_the_total_follows_alerts_another_process_stores(make_app, tmp_path):
    app, inbox = make_app(), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await triage_ready(pilot)
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: inbox.saw(TriageScreen.Ready))  # the watch starts then
        with Store(tmp_path / "alerts.db") as other:   # as `zshield ingest` would
            upsert_alerts(other.conn, [make_alert(n, id=f"LATE-{n}") for n in range(3)],
                          fmt="zshield")
        await wait_for(pilot, lambda: status.total == 403, message=lambda: status.total)


async def test_alerts_stored_meanwhile_join_without_moving_what_is_in_view(make_app, tmp_path):
    """Another process stores newer alerts: the rows in view, the cursor's alert and the
    marks stay; the header says how many arrived above; `n` goes to them."""
    from datetime import UTC, datetime

    app, inbox = make_app(), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await triage_ready(pilot)
        alerts = app.screen.query_one(AlertList)
        status = app.screen.query_one(StatusLine)
        await pilot.press("j", "j", "space", "j", "j")      # mark one, cursor further down
        await settle(pilot)
        cursor_id, top_id, marked = alerts.current.id, alerts.top_row.id, set(alerts.marked)
        await wait_for(pilot, lambda: inbox.saw(TriageScreen.Ready))  # the watch starts then
        late = datetime(2030, 1, 1, tzinfo=UTC)              # newer than everything there
        with Store(tmp_path / "alerts.db") as other:
            upsert_alerts(other.conn, [make_alert(n, id=f"LIVE-{n}", created_at=late)
                                       for n in range(12)], fmt="zshield")
        await wait_for(pilot, lambda: status.new_above == 12, message=lambda: status.new_above)
        await settle(pilot)
        assert alerts.current.id == cursor_id and alerts.top_row.id == top_id
        assert alerts.marked == marked and status.total == 412
        await pilot.press("n")
        await settle(pilot)
        assert alerts.current.id.startswith("LIVE-") and status.new_above == 0


async def test_a_commit_right_after_the_first_page_is_not_missed(make_app, tmp_path):
    """The list's view of the database is dated with its first page, not when the watch
    starts after the first paint: a commit in between still shows."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with Store(tmp_path / "alerts.db") as other:     # before the watch's first look
            upsert_alerts(other.conn, [make_alert(n, id=f"EARLY-{n}") for n in range(2)],
                          fmt="zshield")
        await triage_ready(pilot)
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: status.total == 402, message=lambda: status.total)
