"""The sync layer is core: it never imports Textual, the TUI or the commands."""

from __future__ import annotations

import subprocess
import sys


def test_sync_imports_neither_textual_nor_tui_nor_commands():
    probe = (
        "import sys\n"
        "import zshield_tui.sync.engine, zshield_tui.sync.poller, zshield_tui.sync.ops\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith(('zshield_tui.tui', 'zshield_tui.commands', 'zshield_tui.cli'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == ""
