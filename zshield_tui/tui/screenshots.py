"""`make screenshots`: SVGs of the main screens for the README.

Runs the real app headless on generated alerts at a fixed time, with the Jira and
ServiceNow simulators on loopback in this process (as `zshield demo` has them) and a few
alerts pushed to them first, so the pictures show linked tickets, a push result, the
tickets and rules views as an analyst sees them. Alerts and keys are the same on every
run; what sync stamps (the simulators' port in the preview's request line, sync times
and SLA time left) comes from the moment it runs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from zshield_tui.demodata import generate_alerts
from zshield_tui.store import AlertFilter, AlertQuery, Sort, Store, upsert_alerts

from .app import ZShieldApp
from .themes import BUILTIN_DIR

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SIZE = (150, 44)
THEMES = ("zshield-dark", "zshield-light", "zshield-high-contrast")
JIRA_TOKEN_ENV = "ZSHIELD_SHOTS_JIRA_TOKEN"
SNOW_ENV = "ZSHIELD_SHOTS_SNOW_PASSWORD"
MARKED = ("j", "space", "space", "g")  # the second and third alerts marked, back on top
# (file, theme, keys): the push comes last, as it changes what the simulators hold.
SHOTS = [
    *((f"triage-{t.removeprefix('zshield-')}.svg", t, MARKED) for t in THEMES),
    ("filter.svg", THEMES[0], ("slash", *"sev:>=high src:edr", "enter")),
    ("help.svg", THEMES[0], ("question_mark",)),
    ("preview.svg", THEMES[0], ("m",)),
    ("tickets.svg", THEMES[0], ("2",)),
    ("rules.svg", THEMES[0], ("4",)),
    ("push-result.svg", THEMES[0], ("j", "j", "j", "p", "enter", "y")),
]


def _config(folder: Path, jira_url: str, snow_url: str) -> Path:
    """The demo's two targets on the simulators and two rules; the simulators' test
    secrets go into this process's environment only."""
    from zshield_tui.core.simulated import write_sim_targets
    from zshield_tui.sim.jira.state import CLOUD_TOKEN

    os.environ[JIRA_TOKEN_ENV] = CLOUD_TOKEN
    os.environ[SNOW_ENV] = "zshield"  # the simulator's integration user
    config = write_sim_targets(folder, jira_url, snow_url, jira_token_env=JIRA_TOKEN_ENV,
                               snow_password_env=SNOW_ENV)
    with config.open("a", encoding="utf-8") as out:
        out.write(RULES)
    return config


RULES = """
[[rules]]
name = "critical to OPS"
when = { min_severity = "critical" }
then = { target = "jira-sec", project = "OPS" }

[[rules]]
name = "phishing to the SIR queue"
when = { category = "phishing" }
then = { target = "snow-sir", group = "Security Operations" }
"""


def _seed(db: Path, config: Path) -> None:
    """Generated alerts; the newest pushed to both targets, the next one to snow-sir."""
    from zshield_tui.core import Core

    with Store(db) as store:
        upsert_alerts(store.conn, generate_alerts(3000, seed=7, now=NOW), fmt="zshield")
        newest = [r.id for r in AlertQuery(store.conn, AlertFilter(), Sort.TIME).page(0, 2)]
    core = Core(config, db)
    # One alert a push: those of one push go out at once, and their order decides keys.
    for alert_id, target in ((newest[0], "jira-sec"), (newest[0], "snow-sir"),
                             (newest[1], "snow-sir")):
        core.push([alert_id], target, settle=5.0)
    core.sync_once(settle=0.0)  # brings the SLA and the configuration item back


async def _until(pilot, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Waits for `condition`, looking again whenever the screen or one of its widgets has
    handled a message (workers and timers all report by message)."""
    app = pilot.app
    changed = asyncio.Event()
    nodes = [app, *app.screen.walk_children(with_self=True)]
    for node in nodes:
        node.message_signal.subscribe(node, lambda _: changed.set(), immediate=True)
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                changed.clear()
                await changed.wait()
    finally:
        for node in nodes:
            node.message_signal.unsubscribe(node)


async def _settle(pilot) -> None:
    """Until every worker has finished and what it reported is on screen."""
    while True:
        await pilot.wait_for_scheduled_animations()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in pilot.app.workers):
            return


async def _shoot(db: Path, config: Path, theme: str, target: Path,
                 keys: tuple[str, ...]) -> None:
    from .widgets.status_line import StatusLine

    app = ZShieldApp(db, config_file=config, theme_dirs=(BUILTIN_DIR,), remember=False,
                     theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one(StatusLine)
        await _until(pilot, lambda: "jira-sec" in status.targets)  # the first sync pass
        await _settle(pilot)
        for key in keys:  # one at a time: a key may open the screen the next one is for
            await pilot.press(key)
            await _settle(pilot)
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        target.write_text(app.export_screenshot(title="zshield"), encoding="utf-8")


def main(folder: str = "screenshots") -> None:
    from zshield_tui.sim.background import serving

    out = Path(folder).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, \
            serving("jira") as jira_url, serving("servicenow") as snow_url:
        config = _config(Path(scratch), jira_url, snow_url)
        seeded = Path(scratch) / "seeded.db"
        _seed(seeded, config)
        for name, theme, keys in SHOTS:
            db = Path(scratch) / f"{name}.db"  # a copy each: no shot sees another's push
            shutil.copy(seeded, db)
            asyncio.run(_shoot(db, config, theme, out / name, keys))
            print(out / name)


if __name__ == "__main__":
    main(*sys.argv[1:2])
