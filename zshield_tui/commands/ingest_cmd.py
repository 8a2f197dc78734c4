"""`zshield ingest PATH... [--format F]`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from zshield_tui.domain import Alert
from zshield_tui.ingest import IngestError, RecordError, read
from zshield_tui.store import upsert_alerts

from .context import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Context

_PROGRESS_EVERY = 5000


ALERT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log")


def run(ctx: Context, paths: list[str], fmt: str) -> int:
    """Loads each file (a folder: every alert file in it); bad records are listed and the
    rest still load.

    Exit 2 when a whole file could not be read, 1 when some records were bad, else 0.
    """
    worst = EXIT_OK
    with ctx.open_store() as store:
        for path in _expand(paths):
            try:
                stream = read(path, fmt)
            except IngestError as exc:
                print(f"zshield: {exc}", file=ctx.err)
                worst = EXIT_USAGE
                continue
            errors: list[RecordError] = []
            try:
                counts = upsert_alerts(store.conn, _alerts(ctx, stream, errors), fmt=stream.format)
            except IngestError as exc:
                print(f"zshield: {exc}", file=ctx.err)
                worst = EXIT_USAGE
                continue
            for error in errors:
                print(error, file=ctx.err)
            loaded = counts.inserted + counts.updated + counts.unchanged
            print(
                f"{stream.path}: {loaded} alerts ({stream.format}): {counts.inserted} new, "
                f"{counts.updated} updated, {counts.unchanged} unchanged; "
                f"{stream.skipped} skipped, {len(errors)} errors",
                file=ctx.out,
            )
            if errors and worst == EXIT_OK:
                worst = EXIT_FAILED
    return worst


def _expand(paths: list[str]) -> Iterator[str]:
    for path in paths:
        folder = Path(path)
        if path != "-" and folder.is_dir():
            yield from sorted(str(p) for p in folder.rglob("*")
                              if p.is_file() and p.suffix.lower() in ALERT_SUFFIXES)
        else:
            yield path


def _alerts(ctx: Context, stream, errors: list[RecordError]) -> Iterator[Alert]:
    """The stream's alerts; errors are collected aside, progress shown on a terminal."""
    show = ctx.err.isatty()
    for n, item in enumerate(stream, 1):
        if isinstance(item, RecordError):
            errors.append(item)
        else:
            yield item
        if show and n % _PROGRESS_EVERY == 0:
            print(f"\r{stream.path}: {n:,} records read…", end="", file=ctx.err, flush=True)
    if show:
        print("\r\033[K", end="", file=ctx.err, flush=True)
