"""Peak RSS of the TUI with 1,000,000 alerts open, after a long browsing session
(jumps to both ends, paging, four filters, a sort change). Target: at most 150 MB."""

from __future__ import annotations

import tempfile

from .data import isolated_env, million_db
from .first_paint import _probe
from .report import Result

TARGET_MB = 150


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    db = str(million_db(quick))
    with tempfile.TemporaryDirectory() as scratch:
        figures = _probe("rss", db, env=isolated_env(scratch))
    peak = figures["max_rss_mb"]
    print(f"  peak RSS {peak:.0f} MB over a session on {figures['rows']:,} rows")
    return [Result("peak RSS", f"{peak:.0f} MB", f"{TARGET_MB} MB (target)", peak / TARGET_MB,
                   f"<= {TARGET_MB} MB", peak <= TARGET_MB, figures)]
