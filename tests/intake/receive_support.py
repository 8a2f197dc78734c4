"""Shared by the receive tests: the app served over real HTTP on 127.0.0.1, a sender,
and the `zshield receive` command as a process of its own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.factories import make_alert
from tests.loopback import served
from zshield_tui.intake.receive import Received, create_app
from zshield_tui.intake.receive_writer import AlertWriter

TOKEN = "receive-test-token-7f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**AUTH, "Content-Type": "application/json"}


@dataclass
class Intake:
    url: str
    db: Path
    writer: AlertWriter
    log: list[Received] = field(default_factory=list)

    def post(self, body: bytes | str, *, headers: dict[str, str] | None = None,
             params: dict[str, str] | None = None) -> httpx.Response:
        data = body.encode() if isinstance(body, str) else body
        return httpx.post(f"{self.url}/alerts", content=data, params=params,
                          headers=JSON if headers is None else headers, timeout=30)


@contextmanager
def receiving(db: Path, *, max_body_bytes: int = 1 << 20) -> Iterator[Intake]:
    """The receive app on a free loopback port, writing into `db`."""
    writer = AlertWriter(db)
    log: list[Received] = []
    app = create_app(writer, TOKEN, max_body_bytes=max_body_bytes, log=log.append)
    try:
        with served(app) as url:
            yield Intake(url, db, writer, log)
    finally:
        writer.close()


def native(n: int, **overrides) -> dict:
    """Native alert n as a sender would post it."""
    return json.loads(make_alert(n, **overrides).model_dump_json())


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def stored(db: Path) -> list[tuple[str, str]]:
    """(id, format) of every stored alert, in id order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, format FROM alert ORDER BY id").fetchall()
    finally:
        conn.close()


class Receiver:
    """`zshield receive` as its own process; its stderr goes to a file (never a pipe
    that a chatty server could fill and block on)."""

    def __init__(self, tmp: Path, db: Path, *argv: str, token: str | None = TOKEN,
                 config: Path | None = None) -> None:
        self.log_path = tmp / f"receive-{time.monotonic_ns()}.log"
        env = {**os.environ, "XDG_CONFIG_HOME": str(tmp / "config"),
               "XDG_DATA_HOME": str(tmp / "data"), "XDG_STATE_HOME": str(tmp / "state")}
        env.pop("ZSHIELD_CONFIG", None)
        env.pop("ZSHIELD_RECEIVE_TOKEN", None)
        if token is not None:
            env["ZSHIELD_RECEIVE_TOKEN"] = token
        head = ["--config", str(config)] if config else []
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zshield_tui", *head, "--db", str(db), "receive",
                 *argv], env=env, stdout=subprocess.DEVNULL, stderr=log)

    @property
    def stderr(self) -> str:
        return self.log_path.read_text()

    def url(self, timeout: float = 20) -> str:
        """The URL from the server's first line, once it listens."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stderr.splitlines():
                if "listening on " in line:
                    return line.split("listening on ")[1].split()[0]
            assert self.process.poll() is None, f"receive exited: {self.stderr}"
            time.sleep(0.05)
        raise AssertionError(f"receive did not start: {self.stderr}")

    def wait(self, timeout: float = 30) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
