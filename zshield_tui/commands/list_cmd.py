"""`zshield list [--filter F] [--limit N] [--sort time|severity] [--json]`."""

from __future__ import annotations

import shutil

from zshield_tui.domain import Severity
from zshield_tui.domain.terminal import printable, printable_json
from zshield_tui.store import AlertQuery, AlertRow, FilterError, Sort, parse_filter

from .context import EXIT_OK, Context, UsageError

_COLOURS = {4: "1;31", 3: "31", 2: "33", 1: "36", 0: "2"}  # ANSI, by severity rank


def run(ctx: Context, filter_text: str, limit: int, sort: str, as_json: bool) -> int:
    try:
        flt = parse_filter(filter_text)
    except FilterError as exc:
        raise UsageError(f"--filter: {exc}") from None
    with ctx.open_store() as store:
        rows = AlertQuery(store.conn, flt, Sort(sort)).page(0, limit)
    if as_json:
        for row in rows:
            print(printable_json(row_json(row)), file=ctx.out)
    elif ctx.interactive:
        width = shutil.get_terminal_size().columns
        for row in rows:
            print(_pretty(row, width), file=ctx.out)
    else:
        for row in rows:
            print("\t".join(_cells(row)), file=ctx.out)
    return EXIT_OK


def row_json(row: AlertRow) -> dict[str, object]:
    return {
        "id": row.id, "title": row.title, "severity": Severity.from_rank(row.severity).value,
        "source": row.source, "category": row.category,
        "mitre_technique": row.mitre_technique, "state": row.state,
        "created_at": row.created_at, "parent_id": row.parent_id, "children": row.children,
        "ticket": row.ticket,
    }


def _cells(row: AlertRow) -> list[str]:
    """One line's cells, made printable: a tab or newline in a title stays inside it."""
    return [
        row.created_at[:16].replace("T", " "), Severity.from_rank(row.severity).value,
        row.state, printable(row.source), printable(row.id), printable(row.title),
    ]


def _pretty(row: AlertRow, width: int) -> str:
    when, severity, state, source, alert_id, title = _cells(row)
    head = f"{when}  {severity[:4].upper():4}  {state[:12]:12} {source[:16]:16} {alert_id}  "
    room = max(10, width - len(head))
    text = title if len(title) <= room else title[: room - 1] + "…"
    return f"\033[{_COLOURS[row.severity]}m{head[:22]}\033[0m{head[22:]}{text}"
