"""The first frame pays only for what it draws: a fresh interpreter starts the TUI on a
database and lists what is imported when the first frame is out. Connectors, the sync
engine, the core, the mapping layer, pydantic and the HTTP and template libraries must
still be waiting (see the start-up sequence in tui/app.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.factories import make_alert
from zshield_tui.store import Store, upsert_alerts

DEFERRED = ("httpx", "jinja2", "pydantic", "sqlmodel", "sqlalchemy", "starlette", "uvicorn",
            "zshield_tui.core", "zshield_tui.sync", "zshield_tui.connectors",
            "zshield_tui.mapping", "zshield_tui.config", "zshield_tui.automation")

PROBE = textwrap.dedent("""
    import asyncio, json, sys
    from pathlib import Path
    from zshield_tui.tui.app import ZShieldApp

    class FirstFrame(ZShieldApp):
        def on_mount(self):
            super().on_mount()
            self.call_after_refresh(self.report)

        def report(self):
            print(json.dumps(sorted(sys.modules)))
            self.exit()

    async def main():
        async with FirstFrame(Path(sys.argv[1]), remember=False).run_test() as pilot:
            await pilot.pause()

    asyncio.run(main())
""")


def test_the_first_frame_imports_nothing_it_does_not_draw(tmp_path):
    db = tmp_path / "z.db"
    with Store(db) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(1, 30)], fmt="zshield")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_STATE_HOME": str(tmp_path / "st")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    loaded = set(__import__("json").loads(done.stdout.strip().splitlines()[-1]))
    assert "zshield_tui.tui.screens.triage" in loaded   # the probe saw the first frame
    early = sorted(m for m in loaded if m.split(".")[0] in DEFERRED or
                   any(m == d or m.startswith(d + ".") for d in DEFERRED))
    assert early == []
