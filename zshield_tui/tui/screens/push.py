"""`p`: push alerts to a target. Choose the target, confirm (how many on which target,
default No), then watch the progress and the result of every alert."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from zshield_tui.core import Core

from .confirm import ConfirmScreen
from .results import ItemResult, Reporter, ResultScreen
from .ticket_screen import alerts_phrase

if TYPE_CHECKING:
    from ..app import ZShieldApp


class PushScreen(ResultScreen):
    """The result screen with a target chooser on top; the bar counts alerts. `v` opens
    the mapping preview on the highlighted target: the exact draft and request each alert
    would send (`[` `]` step through them) before anything is pushed."""

    BINDINGS = [Binding("v", "review", "Review drafts", id="push.review")]

    def __init__(self, core: Core, alert_ids: list[str]) -> None:
        super().__init__(f"Push {alerts_phrase(len(alert_ids))} to which target?  "
                         "(enter chooses, v reviews the drafts first)", len(alert_ids))
        self.core = core
        self.alert_ids = alert_ids

    @property
    def pushed(self) -> bool:
        return self.done

    def compose_head(self) -> ComposeResult:
        yield OptionList(*[Option(Text(name), id=name)
                           for name in self.core.target_names()], id="push-targets")

    def ready(self) -> None:
        targets = self.query_one(OptionList)
        if targets.option_count == 0:
            self.query_one("#result-title", Static).update(
                Text("No targets configured: add [[targets]] to the config."))
        targets.focus()

    def action_review(self) -> None:
        from .mapping_preview import MappingPreviewScreen, ids_stepper

        targets = self.query_one(OptionList)
        if self.running or targets.highlighted is None or not self.alert_ids:
            return
        target = targets.get_option_at_index(targets.highlighted).id
        source = cast("ZShieldApp", self.app).source
        self.app.push_screen(MappingPreviewScreen(source, self.alert_ids[0],
                                                  step=ids_stepper(self.alert_ids),
                                                  target=target))

    @on(OptionList.OptionSelected, "#push-targets")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.running:
            return
        target = str(event.option.id)
        question = f"Push {alerts_phrase(len(self.alert_ids))} to {target}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#result-title", Static).update(Text(f"Pushing to {target}…"))
                self.start(partial(self._push, target))

        self.app.push_screen(ConfirmScreen(question), answered)

    def _push(self, target: str, report: Reporter) -> str:
        def progress(result) -> None:
            item = ItemResult.of_op(result, {})
            if result.operation != "create" and result.ok:
                item = ItemResult(item.alert_id, item.target, item.key, True, result.operation)
            # The bar counts alerts: only the create of each advances it.
            create = result.operation == "create"
            report.item(item, advance=create and (result.ok or result.final), count=create)

        plan = self.core.push(self.alert_ids, target, progress=progress, settle=5.0).plan
        for alert_id, key in plan.linked.items():
            report.item(ItemResult(alert_id, target, key, True, "already linked"))
        for alert_id, errors in plan.invalid.items():
            problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            report.item(ItemResult(alert_id, target, "", False, f"invalid: {problems}"))
        for alert_id in plan.missing:
            report.item(ItemResult(alert_id, target, "", False, "no such alert"))
        return report.summary(target, "(what failed stays in the outbox, view 3)")
