"""A small seeded database, an app factory, the pinned world of pushed tickets, and the
waits Pilot and snapshot tests share: on messages and workers, never on a timer."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.notifications import Notify

from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.demodata import generate_alerts
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.tui.app import ZShieldApp
from zshield_tui.tui.themes import BUILTIN_DIR

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SIZE = (140, 40)
# Fixed, because the settings view and the mapping preview show the targets' URLs.
SIM_PORTS = (48081, 48082)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "alerts.db"
    with Store(path) as store:
        upsert_alerts(store.conn, generate_alerts(400, seed=7, now=NOW), fmt="zshield")
    return path


@pytest.fixture
def make_app(seeded_db, tmp_path, monkeypatch):
    """Each test gets its own copy of the database and its own state dir."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))

    def factory(db: Path | None = None, **kwargs) -> ZShieldApp:
        copy = tmp_path / "alerts.db"
        if db is None:
            shutil.copy(seeded_db, copy)
        kwargs.setdefault("theme_dirs", (BUILTIN_DIR,))
        return ZShieldApp(db or copy, **kwargs)

    return factory


@pytest.fixture
def sims(tmp_path, monkeypatch):
    """Both simulators on loopback and a config for them: (config path, the Jira app)."""
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        yield write_config(tmp_path, jira_url, snow_url), jira


@pytest.fixture
def world(seeded_db, make_app, tmp_path, monkeypatch):
    """The seeded alerts with tickets pushed to both simulators, a failed and a pending op,
    every time pinned (tests/tui/world.py); the simulators stay up for the app's own sync.
    Returns (app factory, World). The config is named relative to the test's folder, so
    that screens showing its path show the same one in every run."""
    from tests.tui.world import build

    # The README shots' rules; no [oncall]: the rules screen would show wall-clock on-call.
    from zshield_tui.tui.screenshots import RULES

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "alerts.db"
    shutil.copy(seeded_db, db)
    # The ServiceNow simulator's SLA clocks run from NOW, as the alerts do.
    jira, snow = jira_app.create_app(), snow_app.create_app(start=NOW)
    with served(jira, SIM_PORTS[0]) as jira_url, served(snow, SIM_PORTS[1]) as snow_url:
        config = write_config(tmp_path, jira_url, snow_url)
        with config.open("a", encoding="utf-8") as out:
            out.write(RULES)
            out.write('\n[user]\nname = "ana"\n')   # not the login of whoever runs them
        built = build(db, config)

        def factory(**kwargs) -> ZShieldApp:
            kwargs.setdefault("remember", False)
            return make_app(db=db, config_file=Path(config.name), **kwargs)

        yield factory, built


async def wait_for(pilot, condition, timeout: float = 10.0, message=lambda: "") -> None:
    """Waits until `condition()` holds, looking again each time the app, a screen or one of
    its widgets has handled a message (Textual's `message_signal`). Workers, timers and
    screens all report by message, so nothing is polled; `timeout` only bounds a failure.
    A change made outside the app (a simulator's state, another process's commit) is seen
    at the next message the app handles, which the change itself sets off."""
    app = pilot.app
    changed = asyncio.Event()
    watched: list = []

    def seen(_message) -> None:
        changed.set()

    def watch_new_nodes() -> None:
        for node in (app, *app.screen_stack, *app.screen.walk_children()):
            if node.is_running and not any(node is w for w in watched):
                node.message_signal.subscribe(node, seen, immediate=True)
                watched.append(node)

    deadline = asyncio.get_running_loop().time() + timeout
    try:
        while not condition():
            changed.clear()
            watch_new_nodes()  # screens and widgets come and go
            if condition():
                break
            left = deadline - asyncio.get_running_loop().time()
            try:
                await asyncio.wait_for(changed.wait(), max(left, 0.0))
            except TimeoutError:
                raise AssertionError(f"condition not reached {message()!r}") from None
    finally:
        for node in watched:
            node.message_signal.unsubscribe(node)


# Workers that run as long as the app does (following [[sources]]): never "finished".
FOREVER = frozenset({"sources"})


async def settle(pilot, timeout: float = 60.0) -> None:
    """Until every worker has finished and the messages they sent have been handled
    (those that run for the app's whole life aside). `timeout` only bounds a failure,
    which then names the workers still running instead of hanging the run."""
    app = pilot.app
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await pilot.wait_for_scheduled_animations()
        running = [w for w in app.workers if w.group not in FOREVER]
        # Textual's wait_for_complete([]) waits for *every* worker, the FOREVER ones too:
        # with only the sources follower left, that never returned.
        if running:
            await _complete(app, running, deadline)
        await pilot.pause()
        if all(w.is_finished or w.group in FOREVER for w in app.workers):
            return


async def _complete(app, workers: list, deadline: float) -> None:
    """`wait_for_complete(workers)` until `deadline`. Not asyncio.wait_for: cancelling it
    would cancel the workers' tasks while their threads run on, unaware."""
    waiting = asyncio.ensure_future(app.workers.wait_for_complete(workers))
    left = deadline - asyncio.get_running_loop().time()
    done, _ = await asyncio.wait({waiting}, timeout=max(left, 0.0))
    if not done:
        raise AssertionError(f"workers still running: {[w.name for w in workers]}")
    waiting.result()   # a worker's failure, raised here as before


async def triage_ready(pilot) -> None:
    """The alerts, the detail of the cursor alert and, with targets configured, the first
    background sync are on screen, and nothing is left running."""
    from zshield_tui.tui.widgets.alert_detail import AlertDetailPane
    from zshield_tui.tui.widgets.status_line import StatusLine

    app = pilot.app
    screen = app.screen
    status = screen.query_one(StatusLine)

    def shown() -> bool:
        panes = screen.query(AlertDetailPane)  # mounted one frame after the list
        if not panes:
            return False
        current, detail = screen.alerts.current, panes.first().detail
        if current is None:
            return detail is None
        return detail is not None and detail.alert.id == current.id

    await settle(pilot)  # a query in flight changes what is under the cursor
    await wait_for(pilot, shown, message=lambda: screen.alerts.current)
    if names := app.core.target_names():  # the first pass starts after the first paint
        await wait_for(pilot, lambda: any(n in status.targets for n in names),
                       message=lambda: status.targets)
    await settle(pilot)


async def hold_still(pilot) -> None:
    """Takes out what changes with the clock while nothing happens, so a snapshot does not
    depend on when it is taken: text cursors blink, and a progress bar's ETA reads
    "--:--:--" or "00:00:00" by how far apart its updates came (the result screen would
    do better without one, as the mapping preview's batch bar is)."""
    for screen in pilot.app.screen_stack:  # a dialog shows the screens under it
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await screen.query("ProgressBar #eta").remove()
    await pilot.pause()


class Inbox:
    """A `run_test(message_hook=...)` that keeps what the app was sent, to read the
    notifications shown (Textual's `Notify` message) through public API."""

    def __init__(self) -> None:
        self.messages: list = []

    def __call__(self, message) -> None:
        self.messages.append(message)

    def saw(self, kind: type) -> bool:
        return any(isinstance(m, kind) for m in self.messages)

    def notifications(self) -> list[str]:
        return [f"{m.notification.title or ''}: {m.notification.message}"
                for m in self.messages if isinstance(m, Notify)]


async def palette(pilot, command: str) -> None:
    """Runs `command` from the command palette, as typed by an analyst: enter once the
    palette's search highlights it."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*command)
    found = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: found.highlighted is not None and command in
                   str(found.get_option_at_index(found.highlighted).prompt))
    await pilot.press("enter")
    await settle(pilot)
