"""`zshield push | comment | close | sync`: the core records the change, queues it and
tries to send it; this module says what happened.

What could not be sent stays queued and is reported; `zshield sync` (or the open TUI)
sends it later. Progress is one rewritten line on a terminal and plain lines when piped;
with `--json`, exactly one JSON document on stdout.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from zshield_tui.domain.terminal import printable, printable_json
from zshield_tui.domain.wording import counted

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError

if TYPE_CHECKING:
    from zshield_tui.core import Core, Sent


def _core(ctx: Context) -> Core:
    from zshield_tui.core import Core

    return Core(ctx.config_file, ctx.database, config=ctx.config)


class _Progress:
    """Counts results; a live line on a terminal, one line per op when piped."""

    def __init__(self, ctx: Context, quiet: bool) -> None:
        self.ctx, self.quiet, self.count = ctx, quiet, 0

    def __call__(self, result) -> None:
        self.count += 1
        if self.quiet:
            return
        mark = "ok" if result.ok else ("retry" if not result.final else "FAILED")
        if self.ctx.interactive:
            print(f"\r{self.count} done  last: {printable(result.alert_id)} {mark}", end="",
                  file=self.ctx.out, flush=True)
        else:
            cells = (result.target, result.alert_id, result.operation, result.detail)
            print("\t".join([mark, *(printable(str(c)) for c in cells)]), file=self.ctx.out,
                  flush=True)

    def end(self) -> None:
        if self.count and self.ctx.interactive and not self.quiet:
            print(file=self.ctx.out)


def _outcome(ctx: Context, sent: Sent, quiet: bool) -> dict[str, Any]:
    """Says which targets could not be used and what is still queued; the JSON part."""
    left = [{"id": o.id, "target": o.target, "alert_id": o.alert_id, "operation": o.operation,
             "status": o.status, "attempts": o.attempts, "error": o.last_error}
            for o in sent.still_queued]
    if not quiet:
        for reason in sent.stopped.values():
            print(printable(f"zshield: {reason}; its changes stay queued"), file=ctx.err)
        if left:
            print(f"{counted(len(left), 'change')} still queued; `zshield sync` sends them "
                  "later:",
                  file=ctx.err)
        for op in left[:20]:
            print(printable(f"  #{op['id']} {op['target']} {op['alert_id']} {op['operation']} "
                            f"{op['status']}: {op['error'] or 'not sent yet'}"), file=ctx.err)
    return {"stopped": sent.stopped, "still_queued": left}


def push(ctx: Context, alert_ids: list[str], target: str, dry_run: bool, as_json: bool) -> int:
    """Creates (or finds) the tickets of the alerts on one target."""
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.sync.targets import TargetError

    progress = _Progress(ctx, as_json)
    try:
        result = _core(ctx).push(alert_ids, target, dry_run=dry_run, progress=progress)
    except (TargetError, MappingError) as exc:
        raise UsageError(f"--target: {exc}") from None
    progress.end()
    plan = result.plan
    outcome = _outcome(ctx, result.sent, as_json)
    document = {"target": target, "dry_run": dry_run, "queued": plan.queued,
                "already_linked": plan.linked, "invalid": plan.invalid,
                "missing": plan.missing, "tickets": result.tickets,
                "failed": [{"alert_id": r.alert_id, "error": r.detail}
                           for r in result.sent.report.failed], **outcome}
    if as_json:
        if dry_run:
            document["drafts"] = plan.drafts
        print(printable_json(document, indent=2), file=ctx.out)
    else:
        for alert_id in plan.missing:
            print(f"zshield: no alert with id '{printable(alert_id)}'", file=ctx.err)
        for alert_id, errors in plan.invalid.items():
            for name, problems in errors.items():
                print(printable(f"{alert_id}: invalid {name}: {'; '.join(problems)}"),
                      file=ctx.err)
        verb = "would create" if dry_run else "ticket"
        for alert_id in plan.queued:
            print("\t".join(printable(c) for c in (alert_id, target,
                                                    result.tickets.get(alert_id, verb))),
                  file=ctx.out)
        for alert_id, key in plan.linked.items():
            print("\t".join(printable(c) for c in (alert_id, target, f"{key} (already linked)")),
                  file=ctx.out)
    bad = plan.missing or plan.invalid or result.sent.report.failed or outcome["still_queued"]
    return EXIT_FAILED if bad else EXIT_OK


def comment(ctx: Context, alert_id: str, text: str, as_json: bool) -> int:
    """Adds a note that syncs out to every ticket of the alert."""
    if not text.strip():
        raise UsageError("comment: TEXT is empty")
    try:
        result = _core(ctx).add_note([alert_id], text)
    except KeyError:
        print(f"zshield: no alert with id '{printable(alert_id)}' in {ctx.database}",
              file=ctx.err)
        return EXIT_FAILED
    outcome = _outcome(ctx, result.sent, as_json)
    return _finish(ctx, as_json, {"alert_id": alert_id, "targets": result.sent.targets,
                                  "sent": result.sent.done, **outcome}, outcome)


def close(ctx: Context, alert_id: str, children: bool, as_json: bool) -> int:
    """Resolves the alert (and its children) and moves their tickets."""
    progress = _Progress(ctx, as_json)
    try:
        result = _core(ctx).resolve([alert_id], children=children, progress=progress)
    except KeyError as exc:
        print(f"zshield: no alert with id '{printable(exc.args[0])}' in {ctx.database}",
              file=ctx.err)
        return EXIT_FAILED
    progress.end()
    outcome = _outcome(ctx, result.sent, as_json)
    if not as_json:
        print(f"resolved {counted(len(result.resolved), 'alert')}; "
              f"{counted(result.sent.done, 'ticket change')} sent", file=ctx.out)
    return _finish(ctx, as_json, {"alert_id": alert_id, "resolved": result.resolved,
                                  "sent": result.sent.done, **outcome}, outcome, text=False)


def sync(ctx: Context, once: bool, interval: float, as_json: bool) -> int:
    """Runs automation, drains the outbox and polls every target; without --once, every
    `interval` s."""
    core = _core(ctx)
    if not core.config.targets:
        raise UsageError(f"{ctx.config_file}: no [[targets]] configured")
    while True:
        progress = _Progress(ctx, as_json)
        result = core.sync_once(progress=progress)
        progress.end()
        polled, automated = result.polled, result.automation
        for name, p in polled.items():
            if p.error and not as_json:
                print(printable(f"zshield: {p.error}; {name} is polled again next pass"),
                      file=ctx.err)
        outcome = _outcome(ctx, result.sent, as_json)
        report = result.sent.report
        summary = {"sent": report.done, "failed": len(report.failed),
                   "polled": {n: {"tickets": p.tickets, "states": p.states, "notes": p.notes,
                                  "conflicts": p.conflicts, "error": p.error}
                              for n, p in polled.items()},
                   "auto_created": dict(automated.created.queued),
                   "auto_create_failed": [{"alert_id": a, "target": t, "errors": e}
                                          for a, t, e in automated.created.failed],
                   "escalated": [{"alert_id": d.alert_id, "target": d.target, "key": d.key,
                                  "window": d.window} for d in automated.escalated],
                   **outcome}
        if not as_json:
            if automated.created.queued or automated.created.failed:
                print(printable(automated.created.line()), file=ctx.out)
            for d in automated.escalated:
                print(printable(f"escalated {d.target} {d.key} ({d.alert_id}): {d.reason}"),
                      file=ctx.out)
            print(printable(f"sent {report.done}, failed {len(report.failed)}, "
                            + ", ".join(f"{n}: not polled" if p.error else
                                        f"{n}: {p.tickets} tickets, {p.states} states, "
                                        f"{p.notes} notes, {len(p.conflicts)} conflicts"
                                        for n, p in polled.items())), file=ctx.out)
        if once:
            return _finish(ctx, as_json, summary, outcome, text=False)
        time.sleep(interval)


def _finish(ctx: Context, as_json: bool, document: dict[str, Any], outcome: dict[str, Any],
            *, text: bool = True) -> int:
    left = outcome["still_queued"]
    if as_json:
        print(printable_json(document, indent=2), file=ctx.out)
    elif text and not left:
        print("sent", file=ctx.out)
    return EXIT_FAILED if left else EXIT_OK
