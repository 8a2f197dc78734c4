"""A database that is read-only, full or locked: one line naming the file, the right exit
code, no traceback, and nothing that was committed before is lost.

Read-only and full are real filesystem states: each scenario runs `zshield` in a private
mount namespace (util-linux `unshare`, no privileges needed) on a small tmpfs, which the
namespace takes away when it ends.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.cli.runner import run
from tests.factories import make_alert

ZSHIELD = [sys.executable, "-m", "zshield_tui"]


def write_alerts(path: Path, numbers: range, *, pad: int = 0) -> Path:
    path.write_text("".join(make_alert(n, description="x" * pad).model_dump_json() + "\n"
                            for n in numbers))
    return path


def in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Runs a shell script with a fresh tmpfs at $MNT (1 MB), as root of its own
    mount namespace; $Z is the zshield command."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    body = (f'set -u; MNT="{mount}"; Z="{" ".join(ZSHIELD)}"; '
            'mount -t tmpfs -o size=1m tmpfs "$MNT"; ' + script)
    return subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", body],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "XDG_CONFIG_HOME": str(tmp_path / "cfg")})


def test_a_full_disk_stops_ingest_with_one_line_and_keeps_what_was_stored(tmp_path, env):
    small = write_alerts(tmp_path / "small.jsonl", range(1, 6))
    big = write_alerts(tmp_path / "big.jsonl", range(100, 4100), pad=400)
    done = in_namespace(
        f'$Z --db "$MNT/z.db" ingest {small} >/dev/null || exit 9; '
        f'$Z --db "$MNT/z.db" ingest {big}; echo "exit=$?"; '
        f'$Z --db "$MNT/z.db" list --json --limit 100 > {tmp_path}/after.jsonl; '
        'echo "list=$?"', tmp_path)
    assert "exit=1" in done.stdout and "list=0" in done.stdout, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "z.db: the disk is full" in lines[0], done.stderr
    kept = [json.loads(line)["id"] for line in (tmp_path / "after.jsonl").read_text().splitlines()]
    assert sorted(kept) == [f"ZS-{n:06d}" for n in range(1, 6)]


def test_a_read_only_database_is_named_not_a_traceback(tmp_path, env):
    alerts = write_alerts(tmp_path / "a.jsonl", range(1, 4))
    done = in_namespace(
        f'$Z --db "$MNT/z.db" ingest {alerts} >/dev/null || exit 9; '
        'mount -o remount,ro "$MNT"; '
        '$Z --db "$MNT/z.db" comment ZS-000001 "seen"; echo "exit=$?"', tmp_path)
    assert "exit=2" in done.stdout, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "z.db:" in done.stderr


def test_a_locked_database_is_named_and_the_work_is_not_half_done(tmp_path, env, capsys):
    db = tmp_path / "z.db"
    alerts = write_alerts(tmp_path / "a.jsonl", range(1, 4))
    assert run(capsys, "--db", str(db), "ingest", str(alerts))[0] == 0
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(8.0, holder.rollback)   # bounded even if the test fails
    release.start()
    try:
        code, _, err = run(capsys, "--db", str(db), "comment", "ZS-000001", "seen")
    finally:
        release.cancel()
        holder.rollback()
    assert code == 1 and err.count("\n") == 1
    assert f"{db}: the database is locked by another process" in err
    code, out, _ = run(capsys, "--db", str(db), "show", "ZS-000001", "--json")
    assert code == 0 and json.loads(out)["notes"] == []
