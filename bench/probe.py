"""Run in a child process by the first-paint and memory benchmarks (not imported by them).

    python -m bench.probe paint-empty
    python -m bench.probe paint DB
    python -m bench.probe rss DB

Prints one JSON object on stdout. Timing starts at the top of this module, before any
import, so both the empty app and zshield pay for their own imports.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()
CPU0 = time.thread_time()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def _stamp() -> dict:
    """Wall time, and the main thread's CPU time, which other processes on the machine
    do not inflate: the steadier figure for comparing two builds."""
    return {"seconds": time.perf_counter() - T0, "cpu_seconds": time.thread_time() - CPU0}


def paint_empty() -> dict:
    from textual.app import App

    painted: list[dict] = []

    class Empty(App):
        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None and not painted:
                painted.append(_stamp())
                self.exit()

    Empty().run(headless=True)
    return painted[0]


def paint_zshield(db: str) -> dict:
    """The `zshield --db DB` path, ended once the first frame showing alerts goes out.

    Both apps stop at the same point: the first compositor update handed to the terminal
    (`App._display`; headless, so nothing is written) that has, here, the first page of
    alerts in it.
    """
    from zshield_tui.commands import tui_cmd
    from zshield_tui.commands.context import Context
    from zshield_tui.tui import app as app_module
    from zshield_tui.tui.widgets.alert_list import AlertList

    painted: list[dict] = []
    rows_drawn: list[bool] = []
    draw = AlertList.render_line

    def render_line(self, y: int):
        strip = draw(self, y)
        # The first page is drawn (on an empty database: the empty list is).
        if not rows_drawn and self._query is not None and (self._pages.get(0) or
                                                           not self.total):
            rows_drawn.append(True)
        return strip

    AlertList.render_line = render_line

    class Probe(app_module.ZShieldApp):
        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None and rows_drawn and not painted:
                painted.append(_stamp())
                self.exit()

        def run(self, **_):
            return super().run(headless=True)

    app_module.ZShieldApp = Probe  # tui_cmd imports the app class when it runs
    tui_cmd.run(Context(db_override=db))
    return painted[0]


async def _browse(db: str) -> dict:
    """Everything an analyst does in a long session, on the big database."""
    from pathlib import Path

    from zshield_tui.tui.app import ZShieldApp

    app = ZShieldApp(Path(db), remember=False)
    async with app.run_test(size=(160, 50)) as pilot:
        async def settle() -> None:
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()

        await settle()
        for keys in (["G"], ["pageup"] * 30, ["g"], ["pagedown"] * 200, ["s"], ["G"],
                     ["pageup"] * 50):
            await pilot.press(*keys)
            await settle()
        for text in ("sev:>=high", "powershell", "lt-fin", "src:wazuh cat:credential"):
            await pilot.press("slash", *text)
            await settle()
            await pilot.press("G", "pageup", "pageup")
            await settle()
            await pilot.press("escape", "escape")
            await settle()
        for _ in range(300):
            await pilot.press("j")
        await settle()
        rows = app.screen.alerts.total
    return {"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rows": rows}


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode == "paint-empty":
        result = paint_empty()
    elif mode == "paint":
        result = paint_zshield(argv[1])
    else:
        result = asyncio.run(_browse(argv[1]))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
