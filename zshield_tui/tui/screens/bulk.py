"""What `c`, `x` and `a` do to the marked alerts (or the cursor alert): the question the
confirmation asks, and the job the result screen runs in its worker."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from zshield_tui.core import Core, Scope

from .results import ItemResult, Job, Reporter


@dataclass(frozen=True)
class Action:
    """One bulk action; `operation` is the outbox op whose results are its tickets'."""

    verb: str          # as the confirmation starts: "Resolve"
    doing: str         # the result screen's title while it runs
    operation: str
    local: str         # said of an alert that has no linked ticket
    done: str          # the summary's lead once finished
    children: bool = False


NOTE = Action("Add the note to", "Adding the note…", "comment", "note kept locally",
              "note added")
CLOSE = Action("Resolve", "Resolving…", "transition", "resolved locally", "resolved",
               children=True)
ASSIGN = Action("Assign", "Assigning…", "assign", "assigned locally", "assigned")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def question(action: Action, scope: Scope, suffix: str = "") -> str:
    """`Resolve 12 alerts (+31 children): 40 tickets on jira-sec, 3 on snow-sir?`"""
    head = f"{action.verb} {plural(len(scope.alert_ids), 'alert')}"
    if scope.children:
        n = len(scope.children)
        head += f" (+{n} {'child' if n == 1 else 'children'})"
    counts = list(scope.per_target().items())
    if counts:
        where = ", ".join(f"{plural(n, 'ticket') if i == 0 else n} on {t}"
                          for i, (t, n) in enumerate(counts))
    else:
        where = "no linked tickets, only the local alerts change"
    return f"{head}{suffix}: {where}?"


def job(action: Action, core: Core, scope: Scope, arg: str = "") -> Job:
    """What the result screen runs; `arg` is the note text or the assignee."""
    return partial(_run, action, core, scope, arg)


def _run(action: Action, core: Core, scope: Scope, arg: str, report: Reporter) -> str:
    keys = scope.keys()
    wanted = set(scope.all_ids)

    def progress(op) -> None:
        # A drain also sends what else was due on the target; that belongs to the outbox.
        if op.operation == action.operation and op.alert_id in wanted:
            report.item(ItemResult.of_op(op, keys), advance=op.ok or op.final)

    if action is NOTE:
        core.add_note(scope.alert_ids, arg, progress=progress)
    elif action is CLOSE:
        core.resolve(scope.alert_ids, children=True, progress=progress)
    else:
        core.assign(scope.alert_ids, arg, progress=progress)
    linked = {t.alert_id for t in scope.tickets} | {r.alert_id for r in report.results}
    for alert_id in scope.all_ids:
        if alert_id not in linked:
            report.item(ItemResult(alert_id, "", "", True, action.local), advance=False)
    return report.summary(action.done, "(what failed stays in the outbox, view 3)")
