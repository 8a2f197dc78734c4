"""`zshield demo`: the TUI on a fresh database of generated alerts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from zshield_tui.demodata import generate_alerts
from zshield_tui.store import Store, database_path, upsert_alerts

from .context import EXIT_OK, Context


def run(ctx: Context, *, count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="zshield-demo-") as scratch:
        path = database_path(ctx.db_override) if ctx.db_override else Path(scratch) / "demo.db"
        seed(path, count=count, evidence_dir=Path(scratch) / "evidence")
        from zshield_tui.tui.app import ZShieldApp

        ZShieldApp(path, config_file=ctx.config_file).run()
    return EXIT_OK


def seed(path: Path, *, count: int, evidence_dir: Path) -> None:
    """Fills the database with `count` generated alerts (idempotent for the same seed)."""
    print(f"zshield demo: generating {count:,} alerts in {path}…", flush=True)
    with Store(path) as store:
        upsert_alerts(store.conn, generate_alerts(count, evidence_dir=evidence_dir),
                      fmt="zshield")
