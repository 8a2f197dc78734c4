"""`make screenshots`: SVGs of the main screens in every built-in theme, for the README.

Runs the real app headless on generated alerts at a fixed time, so the pictures change
only when the look does.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from zshield_tui.demodata import generate_alerts
from zshield_tui.store import Store, upsert_alerts

from .app import ZShieldApp
from .themes import BUILTIN_DIR

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SIZE = (150, 44)
THEMES = ("zshield-dark", "zshield-light", "zshield-high-contrast")


async def _shoot(db: Path, theme: str, target: Path, keys: tuple[str, ...]) -> None:
    app = ZShieldApp(db, theme_dirs=(BUILTIN_DIR,), remember=False, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        target.write_text(app.export_screenshot(title="zshield"), encoding="utf-8")


def main(folder: str = "screenshots") -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "shots.db"
        with Store(db) as store:
            upsert_alerts(store.conn, generate_alerts(3000, seed=7, now=NOW), fmt="zshield")
        shots = [(f"triage-{t.removeprefix('zshield-')}.svg", t, ("j", "j", "space"))
                 for t in THEMES]
        shots.append(("filter.svg", THEMES[0], ("slash", *"sev:>=high src:edr", "enter")))
        shots.append(("help.svg", THEMES[0], ("question_mark",)))
        for name, theme, keys in shots:
            asyncio.run(_shoot(db, theme, out / name, keys))
            print(out / name)


if __name__ == "__main__":
    main(*sys.argv[1:2])
