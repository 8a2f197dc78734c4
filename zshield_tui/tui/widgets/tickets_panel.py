"""Linked tickets of the alert under the cursor: key, status, SLA, configuration item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from zshield_tui.domain import Ticket


class TicketsPanel(Static):
    def show(self, tickets: list[Ticket] | None) -> None:
        if tickets is None:
            self.update(Text(""))
            return
        if not tickets:
            self.update(Text("No linked tickets.", style="dim"))
            return
        text = Text()
        for ticket in tickets:
            text.append(f"{ticket.target:<12} ", style="dim")
            text.append(ticket.key, style="bold")
            text.append(f"  {ticket.status}")
            if ticket.sla:
                text.append(f"  SLA {ticket.sla.get('percentage', '?')}%")
            if ticket.configuration_item:
                text.append(f"  CI {ticket.configuration_item}")
            if ticket.error:
                text.append(f"\n  {ticket.error}", style="bold red")
            text.append("\n")
        self.update(text)
