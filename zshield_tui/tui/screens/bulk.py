"""What `c`, `x` and `a` do to the marked alerts (or the cursor alert): each Action knows
the question its confirmation asks, how it sends through the core, and how the result
screen reports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from zshield_tui.core import Core, Scope
from zshield_tui.domain.wording import counted

from .results import ItemResult, Job, Reporter

# (core, alert ids, the note text or assignee, progress) -> what the core returned
Send = Callable[[Core, list[str], str, Callable[[Any], None]], object]


@dataclass(frozen=True)
class Action:
    """One bulk action; `operation` is the outbox op whose results are its tickets'."""

    verb: str          # as the confirmation starts: "Resolve"
    doing: str         # the result screen's title while it runs
    operation: str
    local: str         # said of an alert that has no linked ticket
    done: str          # the summary's lead once finished
    send: Send
    children: bool = False
    names_arg: bool = False   # the question says "to <arg>" (the assignee)

    def question(self, scope: Scope, arg: str = "") -> str:
        """`Resolve 12 alerts (+31 children): 40 tickets on jira-sec, 3 on snow-sir?`"""
        head = f"{self.verb} {counted(len(scope.alert_ids), 'alert')}"
        if scope.children:
            head += f" (+{counted(len(scope.children), 'child', 'children')})"
        if self.names_arg:
            head += f" to {arg}"
        counts = list(scope.per_target().items())
        if counts:
            where = ", ".join(f"{counted(n, 'ticket') if i == 0 else n} on {t}"
                              for i, (t, n) in enumerate(counts))
        else:
            where = "no linked tickets, only the local alerts change"
        return f"{head}: {where}?"

    def job(self, core: Core, scope: Scope, arg: str = "") -> Job:
        """What the result screen runs; `arg` is the note text or the assignee."""
        return partial(_run, self, core, scope, arg)


def _add_note(core: Core, ids: list[str], text: str, progress: Callable[[Any], None]) -> object:
    return core.add_note(ids, text, progress=progress)


def _resolve(core: Core, ids: list[str], _: str, progress: Callable[[Any], None]) -> object:
    return core.resolve(ids, children=True, progress=progress)


def _assign(core: Core, ids: list[str], who: str, progress: Callable[[Any], None]) -> object:
    return core.assign(ids, who, progress=progress)


NOTE = Action("Add the note to", "Adding the note…", "comment", "note kept locally",
              "note added", _add_note)
CLOSE = Action("Resolve", "Resolving…", "transition", "resolved locally", "resolved",
               _resolve, children=True)
ASSIGN = Action("Assign", "Assigning…", "assign", "assigned locally", "assigned", _assign,
                names_arg=True)


def _run(action: Action, core: Core, scope: Scope, arg: str, report: Reporter) -> str:
    keys = scope.keys()
    wanted = set(scope.all_ids)

    def progress(op) -> None:
        # A drain also sends what else was due on the target; that belongs to the outbox.
        if op.operation == action.operation and op.alert_id in wanted:
            report.item(ItemResult.of_op(op, keys), advance=op.ok or op.final)

    action.send(core, scope.alert_ids, arg, progress)
    linked = {t.alert_id for t in scope.tickets} | {r.alert_id for r in report.results}
    for alert_id in scope.all_ids:
        if alert_id not in linked:
            report.item(ItemResult(alert_id, "", "", True, action.local), advance=False)
    return report.summary(action.done, "(what failed stays in the outbox, view 3)")
