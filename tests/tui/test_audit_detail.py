"""The detail pane ends with the alert's audit trail: who changed what, newest last."""

from __future__ import annotations

from rich.console import Console

from tests.tui.conftest import SIZE, triage_ready, wait_for
from tests.tui.test_bulk_actions import confirm_and_finish
from zshield_tui.tui.widgets.alert_detail import AlertDetailPane


def pane_text(pane: AlertDetailPane) -> str:
    console = Console(width=120, record=True)
    with console.capture() as capture:
        console.print(pane.render_detail())
    return capture.get()


async def test_a_state_change_shows_in_the_detail(make_app, sims):
    config, _ = sims
    with config.open("a", encoding="utf-8") as out:
        out.write('\n[user]\nname = "ana"\n')   # who the audit row names
    app = make_app(config_file=config)
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        pane = app.screen.query_one(AlertDetailPane)
        alert_id = app.screen.alerts.current.id
        assert "Audit" not in pane_text(pane)
        old = pane.detail.alert.state.value

        await pilot.press("x")
        await confirm_and_finish(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pane.detail is not None and pane.detail.audit
                       and pane.detail.alert.id == alert_id)
        text = pane_text(pane)
        assert "Audit (" in text
        assert f"ana  state {old} → resolved" in text
