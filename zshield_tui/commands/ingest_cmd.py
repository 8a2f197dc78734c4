"""`zshield ingest PATH... [--format F]`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from zshield_tui.domain import Alert, Severity
from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted
from zshield_tui.ingest import IngestError, RecordError, read
from zshield_tui.store import upsert_alerts

from .context import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Context
from .ingest_report import FileReport, json_document

_PROGRESS_EVERY = 5000


ALERT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log")


def run(ctx: Context, paths: list[str], fmt: str, *, as_json: bool = False) -> int:
    """Loads each file (a folder: every alert file in it); bad records are listed (the
    first SHOWN per file; all of them with `as_json`) and the rest still load. Then
    auto-create queues tickets for the alerts it stored (new or changed) at or above a
    threshold; `zshield sync` or the open TUI sends them, so an ingest never waits on
    the network. With `as_json`, stdout is one JSON document (ingest_report).

    Exit 2 when a whole file could not be read (or auto-create cannot use the config),
    1 when some records were bad, else 0; warnings change nothing.
    """
    from zshield_tui.store.automation_rows import max_seq

    worst = EXIT_OK
    roots = _evidence_roots(ctx)
    wanted: list[str] = []   # ids at or above the threshold, as read
    reports: list[FileReport] = []
    notes: list[str] = []    # what follows the files: auto-create, evidence queued
    with ctx.open_store() as store:
        floor = _auto_create_floor(ctx, store)
        after_seq, since = max_seq(store.conn), datetime.now(UTC)
        for path in _expand(paths):
            report = FileReport(path, keep_all=as_json)
            reports.append(report)
            try:
                stream = read(path, fmt)
                report.path, report.format = stream.path, stream.format
                counts = upsert_alerts(store.conn,
                                       _alerts(ctx, stream, report, floor, wanted, roots),
                                       fmt=stream.format, origin=stream.origin)
            except IngestError as exc:
                print(printable(f"zshield: {exc}"), file=ctx.err)
                report.failure = str(exc)
                worst = EXIT_USAGE
                continue
            report.counts, report.skipped = vars(counts), stream.skipped
            report.skip_reasons = dict(stream.skip_reasons)
            if not as_json:
                report.print(ctx.out, ctx.err)
            if report.errors.count and worst == EXIT_OK:
                worst = EXIT_FAILED
        if floor is not None:
            line = _auto_create(ctx, store, wanted, after_seq, since)
            if line is None:
                worst = EXIT_USAGE
            else:
                notes.append(line)
        if queued := _new_evidence(store, since):
            notes.append(f"evidence: new files for {counted(queued, 'ticket')} go out on the "
                         "next sync")
    if as_json:
        print(json_document(reports, notes=notes, exit=worst), file=ctx.out)
    else:
        for line in notes:
            print(printable(line), file=ctx.out)
    return worst


def _new_evidence(store, since: datetime) -> int:
    """Evidence a re-ingest brought for alerts that already have tickets goes to them too
    (the attach op skips what each ticket has, and confinement what may not go); sent by
    `zshield sync` or the open TUI. Returns how many tickets."""
    from zshield_tui.store.alerts import iso
    from zshield_tui.sync.attach_op import queue_new_evidence

    return queue_new_evidence(store.conn, iso(since))


def _evidence_roots(ctx: Context) -> tuple[str, ...]:
    from zshield_tui.sync.evidence import evidence_roots

    return evidence_roots(ctx.config, ctx.config_file)


def _auto_create_floor(ctx: Context, store) -> Severity | None:
    """The lowest auto-create threshold; None when auto-create is off (nothing to do)."""
    from zshield_tui.sync.automate import auto_create_floor

    return auto_create_floor(store.conn, ctx.config, ctx.config_file) \
        if ctx.config.targets else None


def _auto_create(ctx: Context, store, wanted: list[str], after_seq: int,
                 since: datetime) -> str | None:
    """Queues the auto-creates of the alerts this ingest stored (unchanged ones are not
    new news) and says what it queued; None when the config's targets cannot be used."""
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.store.automation_rows import written_since
    from zshield_tui.sync.automate import auto_create_alerts
    from zshield_tui.sync.engine import SyncEngine
    from zshield_tui.sync.targets import TargetError

    try:
        engine = SyncEngine(store, ctx.config, ctx.config_file)
    except (TargetError, MappingError) as exc:
        print(printable(f"zshield: auto-create: {exc}"), file=ctx.err)
        return None
    ids = written_since(store.conn, wanted, after_seq=after_seq, since=since)
    report = auto_create_alerts(engine, ids)
    for alert_id, target, errors in report.failed:
        for name, problems in errors.items():
            print(printable(f"auto-create: {alert_id} on {target}: invalid {name}: "
                            f"{'; '.join(problems)}"), file=ctx.err)
    return report.line()


def _check_evidence(report: FileReport, stream, alert: Alert, roots: tuple[str, ...]) -> None:
    """Says at once which evidence files confinement will not send (the attach op checks
    again when it runs: the files may change meanwhile)."""
    from zshield_tui.sync.attach_op import safe_file_name
    from zshield_tui.sync.evidence import EvidenceRefused, check_evidence

    for evidence in alert.evidence:
        try:
            check_evidence(safe_file_name(evidence.name), evidence.path, stream.origin, roots)
        except EvidenceRefused as exc:
            report.warn(stream.path, stream.line, stream.index, str(exc))


def _expand(paths: list[str]) -> Iterator[str]:
    for path in paths:
        folder = Path(path)
        if path != "-" and folder.is_dir():
            yield from sorted(str(p) for p in folder.rglob("*")
                              if p.is_file() and p.suffix.lower() in ALERT_SUFFIXES)
        else:
            yield path


def _alerts(ctx: Context, stream, report: FileReport, floor: Severity | None,
            wanted: list[str], roots: tuple[str, ...]) -> Iterator[Alert]:
    """The stream's alerts; errors and warnings go to the report, progress is shown on a
    terminal, and the ids of alerts at or above `floor` kept for auto-create."""
    show = ctx.err.isatty()
    for n, item in enumerate(stream, 1):
        if isinstance(item, RecordError):
            report.record_error(item)
        else:
            report.alert_read(item, stream.path, stream.line, stream.index)
            if item.evidence:
                _check_evidence(report, stream, item, roots)
            if floor is not None and item.severity.rank >= floor.rank:
                wanted.append(item.id)
            yield item
        if show and n % _PROGRESS_EVERY == 0:
            print(f"\r{printable(str(stream.path))}: {n:,} records read…", end="",
                  file=ctx.err, flush=True)
    if show:
        print("\r\033[K", end="", file=ctx.err, flush=True)
