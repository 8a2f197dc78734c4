"""The rules screen (key `4`): the rules in order and which one matched the alert under the
cursor and why; auto-create per target, switched with a confirmation through the staging
gate, with the production targets paused until staged and why; the on-call member now and
next; a what-if replay with a per-day chart.

Config, routing and the replay run in thread workers; results come back through
`call_from_thread`. Rule names, alert ids and reasons are shown as `Text`, never markup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Sparkline, Static
from textual.worker import Worker

from zshield_tui.domain.terminal import printable

from ..failures import report_worker_failure
from ..widgets.key_bar import KeyBar
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from zshield_tui.core import Core

    from ..app import ZShieldApp

WHATIF_DAYS = 14


class RulesScreen(Screen):
    VIEW = "rules"
    BINDINGS = [
        Binding("escape", "back", "Back", id="rules.back"),
        Binding("w", "whatif", "What-if", id="rules.whatif"),
        Binding("t", "next_target", "Next target", id="rules.target"),
        Binding("a", "toggle_auto_create", "Auto-create on/off", id="rules.toggle"),
    ]
    DEFAULT_CSS = """
    RulesScreen #rules-head { height: 1; background: $panel; padding: 0 1; }
    RulesScreen #rules-main { height: 1fr; }
    RulesScreen #rules-left { width: 1fr; padding: 0 1; }
    RulesScreen #rules-right { width: 1fr; border-left: solid $panel; padding: 0 1; }
    RulesScreen #whatif { height: auto; max-height: 50%; border-top: solid $panel;
                          padding: 0 1; }
    RulesScreen #whatif-chart { height: 3; }
    """

    def __init__(self, alert_id: str | None = None, *, now: datetime | None = None) -> None:
        super().__init__()
        self.alert_id = alert_id
        self.now = now
        self.config: Any = None
        self.gates: dict[str, Any] = {}   # target -> automation.staging.Gate
        self.selected = 0

    def compose(self) -> ComposeResult:
        yield Static(Text("Rules: loading..."), id="rules-head")
        with Horizontal(id="rules-main"):
            with VerticalScroll(id="rules-left"):
                yield Static(id="rules-list")
                yield Static(id="rules-match")
            with VerticalScroll(id="rules-right"):
                yield Static(id="rules-targets")
                yield Static(id="rules-oncall")
        with Vertical(id="whatif"):
            yield Static(Text("What-if: press w to replay the last "
                              f"{WHATIF_DAYS} days"), id="whatif-text")
            yield Sparkline([], id="whatif-chart")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    def _moment(self) -> datetime:
        return self.now or datetime.now(UTC)

    # -- loading ---------------------------------------------------------------------

    @property
    def core(self) -> Core:
        return cast("ZShieldApp", self.app).core

    @work(thread=True, exclusive=True, group="rules-load", exit_on_error=False)
    def load(self) -> None:
        from zshield_tui.config import ConfigError

        try:
            config = self.core.config
        except ConfigError as exc:
            self.app.call_from_thread(self._show_problem, str(exc))
            return
        alert = self.core.alert(self.alert_id) if self.alert_id is not None else None
        gates = self.core.staging_gates()
        self.app.call_from_thread(self._show, config, alert, gates)

    def _show_problem(self, problem: str) -> None:
        self.query_one("#rules-head", Static).update(Text(f"Config not loaded: {problem}"))

    def _show(self, config: Any, alert: Any, gates: dict[str, Any]) -> None:
        from zshield_tui.automation.oncall import describe
        from zshield_tui.automation.rules import describe_then, describe_when, explain_all, route

        self.config, self.gates = config, gates
        head = f"Rules: {len(config.rules)}, first match wins"
        if alert is not None:
            head += f"  |  alert {printable(alert.id)}"
        self.query_one("#rules-head", Static).update(Text(head))
        match = route(alert, config.rules) if alert is not None else None
        lines = Text()
        for i, rule in enumerate(config.rules, 1):   # numbered as people count
            marker = "> " if match is not None and match.index == i - 1 else "  "
            lines.append(f"{marker}{i}. {rule.name}\n", style="bold" if marker == "> " else "")
            lines.append(f"     when {describe_when(rule.when)} -> {describe_then(rule)}\n")
        if not config.rules:
            lines.append("No [[rules]] in the config: thresholds alone decide.\n")
        self.query_one("#rules-list", Static).update(lines)
        why = Text()
        if alert is None:
            why.append("No alert selected.")
        else:
            # The reasons quote the alert's fields.
            why.append("Matched: " + printable(match.explain() if match else "no rule matches")
                       + "\n")
            for rule, ok, reasons in explain_all(alert, config.rules):
                why.append(printable(f"  {'yes' if ok else 'no '} {rule.name}: "
                                     f"{'; '.join(reasons)}") + "\n")
        self.query_one("#rules-match", Static).update(why)
        oncall = Text("On call\n", style="bold")
        for name, rotation in config.oncall.items():
            oncall.append(describe(name, rotation, self._moment()) + "\n")
        if not config.oncall:
            oncall.append("no [oncall] rotations\n")
        self.query_one("#rules-oncall", Static).update(oncall)
        self._show_targets()

    def _targets(self) -> list:
        return [t for t in self.config.targets if t.name in self.gates] if self.config else []

    def _show_targets(self) -> None:
        text = Text("Auto-create (t: next target, a: switch)\n", style="bold")
        for i, target in enumerate(self._targets()):
            gate = self.gates[target.name]
            state = "on " if gate.active else "PAUSED" if gate.paused else "off"
            kind = "staging" if target.staging else "production"
            line = (f"{'> ' if i == self.selected else '  '}{target.name}: {state} "
                    f">= {gate.min_severity} ({kind})\n")
            text.append(line, style="reverse" if i == self.selected else "")
            if gate.paused:   # the reason names files and targets from the config
                text.append(printable(f"    paused for staging: {gate.paused}") + "\n",
                            style="italic")
        self.query_one("#rules-targets", Static).update(text)

    # -- actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_target(self) -> None:
        targets = self._targets()
        if targets:
            self.selected = (self.selected + 1) % len(targets)
            self._show_targets()

    def action_toggle_auto_create(self) -> None:
        targets = self._targets()
        if not targets:
            return
        target = targets[self.selected]
        enable = not self.gates[target.name].wanted
        if enable and not target.staging:
            self._check_then_confirm(target)   # the gate reads the database: not here
        else:
            self._confirm(target, enable)

    @work(thread=True, exclusive=True, group="rules-switch", exit_on_error=False)
    def _check_then_confirm(self, target: Any) -> None:
        verdict = self.core.may_enable_auto_create(target.name)
        if verdict.allowed:
            self.app.call_from_thread(self._confirm, target, True)
        else:
            self.app.call_from_thread(
                self.notify, verdict.explain(), title=f"Auto-create stays off on {target.name}",
                severity="warning", timeout=15, markup=False)

    def _confirm(self, target: Any, enable: bool) -> None:
        question = (f"Switch auto-create {'ON' if enable else 'OFF'} for {target.name} "
                    f"(alerts >= {target.auto_create.min_severity})?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._switch(target.name, enable)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, group="rules-switch", exit_on_error=False)
    def _switch(self, name: str, enable: bool) -> None:
        verdict = self.core.set_auto_create(name, enable)
        gates = self.core.staging_gates()
        self.app.call_from_thread(self._switched, name, enable, verdict, gates)

    def _switched(self, name: str, enable: bool, verdict: Any, gates: dict[str, Any]) -> None:
        self.gates = gates
        if verdict.allowed:
            self.notify(f"auto-create {'on' if enable else 'off'} for {name}",
                        timeout=4, markup=False)
        else:
            self.notify(verdict.explain(), severity="warning", timeout=15, markup=False)
        self._show_targets()

    def action_whatif(self) -> None:
        if self.config is None:
            return
        self.query_one("#whatif-text", Static).update(Text("What-if: replaying..."))
        self.replay()

    @work(thread=True, exclusive=True, group="rules-whatif", exit_on_error=False)
    def replay(self) -> None:
        done = self.core.whatif(WHATIF_DAYS, now=self._moment())
        self.app.call_from_thread(self._show_whatif, done.result, done.not_checked,
                                  done.paused)

    def _show_whatif(self, result: Any, problems: list[str], paused: dict[str, str]) -> None:
        text = Text(f"What-if, last {result.days} days: {result.alerts} alerts -> "
                    f"{result.tickets} tickets\n", style="bold")
        for name, count in sorted(result.per_target.items()):
            text.append(f"  {name}: {count}\n")
        for (target, assignee), count in sorted(result.per_assignee.items())[:8]:
            text.append(printable(f"  {target} -> {assignee}: {count}") + "\n")
        if result.cascade_setting != "none":
            text.append(f"  child tickets a parent's resolution would "
                        f"{result.cascade_setting}: {result.cascades}\n")
        text.append(f"  mapping failures: {len(result.failures)}\n")
        for failure in result.failures[:5]:
            text.append(printable(f"    {failure.alert_id} on {failure.target}: "
                                  f"{', '.join(failure.errors)}") + "\n")
        for problem in problems:
            text.append(printable(f"  (not checked) {problem}") + "\n")
        for name, why in sorted(paused.items()):
            text.append(printable(f"  {name} paused for staging: {why}") + "\n")
        days = list(result.per_day)
        if days:
            text.append(f"per day {days[0]} .. {days[-1]}, peak "
                        f"{max(result.per_day.values())}")
        self.query_one("#whatif-text", Static).update(text)
        self.query_one("#whatif-chart", Sparkline).data = list(result.per_day.values())
