"""`zshield ingest PATH... [--format F]`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from zshield_tui.domain import Alert, Severity
from zshield_tui.domain.terminal import printable
from zshield_tui.ingest import IngestError, RecordError, read
from zshield_tui.store import upsert_alerts

from .context import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Context

_PROGRESS_EVERY = 5000


ALERT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log")


def run(ctx: Context, paths: list[str], fmt: str) -> int:
    """Loads each file (a folder: every alert file in it); bad records are listed and the
    rest still load. Then auto-create queues tickets for the alerts it stored (new or
    changed) at or above a threshold; `zshield sync` or the open TUI sends them, so an
    ingest never waits on the network.

    Exit 2 when a whole file could not be read (or auto-create cannot use the config),
    1 when some records were bad, else 0.
    """
    from zshield_tui.store.automation_rows import max_seq

    worst = EXIT_OK
    floor = _auto_create_floor(ctx)
    wanted: list[str] = []   # ids at or above the threshold, as read
    with ctx.open_store() as store:
        after_seq, since = max_seq(store.conn), datetime.now(UTC)
        for path in _expand(paths):
            try:
                stream = read(path, fmt)
            except IngestError as exc:
                print(printable(f"zshield: {exc}"), file=ctx.err)
                worst = EXIT_USAGE
                continue
            errors: list[RecordError] = []
            try:
                counts = upsert_alerts(store.conn, _alerts(ctx, stream, errors, floor, wanted),
                                       fmt=stream.format)
            except IngestError as exc:
                print(printable(f"zshield: {exc}"), file=ctx.err)
                worst = EXIT_USAGE
                continue
            for error in errors:  # a reason may quote the record
                print(printable(str(error)), file=ctx.err)
            loaded = counts.inserted + counts.updated + counts.unchanged
            print(
                f"{printable(str(stream.path))}: {loaded} alerts ({stream.format}): "
                f"{counts.inserted} new, "
                f"{counts.updated} updated, {counts.unchanged} unchanged; "
                f"{stream.skipped} skipped, {len(errors)} errors",
                file=ctx.out,
            )
            if errors and worst == EXIT_OK:
                worst = EXIT_FAILED
        if floor is not None and not _auto_create(ctx, store, wanted, after_seq, since):
            worst = EXIT_USAGE
        _new_evidence(ctx, store, since)
    return worst


def _new_evidence(ctx: Context, store, since: datetime) -> None:
    """Evidence a re-ingest brought for alerts that already have tickets goes to them too
    (the attach op skips what each ticket has); sent by `zshield sync` or the open TUI."""
    from zshield_tui.store.alerts import iso
    from zshield_tui.sync.attach_op import queue_new_evidence

    if queued := queue_new_evidence(store.conn, iso(since)):
        print(f"evidence: {queued} ticket(s) get new files on the next sync", file=ctx.out)


def _auto_create_floor(ctx: Context) -> Severity | None:
    """The lowest auto-create threshold; None when auto-create is off (nothing to do)."""
    from zshield_tui.sync.automate import auto_create_floor

    return auto_create_floor(ctx.config) if ctx.config.targets else None


def _auto_create(ctx: Context, store, wanted: list[str], after_seq: int,
                 since: datetime) -> bool:
    """Queues the auto-creates of the alerts this ingest stored (unchanged ones are not
    new news) and prints what it queued; False when the config's targets cannot be used."""
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.store.automation_rows import written_since
    from zshield_tui.sync.automate import auto_create_alerts
    from zshield_tui.sync.engine import SyncEngine
    from zshield_tui.sync.targets import TargetError

    try:
        engine = SyncEngine(store, ctx.config, ctx.config_file)
    except (TargetError, MappingError) as exc:
        print(f"zshield: auto-create: {exc}", file=ctx.err)
        return False
    ids = written_since(store.conn, wanted, after_seq=after_seq, since=since)
    report = auto_create_alerts(engine, ids)
    for alert_id, target, errors in report.failed:
        for name, problems in errors.items():
            print(printable(f"auto-create: {alert_id} on {target}: invalid {name}: "
                            f"{'; '.join(problems)}"), file=ctx.err)
    print(printable(report.line()), file=ctx.out)
    return True


def _expand(paths: list[str]) -> Iterator[str]:
    for path in paths:
        folder = Path(path)
        if path != "-" and folder.is_dir():
            yield from sorted(str(p) for p in folder.rglob("*")
                              if p.is_file() and p.suffix.lower() in ALERT_SUFFIXES)
        else:
            yield path


def _alerts(ctx: Context, stream, errors: list[RecordError], floor: Severity | None,
            wanted: list[str]) -> Iterator[Alert]:
    """The stream's alerts; errors are collected aside, progress shown on a terminal, and
    the ids of alerts at or above `floor` kept for auto-create."""
    show = ctx.err.isatty()
    for n, item in enumerate(stream, 1):
        if isinstance(item, RecordError):
            errors.append(item)
        else:
            if floor is not None and item.severity.rank >= floor.rank:
                wanted.append(item.id)
            yield item
        if show and n % _PROGRESS_EVERY == 0:
            print(f"\r{printable(str(stream.path))}: {n:,} records read…", end="",
                  file=ctx.err, flush=True)
    if show:
        print("\r\033[K", end="", file=ctx.err, flush=True)
