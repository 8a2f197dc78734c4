"""The command palette (ctrl+p): our commands, namespaced like posting's, beside Textual's
own (`App.COMMANDS | {ZShieldCommands}`).

    theme: dark | light | high contrast       view: alerts | tickets | outbox | rules | settings
    alerts: sort by time | severity, clear marks, show raw record
    ticket: push | add a note | resolve with children | assign | open in the browser

Each command runs the same action as its key, on the screen the palette was opened over,
so what it acts on (the marked alerts, or the one under the cursor) is the same too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from zshield_tui.store.query import Sort

if TYPE_CHECKING:
    from .app import ZShieldApp

Command = tuple[str, str, Callable[[], object]]   # (name, help, what it runs)

VIEWS = (("alerts", "1"), ("tickets", "2"), ("outbox", "3"), ("rules", "4"),
         ("settings", "5"))


class ZShieldCommands(Provider):
    """Themes and views everywhere; alert and ticket commands over the triage screen."""

    def commands(self) -> Iterator[Command]:
        from .screens.ticket_screen import TicketScreen
        from .screens.triage import TriageScreen

        app = cast("ZShieldApp", self.app)
        screen = self.screen
        for name in sorted(app.available_themes):
            if name.startswith("zshield-"):
                label = name.removeprefix("zshield-").replace("-", " ")
                yield (f"theme: {label}", f"Switch to the {label} theme",
                       partial(setattr, app, "theme", name))
        for view, key in VIEWS:
            yield f"view: {view}", f"Show the {view} view (key {key})", \
                partial(app.action_view, view)
        if isinstance(screen, TriageScreen):
            yield ("alerts: sort by time", "Newest first", partial(screen.set_sort, Sort.TIME))
            yield ("alerts: sort by severity", "Most severe first",
                   partial(screen.set_sort, Sort.SEVERITY))
            yield ("alerts: clear marks", "Unmark every marked alert",
                   screen.alerts.clear_marks)
            yield ("alerts: show raw record", "Toggle the original record",
                   screen.action_toggle_raw)
        if isinstance(screen, TicketScreen):
            yield ("ticket: push", "Create the tickets of the marked (or cursor) alerts",
                   screen.action_push)
            yield ("ticket: add a note", "A note that syncs to every linked ticket",
                   screen.action_note)
            yield ("ticket: resolve with children",
                   "Resolve the alerts and their children; their tickets follow",
                   screen.action_close_alert)
            yield ("ticket: assign", "Assign the alerts and their linked tickets",
                   screen.action_assign)
            yield ("ticket: open in the browser", "The first linked ticket of the cursor alert",
                   screen.action_open_ticket)

    async def discover(self) -> Hits:
        for name, help_text, run in self.commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self.commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
