"""With [[sources]] configured and no `zshield run` alive, the open TUI follows them
itself and says so; with a daemon alive, it leaves them to the daemon."""

from __future__ import annotations

from tests.factories import make_alert
from tests.tui.conftest import SIZE, Inbox, settle, triage_ready, wait_for
from zshield_tui.store import Store
from zshield_tui.store import daemon as heartbeat
from zshield_tui.tui.screens.triage import TriageScreen
from zshield_tui.tui.widgets.status_line import StatusLine


def config_with_source(tmp_path):
    (tmp_path / "logs").mkdir()
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "edr"\nfollow = "logs/*.jsonl"\n')
    return config


async def test_the_tui_follows_the_sources_when_no_daemon_does(make_app, tmp_path):
    app, inbox = make_app(config_file=config_with_source(tmp_path)), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        await triage_ready(pilot)
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: inbox.saw(TriageScreen.Ready))
        await wait_for(pilot, lambda: "read by this TUI" in status.sources,
                       message=lambda: status.sources)
        (tmp_path / "logs" / "edr.jsonl").write_text(
            "".join(make_alert(n, id=f"TAIL-{n}").model_dump_json() + "\n" for n in range(4)))
        await wait_for(pilot, lambda: status.total == 404, message=lambda: status.total)


async def test_the_sources_are_left_to_a_daemon_that_is_alive(make_app, tmp_path):
    app, inbox = make_app(config_file=config_with_source(tmp_path)), Inbox()
    async with app.run_test(size=SIZE, message_hook=inbox) as pilot:
        with Store(tmp_path / "alerts.db") as store:
            heartbeat.beat(store.conn, "soc-box:4242")
        await triage_ready(pilot)
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "zshield run on soc-box:4242" in status.sources,
                       message=lambda: status.sources)


async def test_settling_returns_while_only_the_sources_follower_runs(make_app, tmp_path):
    """Under load the follower can be the one worker left when a test settles: settling
    once hung there for good (Textual waits for every worker when given none)."""
    app = make_app(config_file=config_with_source(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await wait_for(pilot, lambda: [w.group for w in app.workers] == ["sources"],
                       message=lambda: [w.group for w in app.workers])
        await settle(pilot, timeout=10.0)
        (follower,) = app.workers
        assert follower.group == "sources" and not follower.is_finished
