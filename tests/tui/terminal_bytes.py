"""What the TUI writes to a terminal, kept: the app runs with a driver that stores the bytes
Textual renders for it (the headless driver throws them away), so a check sees what a
real terminal would: Textual's own cursor moves and colours, and nothing that alert or
remote text put there."""

from __future__ import annotations

import re
from pathlib import Path

from textual.drivers.headless_driver import HeadlessDriver

from tests.hostile import corpus_alerts, unsafe_characters
from zshield_tui.domain import Alert
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo

REMOTE = "remote:\x1b]52;c;cm0=\x07 \x1b[2J \x9b2J \u202eevil\u202c zw\u200b sep\u2028 [/foo]"
# What Textual itself writes: colours, cursor placement, mode switches, the pointer shape.
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H|\x1b\[\?\d+[hl]|\x1b\]22;[a-z-]*\x07")


class TerminalBytes(HeadlessDriver):
    """The headless driver, but Textual renders for it and it keeps what it is sent."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        type(self).written.append(data)


def capturing(app):
    """The app, set to render for a TerminalBytes driver that starts empty."""
    TerminalBytes.written = []
    app.driver_class = TerminalBytes
    return app


def hostile_db(path: Path) -> Path:
    """The corpus, each alert with a ticket and a failed op whose remote text is hostile,
    and a note from the remote side."""
    alerts = [Alert.model_validate(a) for a in corpus_alerts()]
    with Store(path) as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")
        for n, alert in enumerate(alerts):
            repo.save_ticket(store.conn, alert.id, "jira-sec", key=f"SEC-{n}{REMOTE}",
                             remote_id=str(n), url=f"https://jira.example/{REMOTE}",
                             status=REMOTE, synced_state="new")
            ticket = repo.ticket_for(store.conn, alert.id, "jira-sec")
            repo.update_ticket(store.conn, ticket.id, configuration_item=REMOTE,
                               error=REMOTE, sla='{"percentage": 50, "time_left": 600}')
            op = repo.enqueue(store.conn, "jira-sec", alert.id, "comment", {"body": REMOTE})
            repo.give_up(store.conn, op, REMOTE)
            repo.add_note(store.conn, alert.id, REMOTE, author=REMOTE, origin="remote",
                          sync_state=None)
        store.conn.commit()
    return path


def written() -> str:
    return "".join(TerminalBytes.written)


def drawn_text() -> str:
    """What was written less Textual's own colours and cursor moves: a line that was
    written in pieces reads as one."""
    return TEXTUAL_OWN.sub("", written())


def assert_terminal_safe() -> None:
    found = unsafe_characters(written(), allow="\n", own=TEXTUAL_OWN)
    assert found == [], f"{len(found)} unsafe characters written, first: {found[:3]}"
