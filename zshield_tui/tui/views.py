"""The digit views: 1 alerts, 2 tickets, 3 outbox, 4 rules, 5 settings.

A view sits right above the triage screen and a digit replaces it, so `esc` always leads
back to the alerts and views never pile up. Screens are imported when first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from .app import ZShieldApp

def switch_view(app: ZShieldApp, name: str) -> None:
    """Shows view `name` over the triage screen. Only from the alerts or another view: a
    dialog, or the mapping preview with an unsaved mapping, is never swept away."""
    from .screens.triage import TriageScreen

    here = getattr(app.screen, "VIEW", None)
    if isinstance(app.screen, ModalScreen) or here == name:
        return
    triage = app.screen_stack[0]
    if not isinstance(triage, TriageScreen) or (here is None and app.screen is not triage):
        return
    row = triage.alerts.current
    while len(app.screen_stack) > 1:
        app.pop_screen()
    if name != "alerts":
        app.push_screen(_make(app, triage, name, row.id if row is not None else None))


def _make(app: ZShieldApp, triage, name: str, alert_id: str | None) -> Screen:
    if name == "tickets":
        from .screens.tickets import TicketsScreen

        return TicketsScreen(triage.core)
    if name == "outbox":
        from .screens.outbox import OutboxScreen

        return OutboxScreen(triage.core)
    if name == "rules":
        from .screens.rules import RulesScreen

        return RulesScreen(alert_id)
    from .screens.settings import SettingsScreen

    return SettingsScreen(triage.core)
