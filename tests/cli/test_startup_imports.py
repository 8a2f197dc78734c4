"""`zshield` with no subcommand reaches the TUI without loading what its first frame does
not need: pydantic alone (the config models) cost about 90 ms of a 300 ms start."""

from __future__ import annotations

import json
import subprocess
import sys

from zshield_tui.store import Store

# Runs the real entry point in a fresh interpreter (sys.modules starts empty) and stops
# where the app would start drawing.
_PROBE = """
import json, sys
from zshield_tui.tui import app

def run(self):
    print(json.dumps({m: m in sys.modules for m in ("pydantic", "sqlalchemy", "httpx")}))

app.ZShieldApp.run = run
from zshield_tui.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_the_tui_starts_without_pydantic_or_the_orm(tmp_path):
    db = tmp_path / "zshield.db"
    Store(db).close()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", _PROBE, str(db)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"pydantic": False, "sqlalchemy": False, "httpx": False}
