"""Linked tickets of the alert under the cursor: key, status, SLA, configuration item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import duration

if TYPE_CHECKING:
    from zshield_tui.domain import Ticket


class TicketsPanel(Static):
    tickets: list[Ticket] = []

    def show(self, tickets: list[Ticket] | None) -> None:
        self.tickets = list(tickets or [])
        if tickets is None:
            self.update(Text(""))
            return
        if not tickets:
            self.update(Text("No linked tickets.", style="dim"))
            return
        text = Text()
        for ticket in tickets:
            # Key, status, SLA, CI and error are whatever the remote system answered.
            text.append(f"{printable(ticket.target):<12} ", style="dim")
            text.append(printable(ticket.key), style="bold")
            text.append(f"  {printable(ticket.status)}")
            if ticket.remote_parent:
                text.append(f"  child of {printable(ticket.remote_parent)}")
            if ticket.sla:
                text.append("  SLA ")
                text.append_text(sla_text(ticket.sla))
            if ticket.configuration_item:
                text.append(f"  CI {printable(ticket.configuration_item)}")
            if ticket.last_synced_at:
                text.append(f"  synced {ticket.last_synced_at:%H:%M:%S}", style="dim")
            if ticket.error:
                text.append(f"\n  {printable(ticket.error)}", style="bold red")
            text.append("\n")
        self.update(text)


STOPPED = {"completed", "cancelled", "canceled", "achieved"}


def sla_text(sla: dict) -> Text:
    """`62% (2h 10m left)` while the clock runs; `met` or `breached` once it stopped
    (completed or cancelled: a percentage and time left mean nothing then); `paused`."""
    stage = str(sla.get("stage") or "").strip().lower().replace("_", " ")
    breached = bool(sla.get("breached"))
    if stage in STOPPED:
        return Text("breached", style="bold red") if breached else Text("met", style="green")
    text = Text(f"{printable(str(sla.get('percentage', '?')))}%",
                style="bold red" if breached else "")
    left = sla.get("time_left")
    if stage == "paused":
        text.append(" paused", style="dim")
    elif isinstance(left, int | float):
        text.append(f" ({duration(left)} {'left' if left >= 0 else 'over'})")
    return text
