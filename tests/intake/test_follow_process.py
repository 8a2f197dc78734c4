"""`zshield ingest --follow` as a process: killed with SIGKILL at random moments while a
writer appends, restarted, it ends with every record stored exactly once; SIGTERM
commits and exits 0; stdin is followed to its end."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.intake.following import line, lines

TOTAL = 100_000


def _zshield(tmp_path: Path, *args: str, stdin=subprocess.DEVNULL,
             config: Path | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZSHIELD_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    chosen = ["--config", str(config)] if config else []
    return subprocess.Popen([sys.executable, "-m", "zshield_tui", *chosen, "--db",
                             str(tmp_path / "z.db"), "ingest", "--follow", *args],
                            env=env, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _ids(db: Path) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM alert")]
    except sqlite3.OperationalError:   # not created yet
        return []
    finally:
        conn.close()


def _checkpoint(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute('SELECT "offset" FROM follow_checkpoint').fetchone()
    except sqlite3.OperationalError:
        row = None
    finally:
        conn.close()
    return row[0] if row else 0


def _wait_for(count: int, db: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while len(_ids(db)) < count:
        assert time.monotonic() < deadline, f"only {len(_ids(db))} of {count} stored"
        time.sleep(0.1)


def _until_it_commits(db: Path, before: int, writer: threading.Thread,
                      timeout: float = 60.0) -> None:
    """Until the follower commits past `before`, or has nothing left to commit."""
    deadline = time.monotonic() + timeout
    while _checkpoint(db) <= before:
        if not writer.is_alive() and before > 0:
            return   # the writer is done and an earlier run may have read it all
        assert time.monotonic() < deadline, "the follower committed nothing in 60 s"
        time.sleep(0.02)


def _ids_in(text: bytes) -> set[str]:
    """The ids of the whole lines of `text` (each line starts `{"id": "T-000123"`)."""
    return {chunk[8:16].decode() for chunk in text.split(b"\n")[:-1]}


class _Writer(threading.Thread):
    """Appends TOTAL alert lines in pieces of random sizes, so lines are often split
    between two writes, over about `seconds`."""

    def __init__(self, path: Path, seconds: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.path, self.seconds, self.rng = path, seconds, random.Random(seed)
        self.data = lines(1, TOTAL).encode()

    def run(self) -> None:
        pieces = 400
        with self.path.open("ab", buffering=0) as handle:
            at = 0
            for n in range(pieces):
                end = len(self.data) if n == pieces - 1 else min(
                    len(self.data), at + self.rng.randint(1, 2 * len(self.data) // pieces))
                handle.write(self.data[at:end])
                at = end
                time.sleep(self.seconds / pieces)


def test_sigkill_at_random_moments_loses_nothing_and_stores_nothing_twice(tmp_path):
    log, db = tmp_path / "eve.json", tmp_path / "z.db"
    rng = random.Random(13)
    writer = _Writer(log, seconds=6.0, seed=13)
    writer.start()
    outputs = []
    for _ in range(4):
        before = _checkpoint(db)
        proc = _zshield(tmp_path, str(log))
        # Killed at a random moment once it is working: a kill while Python still starts
        # up (seconds on a loaded machine) would test nothing, and no run would resume.
        _until_it_commits(db, before, writer)
        time.sleep(rng.uniform(0.0, 1.2))
        proc.kill()
        proc.wait()
        outputs.append(proc.stderr.read())
        # At every kill, the database holds exactly the records before the checkpoint.
        offset = _checkpoint(db)
        ids = _ids(db)
        assert len(ids) == len(set(ids))
        assert set(ids) == _ids_in(log.read_bytes()[:offset])
    writer.join()
    proc = _zshield(tmp_path, str(log))
    _wait_for(TOTAL, db)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    outputs.append(proc.stderr.read())

    ids = _ids(db)
    assert len(ids) == TOTAL and set(ids) == _ids_in(writer.data)
    assert _checkpoint(db) == log.stat().st_size
    said = "".join(outputs)
    assert "resuming at line" in said
    # A record read again would be counted unchanged by the commit that stored it again.
    assert " 0 unchanged" in said and not any(
        "unchanged" in row and " 0 unchanged" not in row for row in said.splitlines())


def test_sigterm_commits_what_was_read_and_exits_0(tmp_path):
    log, db = tmp_path / "eve.json", tmp_path / "z.db"
    log.write_text(lines(1, 3000))
    proc = _zshield(tmp_path, str(log))
    _wait_for(3000, db)
    with log.open("a") as handle:   # arrives just before the signal
        handle.write(line(3001))
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    err = proc.stderr.read()
    assert "stopped; 3001 alerts stored while following" in err
    assert len(_ids(db)) == 3001
    assert _checkpoint(db) == log.stat().st_size


def test_sigterm_while_reading_a_big_file_keeps_what_was_committed_consistent(tmp_path):
    log, db = tmp_path / "eve.json", tmp_path / "z.db"
    log.write_text(lines(1, 30_000))
    proc = _zshield(tmp_path, str(log))
    _wait_for(1, db)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert set(_ids(db)) == _ids_in(log.read_bytes()[:_checkpoint(db)])


@pytest.mark.parametrize("partial_end", [False, True])
def test_stdin_is_followed_to_its_end(tmp_path, partial_end):
    text = lines(1, 50) + (line(51).rstrip("\n") if partial_end else "")
    proc = _zshield(tmp_path, "-", stdin=subprocess.PIPE)
    _, err = proc.communicate(text, timeout=20)
    assert proc.returncode == 0, err
    assert len(_ids(tmp_path / "z.db")) == (51 if partial_end else 50)


def test_follow_queues_the_auto_creates_of_what_it_stores(tmp_path):
    from tests.cli.test_ingest_autocreate import CONFIG
    from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW

    (tmp_path / "jira-sec.json").write_text(EXAMPLE_JIRA)
    (tmp_path / "snow-sir.json").write_text(EXAMPLE_SNOW)
    (tmp_path / "config.toml").write_text(CONFIG)
    text = (line(1, severity="critical") + line(2, severity="high")
            + line(3, severity="medium"))
    proc = _zshield(tmp_path, "-", stdin=subprocess.PIPE, config=tmp_path / "config.toml")
    _, err = proc.communicate(text, timeout=30)
    assert proc.returncode == 0, err
    assert "auto-create: 3 queued (jira-sec 2, snow-sir 1)" in err
    conn = sqlite3.connect(tmp_path / "z.db")
    creates = sorted(conn.execute("SELECT alert_id, target FROM outbox "
                                  "WHERE operation = 'create'").fetchall())
    conn.close()
    assert creates == [("T-000001", "jira-sec"), ("T-000001", "snow-sir"),
                       ("T-000002", "jira-sec")]
