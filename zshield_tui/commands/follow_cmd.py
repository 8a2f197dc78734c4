"""`zshield ingest --follow PATH... [--format F]`: reads files as they grow, until stopped.

Files, globs and `-` are followed like `tail -F` (zshield_tui/intake). Each commit stores
the alerts read with the files' checkpoints, so a restart after a crash or a SIGKILL
resumes exactly where the last commit stopped. SIGTERM and Ctrl-C commit what was read
and exit 0. Everything said goes to stderr, one line per commit or file event; record
errors are shown as `zshield ingest` shows them, the first SHOWN of each file, then
counted only.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

from zshield_tui.domain import Severity
from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted
from zshield_tui.intake.batch import Batch
from zshield_tui.intake.follow import Follower
from zshield_tui.intake.pump import Pump
from zshield_tui.store.automation_rows import max_seq
from zshield_tui.store.checkpoints import load_checkpoints

from .context import EXIT_OK, EXIT_USAGE, Context, UsageError
from .ingest_cmd import _auto_create, _auto_create_floor
from .ingest_report import SHOWN


def run(ctx: Context, paths: list[str], fmt: str, *, as_json: bool = False) -> int:
    """Follows until SIGTERM or Ctrl-C (or the end of stdin, when only `-` is followed).
    Exit 2 for a folder given as a file or auto-create's config unusable; else 0."""
    if as_json:
        raise UsageError("--json does not go with --follow, which never ends")
    for path in paths:
        if path != "-" and os.path.isdir(path):
            raise UsageError(f"{path}: is a folder; follow its files with a glob, such as "
                             f"'{os.path.join(path, '*.json')}'")
    if paths.count("-") > 1:
        raise UsageError("- (stdin) can be followed once")
    say = _Say(ctx.err)
    with ctx.open_store() as store:
        floor = _auto_create_floor(ctx, store)
        follower = Follower(paths, fmt, load_checkpoints(store.conn), say)
        report = _Report(ctx, store, floor, say)
        pump = Pump(store.conn, follower, report.committed)
        try:
            with _stop_on_signals() as stopping:
                pump.run(stop=stopping.is_set)
        finally:
            follower.close()
        say(f"stopped; {counted(report.total, 'alert')} stored while following")
        return EXIT_USAGE if report.unusable else EXIT_OK


class _Say:
    """One line on stderr per event, its text made safe to print (file names are not ours)."""

    def __init__(self, err: TextIO) -> None:
        self.err = err

    def __call__(self, text: str) -> None:
        print(printable(f"zshield: follow: {text}"), file=self.err, flush=True)


class _Report:
    """Says what each commit stored, shows record errors (capped per file), and queues
    auto-creates for the alerts a commit stored at or above the threshold."""

    def __init__(self, ctx: Context, store, floor: Severity | None, say: _Say) -> None:
        self.ctx, self.store, self.floor, self.say = ctx, store, floor, say
        self.total = 0
        self.unusable = False
        self._errors: Counter[str] = Counter()
        # What auto-create asks of the next commit: alerts past this seq or changed since.
        self._after_seq, self._since = max_seq(store.conn), datetime.now(UTC)

    def committed(self, batch: Batch) -> None:
        counts: Counter[str] = Counter()
        errors = skipped = 0
        names = []
        for share in batch.files.values():
            counts.update(share.counts)
            errors += len(share.errors)
            skipped += share.skipped
            if share.stored or share.errors:
                names.append(share.file.path)
            self._show_errors(share)
        self.total += counts["inserted"] + counts["updated"]
        if names:
            self.say(f"{', '.join(names[:3])}{' ...' if len(names) > 3 else ''}: "
                     f"{counts['inserted']} new, {counts['updated']} updated, "
                     f"{counts['unchanged']} unchanged; {skipped} skipped, {errors} errors")
        if self.floor is not None and not self.unusable:
            self._auto_create(batch)
        self._after_seq, self._since = max_seq(self.store.conn), datetime.now(UTC)

    def _show_errors(self, share) -> None:
        path = share.file.path
        for error in share.errors:
            self._errors[path] += 1
            if self._errors[path] <= SHOWN:
                print(printable(str(error)), file=self.ctx.err)
            if self._errors[path] == SHOWN + 1:
                self.say(f"{path}: more record errors are counted, not shown")

    def _auto_create(self, batch: Batch) -> None:
        wanted = [alert_id for share in batch.files.values()
                  for alert_id, rank in share.stored if rank >= self.floor.rank]
        if not wanted:
            return
        line = _auto_create(self.ctx, self.store, wanted, self._after_seq, self._since)
        if line is None:
            self.unusable = True   # said why; alerts still come in
        elif not line.startswith("auto-create: 0 queued"):
            self.say(line)


@contextmanager
def _stop_on_signals():
    """SIGTERM and SIGINT set an event instead of killing or raising mid-commit: the loop
    commits what it read and returns."""
    import threading

    stopping = threading.Event()
    handler = lambda *_: stopping.set()  # noqa: E731
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
