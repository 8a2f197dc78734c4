"""What `c`, `x` and `a` do to the marked alerts (or the cursor alert): each Action knows
the question its confirmation asks, how it sends through the core, and how the result
screen reports it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from zshield_tui.core import Core, Scope
from zshield_tui.domain.wording import counted
from zshield_tui.store.versions import StaleChange

from .results import ItemResult, Job, Reporter

# (core, alert ids, the note text or assignee, the versions the view showed, progress)
# -> what the core returned
Send = Callable[[Core, list[str], str, Mapping[str, int], Callable[[Any], None]], Any]


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

    def job(self, core: Core, scope: Scope, arg: str = "",
            versions: Mapping[str, int] | None = None,
            refused: list[StaleChange] | None = None) -> Job:
        """What the result screen runs; `arg` is the note text or the assignee,
        `versions` each alert's version as the view showed it. Alerts others changed
        since are left alone, reported per alert, and added to `refused`."""
        return partial(_run, self, core, scope, arg, versions or {},
                       refused if refused is not None else [])


def _add_note(core: Core, ids: list[str], text: str, versions: Mapping[str, int],
              progress: Callable[[Any], None]) -> Any:
    return core.add_note(ids, text, versions=versions, progress=progress)


def _resolve(core: Core, ids: list[str], _: str, versions: Mapping[str, int],
             progress: Callable[[Any], None]) -> Any:
    return core.resolve(ids, children=True, versions=versions, progress=progress)


def _assign(core: Core, ids: list[str], who: str, versions: Mapping[str, int],
            progress: Callable[[Any], None]) -> Any:
    return core.assign(ids, who, versions=versions, progress=progress)


NOTE = Action("Add the note to", "Adding the note…", "comment", "note kept locally",
              "note added", _add_note)
CLOSE = Action("Resolve", "Resolving…", "transition", "resolved locally", "resolved",
               _resolve, children=True)
ASSIGN = Action("Assign", "Assigning…", "assign", "assigned locally", "assigned", _assign,
                names_arg=True)


def _run(action: Action, core: Core, scope: Scope, arg: str, versions: Mapping[str, int],
         refused: list[StaleChange], report: Reporter) -> str:
    keys = scope.keys()
    wanted = set(scope.all_ids)

    def progress(op) -> None:
        # A drain also sends what else was due on the target; that belongs to the outbox.
        if op.operation == action.operation and op.alert_id in wanted:
            report.item(ItemResult.of_op(op, keys), advance=op.ok or op.final)

    result = action.send(core, scope.alert_ids, arg, versions, progress)
    refused.extend(result.refused)
    for stale in result.refused:
        report.item(ItemResult(stale.alert_id, "", "", False,
                               f"not changed: {stale.describe()}, after your view"),
                    advance=False)
    # A refused alert's children were not taken along: only what changed is "done".
    changed = set(getattr(result, "resolved", scope.all_ids))
    skipped = {r.alert_id for r in result.refused}
    linked = {t.alert_id for t in scope.tickets} | {r.alert_id for r in report.results}
    for alert_id in scope.all_ids:
        if alert_id in linked or alert_id in skipped:
            continue
        if alert_id in scope.alert_ids or alert_id in changed or not skipped:
            report.item(ItemResult(alert_id, "", "", True, action.local), advance=False)
    tail = "(what failed stays in the outbox, view 3)"
    if result.refused:
        tail = f"{len(result.refused)} changed by others since your view  " + tail
    return report.summary(action.done, tail)
