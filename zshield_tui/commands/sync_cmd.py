"""`zshield push | comment | close | sync`: record the change, queue it, try to send it.

What could not be sent stays queued and is reported; `zshield sync` (or the open TUI)
sends it later. Progress is one rewritten line on a terminal and plain lines when piped;
with `--json`, exactly one JSON document on stdout.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from zshield_tui.domain.terminal import printable, printable_json

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError


def _engine(ctx: Context, store, *, settle: float = 3.0):
    """`settle`: how long to wait for retries before leaving them queued; short for a
    one-off change, longer for `sync --once`, which should end with nothing to retry."""
    from zshield_tui.sync.engine import SyncEngine

    return SyncEngine(store, ctx.config, ctx.config_file, settle=settle)


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


def _stopped(ctx: Context, report, quiet: bool) -> dict[str, str]:
    """Targets whose sending stopped early (unreachable, no usable credentials)."""
    stopped = dict(report.stopped) if report is not None else {}
    if not quiet:
        for reason in stopped.values():
            print(printable(f"zshield: {reason}; its changes stay queued"), file=ctx.err)
    return stopped


def _leftovers(engine, ctx: Context, quiet: bool,
               targets: list[str] | None = None) -> list[dict[str, Any]]:
    """What is still queued (on `targets` only, when named)."""
    left = [{"id": o.id, "target": o.target, "alert_id": o.alert_id, "operation": o.operation,
             "status": o.status, "attempts": o.attempts, "error": o.last_error}
            for o in engine.pending() if targets is None or o.target in targets]
    if left and not quiet:
        print(f"{len(left)} change(s) still queued; `zshield sync` sends them later:",
              file=ctx.err)
        for op in left[:20]:
            print(printable(f"  #{op['id']} {op['target']} {op['alert_id']} {op['operation']} "
                            f"{op['status']}: {op['error'] or 'not sent yet'}"), file=ctx.err)
    return left


def push(ctx: Context, alert_ids: list[str], target: str, dry_run: bool, as_json: bool) -> int:
    """Creates (or finds) the tickets of the alerts on one target."""
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.sync.targets import TargetError

    with ctx.open_store(create=False) as store:
        try:
            engine = _engine(ctx, store)
            engine.target(target)
        except (TargetError, MappingError) as exc:
            raise UsageError(f"--target: {exc}") from None
        progress = _Progress(ctx, as_json)
        plan, report = asyncio.run(engine.push(alert_ids, target, dry_run=dry_run,
                                               progress=progress))
        progress.end()
        stopped = _stopped(ctx, report, as_json)
        left = [] if dry_run else _leftovers(engine, ctx, as_json, [target])
        tickets = {a: t.key for a in alert_ids
                   if (t := _ticket(store, a, target)) is not None}
    document = {"target": target, "dry_run": dry_run, "queued": plan.queued,
                "already_linked": plan.linked, "invalid": plan.invalid,
                "missing": plan.missing, "tickets": tickets,
                "failed": [{"alert_id": r.alert_id, "error": r.detail} for r in report.failed],
                "stopped": stopped, "still_queued": left}
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
                                                    tickets.get(alert_id, verb))), file=ctx.out)
        for alert_id, key in plan.linked.items():
            print("\t".join(printable(c) for c in (alert_id, target, f"{key} (already linked)")),
                  file=ctx.out)
    bad = plan.missing or plan.invalid or report.failed or left
    return EXIT_FAILED if bad else EXIT_OK


def _ticket(store, alert_id: str, target: str):
    from zshield_tui.store.syncrepo import ticket_for

    return ticket_for(store.conn, alert_id, target)


def comment(ctx: Context, alert_id: str, text: str, as_json: bool) -> int:
    """Adds a note that syncs out to every ticket of the alert."""
    if not text.strip():
        raise UsageError("comment: TEXT is empty")
    with ctx.open_store(create=False) as store:
        engine = _engine(ctx, store)
        try:
            targets = engine.queue_comment(alert_id, text)
        except KeyError:
            print(f"zshield: no alert with id '{printable(alert_id)}' in {store.path}",
                  file=ctx.err)
            return EXIT_FAILED
        report = asyncio.run(engine.drain(targets)) if targets else None
        stopped = _stopped(ctx, report, as_json)
        left = _leftovers(engine, ctx, as_json, targets)
    return _finish(ctx, as_json, {"alert_id": alert_id, "targets": targets,
                                  "sent": report.done if report else 0,
                                  "stopped": stopped, "still_queued": left}, left)


def close(ctx: Context, alert_id: str, children: bool, as_json: bool) -> int:
    """Resolves the alert (and its children) and moves their tickets."""
    with ctx.open_store(create=False) as store:
        engine = _engine(ctx, store)
        try:
            changed = engine.queue_state(alert_id, "resolved", children=children)
        except KeyError as exc:
            print(f"zshield: no alert with id '{printable(exc.args[0])}' in {store.path}",
                  file=ctx.err)
            return EXIT_FAILED
        progress = _Progress(ctx, as_json)
        report = asyncio.run(engine.drain(progress=progress))
        progress.end()
        stopped = _stopped(ctx, report, as_json)
        left = _leftovers(engine, ctx, as_json)
    if not as_json:
        print(f"resolved {len(changed)} alert(s); {report.done} ticket change(s) sent",
              file=ctx.out)
    return _finish(ctx, as_json, {"alert_id": alert_id, "resolved": changed,
                                  "sent": report.done, "stopped": stopped,
                                  "still_queued": left}, left, text=False)


def sync(ctx: Context, once: bool, interval: float, as_json: bool) -> int:
    """Runs automation, drains the outbox and polls every target; without --once, every
    `interval` s."""
    with ctx.open_store() as store:
        engine = _engine(ctx, store, settle=30.0)
        if not engine.targets:
            raise UsageError(f"{ctx.config_file}: no [[targets]] configured")
        while True:
            progress = _Progress(ctx, as_json)
            report, polled = asyncio.run(engine.sync_once(progress))
            progress.end()
            stopped = _stopped(ctx, report, as_json)
            for name, p in polled.items():
                if p.error and not as_json:
                    print(printable(f"zshield: {p.error}; {name} is polled again next pass"),
                          file=ctx.err)
            left = _leftovers(engine, ctx, as_json)
            automated = engine.automation
            summary = {"sent": report.done, "failed": len(report.failed), "stopped": stopped,
                       "polled": {n: {"tickets": p.tickets, "states": p.states,
                                      "notes": p.notes, "conflicts": p.conflicts,
                                      "error": p.error}
                                  for n, p in polled.items()},
                       "auto_created": dict(automated.created.queued),
                       "auto_create_failed": [
                           {"alert_id": a, "target": t, "errors": e}
                           for a, t, e in automated.created.failed],
                       "escalated": [{"alert_id": d.alert_id, "target": d.target,
                                      "key": d.key, "window": d.window}
                                     for d in automated.escalated],
                       "still_queued": left}
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
                return _finish(ctx, as_json, summary, left, text=False)
            time.sleep(interval)


def _finish(ctx: Context, as_json: bool, document: dict[str, Any], left: list,
            *, text: bool = True) -> int:
    if as_json:
        print(printable_json(document, indent=2), file=ctx.out)
    elif text and not left:
        print("sent", file=ctx.out)
    return EXIT_FAILED if left else EXIT_OK
