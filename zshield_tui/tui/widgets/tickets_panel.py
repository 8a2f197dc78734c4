"""Linked tickets of the alert under the cursor: key, status, SLA, configuration item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from zshield_tui.domain.terminal import printable

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
            if ticket.sla:
                sla = ticket.sla
                text.append(f"  SLA {printable(str(sla.get('percentage', '?')))}%",
                            style="bold red" if sla.get("breached") else "")
                if sla.get("time_left") is not None:
                    text.append(f" ({int(sla['time_left']) // 60}m left)")
            if ticket.configuration_item:
                text.append(f"  CI {printable(ticket.configuration_item)}")
            if ticket.last_synced_at:
                text.append(f"  synced {ticket.last_synced_at:%H:%M:%S}", style="dim")
            if ticket.error:
                text.append(f"\n  {printable(ticket.error)}", style="bold red")
            text.append("\n")
        self.update(text)
