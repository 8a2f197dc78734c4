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

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def paint_empty() -> dict:
    from textual.app import App

    class Empty(App):
        def on_mount(self) -> None:
            self.call_after_refresh(self.exit, time.perf_counter() - T0)

    return {"seconds": Empty().run(headless=True)}


def paint_zshield(db: str) -> dict:
    """The `zshield --db DB` path, ended once the first page of alerts is on screen."""
    from zshield_tui.commands import tui_cmd
    from zshield_tui.commands.context import Context
    from zshield_tui.tui import app as app_module
    from zshield_tui.tui.screens.triage import TriageScreen

    seconds: list[float] = []

    class FirstPage(TriageScreen):
        def on_alert_list_page_loaded(self) -> None:
            if not seconds:
                self.app.call_after_refresh(self._painted)

        def _painted(self) -> None:
            seconds.append(time.perf_counter() - T0)
            self.app.exit()

    class Probe(app_module.ZShieldApp):
        def get_default_screen(self):
            return FirstPage(self.source)

        def run(self, **_):
            return super().run(headless=True)

    app_module.ZShieldApp = Probe  # tui_cmd imports the app class when it runs
    tui_cmd.run(Context(db_override=db))
    return {"seconds": seconds[0]}


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
