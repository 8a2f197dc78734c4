"""Opening the database never drops the locks this process's other connections hold.

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included. If opening a Store read the header with open()/close(), another process could
then believe it was the last connection, take the WAL away, and this process's open
connections would fail with "disk I/O error" (the daemon did, with a TUI beside it)."""

from __future__ import annotations

import subprocess
import sys

from tests.factories import make_alert
from zshield_tui.store import Store, upsert_alerts

OTHER = ("import sys\nfrom pathlib import Path\nfrom zshield_tui.store import Store\n"
         "with Store(Path(sys.argv[1]), create=False) as s:\n"
         "    s.conn.execute('SELECT count(*) FROM alert').fetchone()\n")


def test_connections_survive_other_stores_opening_and_closing(tmp_path):
    db = tmp_path / "z.db"
    with Store(db) as held:   # like the follow thread's connection, open throughout
        upsert_alerts(held.conn, [make_alert(1)], fmt="zshield")
        for n in range(3):
            with Store(db) as brief:   # like a sync pass in another thread
                brief.conn.execute("SELECT count(*) FROM alert").fetchone()
            subprocess.run([sys.executable, "-c", OTHER, str(db)], check=True, timeout=60)
            upsert_alerts(held.conn, [make_alert(n + 2)], fmt="zshield")
            with Store(db) as again:
                count = again.conn.execute("SELECT count(*) FROM alert").fetchone()[0]
            assert count == n + 2
