"""The detail pane: every field of the alert under the cursor, built as rich Text.

Alert text comes from attackers as often as from tools, so none of it is ever parsed as
markup: everything is appended to `Text` objects as plain strings, after printable() has
made its control characters visible.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from zshield_tui.domain.terminal import printable, printable_json

from ..source import AlertDetail
from .alert_list import SEVERITY_LABELS, SEVERITY_NAMES


class AlertDetailPane(VerticalScroll, can_focus=False):
    """Shows one AlertDetail; `show_raw` adds the original record."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.detail: AlertDetail | None = None
        self.show_raw = False
        self._body = Static(Text("No alert selected.", style="dim"), id="detail-body")

    def compose(self):
        yield self._body

    def show(self, detail: AlertDetail | None) -> None:
        self.detail = detail
        self._body.update(self.render_detail() if detail else Text("No alert selected.",
                                                                     style="dim"))
        self.scroll_home(animate=False)

    def toggle_raw(self) -> bool:
        self.show_raw = not self.show_raw
        if self.detail:
            self._body.update(self.render_detail())
        return self.show_raw

    def render_detail(self) -> RenderableType:
        assert self.detail is not None
        alert, children = self.detail.alert, self.detail.children
        sev_rank = alert.severity.rank
        sev_style = self.app.theme_variables.get(f"sev-{SEVERITY_NAMES[sev_rank]}", "red")
        head = Text()
        head.append(f" {SEVERITY_LABELS[sev_rank]} ", style=f"bold reverse {sev_style}")
        head.append(" ")
        head.append(printable(alert.title), style="bold")
        head.append(f"\n{printable(alert.id)}", style="dim")

        fields = Text()
        for label, value in (
            ("state", alert.state.value.replace("_", " ")), ("source", alert.source),
            ("category", alert.category), ("technique", alert.mitre_technique),
            ("analyst", self._who_has(alert.assigned_analyst)),
            ("created", alert.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("parent", alert.parent_id), ("tags", ", ".join(alert.tags)),
        ):
            if value:
                fields.append(f"{label:>10}  ", style="dim")
                fields.append(f"{printable(value)}\n")

        parts: list[RenderableType] = [head, Text(""), fields]
        if alert.description:
            parts += [Text(printable(alert.description, multiline=True)), Text("")]
        parts += self._section("Assets", [
            a.label() + (f"  owner {a.owner}" if a.owner else "") for a in alert.assets
        ])
        parts += self._section("IOCs", [f"{i.type:<8} {i.value}" for i in alert.iocs])
        parts += self._section("Evidence", [f"{e.name}  {e.path}" for e in alert.evidence])
        parts += self._section("Playbook", [f"{n}. {s}" for n, s in enumerate(alert.playbook, 1)])
        parts += self._section("Children", [
            f"{SEVERITY_LABELS[c.severity]:<5}{c.id}  {c.title}  [{c.state}]" for c in children
        ])
        parts += self._section("Audit", [self._audit_line(e) for e in self.detail.audit])
        if self.show_raw:
            raw = printable_json(alert.raw, indent=2, default=str)
            parts += [Text("Raw record", style="bold underline"), Text(raw, style="dim")]
        else:
            parts.append(Text("r shows the raw record", style="dim italic"))
        return Group(*parts)

    def _who_has(self, analyst: str | None) -> str | None:
        """`bo  (assigned by carol 11-24 10:31)`: who has the alert, and since when."""
        assert self.detail is not None
        if not analyst:
            return None
        for entry in reversed(self.detail.audit):
            if entry.action == "assign" and entry.new_value == analyst:
                return f"{analyst}  (assigned by {entry.actor} {entry.at:%m-%d %H:%M})"
        return analyst

    @staticmethod
    def _audit_line(entry) -> str:
        """`11-24 10:31 analyst  state new → resolved  (detail)`: who changed what."""
        change = ""
        if entry.old_value is not None or entry.new_value is not None:
            change = f" {entry.old_value or '—'} → {entry.new_value or '—'}"
        detail = f"  ({entry.detail[:80]})" if entry.detail else ""
        return f"{entry.at:%m-%d %H:%M} {entry.actor}  {entry.action}{change}{detail}"

    @staticmethod
    def _section(title: str, lines: list[str]) -> list[RenderableType]:
        if not lines:
            return []
        body = Text()
        body.append(f"{title} ({len(lines)})\n", style="bold underline")
        for line in lines:  # each quotes alert or remote text
            body.append(f"  {printable(line)}\n")
        return [body]
