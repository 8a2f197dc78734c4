"""`zshield rules whatif --days N [--target NAME] [--dry-run] [--json]`,
`zshield rules show [ALERT_ID] [--json]` and `zshield rules stage --target NAME [--count N]`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from zshield_tui.domain.terminal import printable, printable_json
from zshield_tui.store import get_alert

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError


def whatif(ctx: Context, days: int, target: str | None, dry_run: bool, as_json: bool) -> int:
    from zshield_tui.core import Core
    from zshield_tui.core.whatif import WhatIfError

    try:
        done = Core(ctx.config_file, ctx.database, config=ctx.config).whatif(
            days, target=target, dry_run=dry_run)
    except WhatIfError as exc:
        raise UsageError(str(exc)) from None
    document = done.result.as_json() | {"not_checked": done.not_checked,
                                        "paused_for_staging": done.paused}
    if as_json:
        print(printable_json(document, indent=2), file=ctx.out)
    else:
        _print_whatif(ctx, document)
    return EXIT_FAILED if done.failed else EXIT_OK


def _print_whatif(ctx: Context, doc: dict[str, Any]) -> None:
    out = _PrintableLines(ctx)
    print(f"What-if over {doc['days']} days: {doc['alerts']} alerts -> "
          f"{doc['tickets']} tickets", file=out)
    peak = max(doc["per_day"].values(), default=0) or 1
    for day, count in doc["per_day"].items():
        print(f"  {day}  {count:>6}  {'#' * round(30 * count / peak)}", file=out)
    print("Per target:", file=out)
    recurring = doc.get("recurrences", {})
    for name, count in doc["per_target"].items():
        extra = recurring.get(name)
        print(f"  {name:<24} {count:>6}"
              + (f"  (+{extra} recurrences as comments, group_by)" if extra else ""), file=out)
    print("Per project or group:", file=out)
    for row in doc["per_destination"]:
        print(f"  {row['target']:<24} {row['destination']:<24} {row['tickets']:>6}", file=out)
    print("Per assignee:", file=out)
    for row in doc["per_assignee"]:
        print(f"  {row['target']:<24} {row['assignee']:<24} {row['tickets']:>6}", file=out)
    cascades = doc["cascades"]
    print(f"Child tickets a parent's resolution would {cascades['setting']}: "
          f"{cascades['child_tickets']}" if cascades["setting"] != "none" else
          "Child tickets follow no parent (children_on_parent_resolved = none)", file=out)
    failures = doc["mapping_failures"]
    print(f"Mapping failures: {len(failures)}", file=out)
    for problem in doc["not_checked"]:
        print(f"  (not checked) {problem}", file=out)
    for failure in failures[:20]:
        fields = ", ".join(f"{k}: {'; '.join(v)}" for k, v in failure["errors"].items())
        print(f"  {failure['alert_id']} on {failure['target']}: {fields}", file=out)
    if len(failures) > 20:
        print(f"  ... and {len(failures) - 20} more (--json lists all)", file=out)
    _print_paused(doc["paused_for_staging"], out)


def _print_paused(paused: dict[str, str], out: Any) -> None:
    """The production targets whose auto-create waits for a staging run, and why."""
    print(f"Paused for staging: {', '.join(sorted(paused)) or 'none'}", file=out)
    for name, why in sorted(paused.items()):
        print(f"  {name}: {why}", file=out)


def stage(ctx: Context, target: str | None, count: int, as_json: bool) -> int:
    """Sends the target's would-be auto-creates to its staging twin and records the run;
    exit 0 when it passed, 1 when it failed (auto-create stays paused)."""
    from zshield_tui.core import Core
    from zshield_tui.core.staging import StageError, stage_summary
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.sync.targets import TargetError

    if target is None:
        raise UsageError("stage needs --target NAME (a production target with a staging_twin)")
    try:
        result = Core(ctx.config_file, ctx.database, config=ctx.config).stage(target, count)
    except (TargetError, MappingError) as exc:
        raise UsageError(str(exc)) from None
    except StageError as exc:
        if exc.usage:
            raise UsageError(str(exc)) from None
        print(printable(f"zshield: {exc}"), file=ctx.err)
        return EXIT_FAILED
    if as_json:
        print(printable_json(result.as_json(), indent=2), file=ctx.out)
    else:
        out = _PrintableLines(ctx)
        for ticket in result.tickets:
            print(f"  {ticket['alert_id']}  {ticket['key']}  {ticket['url']}", file=out)
        for problem in result.problems:
            print(f"  problem: {problem}", file=out)
        print(stage_summary(result), file=out)
    return EXIT_OK if result.ok else EXIT_FAILED


def show(ctx: Context, alert_id: str | None, as_json: bool) -> int:
    from zshield_tui.automation.oncall import now_and_next
    from zshield_tui.automation.rules import describe_then, describe_when, explain_all, route
    from zshield_tui.automation.staging import gates

    config = ctx.config
    now = datetime.now(UTC)
    doc: dict[str, Any] = {
        "rules": [{"name": r.name, "when": r.when.model_dump(exclude_none=True),
                   "then": r.then.model_dump(exclude_none=True, exclude_defaults=True)}
                  for r in config.rules],
        "oncall": {},
        "auto_create": {},
    }
    for name, rotation in config.oncall.items():
        current, following = now_and_next(rotation, now)
        doc["oncall"][name] = {"now": current.member, "until": current.end.isoformat(),
                               "next": following.member}
    with ctx.open_store() as store:
        for name, gate in gates(store.conn, config, ctx.config_file).items():
            doc["auto_create"][name] = {"wanted": gate.wanted, "running": gate.active,
                                        "min_severity": gate.min_severity,
                                        "staging": gate.staging, "paused": gate.paused}
    if alert_id is not None:
        with ctx.open_store(create=False) as store:
            alert = get_alert(store.conn, alert_id)
        if alert is None:
            print(f"zshield: no alert with id '{printable(alert_id)}'", file=ctx.err)
            return EXIT_FAILED
        match = route(alert, config.rules)
        doc["alert"] = {
            "id": alert.id, "matched": match.rule.name if match else None,
            "why": match.explain() if match else "no rule matches",
            "rules": [{"name": r.name, "matches": ok, "reasons": reasons}
                      for r, ok, reasons in explain_all(alert, config.rules)],
        }
    if as_json:
        print(printable_json(doc, indent=2), file=ctx.out)
        return EXIT_OK
    out = _PrintableLines(ctx)
    print(f"Rules ({len(doc['rules'])}, first match wins):", file=out)
    for i, rule in enumerate(config.rules, 1):
        print(f"  {i}. {rule.name}: when {describe_when(rule.when)} -> {describe_then(rule)}",
              file=out)
    for name, info in doc["oncall"].items():
        print(f"On call {name}: {info['now']} until {info['until']}, then {info['next']}",
              file=out)
    print("Auto-create:", file=out)
    for name, auto in doc["auto_create"].items():
        state = "on" if auto["running"] else "PAUSED" if auto["paused"] else "off"
        kind = "staging" if auto["staging"] else "production"
        print(f"  {name}: {state} >= {auto['min_severity']} ({kind})", file=out)
    _print_paused({n: a["paused"] for n, a in doc["auto_create"].items() if a["paused"]}, out)
    if "alert" in doc:
        print(f"Alert {doc['alert']['id']}: {doc['alert']['why']}", file=out)
    return EXIT_OK


class _PrintableLines:
    """A file for print() that escapes each line: rule names, assignees, reasons and
    mapping errors quote config and alert text alike."""

    def __init__(self, ctx: Context) -> None:
        self._out = ctx.out

    def write(self, text: str) -> None:
        # print() writes the text and its "\n" separately; the newline passes as it is.
        self._out.write(text if text == "\n" else printable(text))
