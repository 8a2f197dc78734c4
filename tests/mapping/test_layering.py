"""The mapping layer stands on the domain alone: no Textual, store, connectors or HTTP."""

from __future__ import annotations

import subprocess
import sys


def test_mapping_imports_neither_textual_nor_store_nor_connectors():
    probe = (
        "import sys\n"
        "import zshield_tui.mapping.preview, zshield_tui.mapping.validate\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in {'textual', 'httpx', 'sqlmodel'}"
        " or m.startswith(('zshield_tui.store', 'zshield_tui.connectors', 'zshield_tui.tui'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == ""
