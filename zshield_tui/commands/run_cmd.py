"""`zshield run`: the headless daemon (DESIGN §2). One process for a server or a container:

- every `[[sources]]` entry followed like `tail -F` (intake.follow), checkpoints committed
  with the alerts they cover;
- the `[receive]` listener, when the section is there (intake.receive);
- auto-create as alerts arrive (a pass a moment after each commit), and every `interval`
  a full sync pass: send what is due, poll every target, escalate. A production target
  paused for staging (automation/staging.py) is logged when the pause starts or changes
  and when it ends, not on every pass.

Each part runs in a thread of its own; the main thread waits for SIGTERM or Ctrl-C, then
the follower commits what it read, the listener finishes the requests in flight, the
sync pass under way finishes, and the process exits 0. One log line per event on stderr,
plain or (`--log-format json`) one JSON object each.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from zshield_tui.domain.terminal import printable, printable_json
from zshield_tui.store import daemon as heartbeat

from .context import EXIT_OK, Context, UsageError

ARRIVAL_DELAY = 1.0   # s: alerts arriving together are auto-created in one pass


class Log:
    """One line per event: `2026-12-07T06:40:31Z follow eve.json: 12 new ...` or JSON."""

    def __init__(self, err: TextIO, fmt: str) -> None:
        self.err, self.json = err, fmt == "json"
        self._lock = threading.Lock()

    def __call__(self, event: str, text: str, **fields: Any) -> None:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = printable_json({"at": at, "event": event, "message": text, **fields}) \
            if self.json else printable(f"{at} {event} {text}")
        with self._lock:
            print(line, file=self.err, flush=True)


def run(ctx: Context, interval: float, log_format: str) -> int:
    """Runs until SIGTERM or Ctrl-C; exit 2 for a config it cannot run."""
    from zshield_tui.core import Core

    config = ctx.config
    if not (config.sources or config.receive or config.targets):
        raise UsageError(f"{ctx.config_file}: nothing to run: no [[sources]], no [receive] "
                         "and no [[targets]]")
    log = Log(ctx.err, log_format)
    core = Core(ctx.config_file, ctx.database, config=config)
    stopping, arrived = threading.Event(), threading.Event()
    parts: list[threading.Thread] = []
    stoppers: list[Callable[[], None]] = []
    with ctx.open_store():
        pass   # creates and migrates the database before any part opens it
    pauses = Pauses(log)
    if config.targets:
        pauses(core.create_arrivals()[0].paused)   # this pass only marks where to start
    if config.sources:
        parts.append(_thread("follow", _follow, ctx, log, stopping, arrived))
    if config.receive is not None:
        server = _receive(ctx, log, arrived)
        stoppers.append(lambda: setattr(server, "should_exit", True))
        parts.append(threading.Thread(target=server.run, kwargs={"sockets": [server.sock]},
                                      name="receive", daemon=True))
    if config.targets:
        parts.append(_thread("sync", _sync, core, log, pauses, stopping, arrived, interval))
    log("start", f"zshield run: {len(config.sources)} sources, receive "
        f"{'on ' + config.receive.listen if config.receive else 'off'}, "
        f"{len(config.targets)} targets; database {ctx.database}", pid=os.getpid())
    previous = {sig: signal.signal(sig, lambda *_: stopping.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    who = f"{socket.gethostname()}:{os.getpid()}"
    try:
        with ctx.open_store() as store:
            for part in parts:
                part.start()
            while not stopping.is_set() and any(p.is_alive() for p in parts):
                heartbeat.beat(store.conn, who)   # open TUIs leave the sources to us
                stopping.wait(heartbeat.BEAT)
            heartbeat.stopped(store.conn, who)
    finally:
        stopping.set()
        for stop in stoppers:
            stop()
        for part in parts:
            part.join(timeout=60)
        for sig, old in previous.items():
            signal.signal(sig, old)
    log("stop", "zshield run: stopped; what was read is committed")
    return EXIT_OK


def _thread(name: str, target: Callable[..., None], *args: Any) -> threading.Thread:
    return threading.Thread(target=target, args=args, name=name, daemon=True)


def _follow(ctx: Context, log: Log, stopping: threading.Event,
            arrived: threading.Event) -> None:
    """Follows every [[sources]] entry until stopping; each commit wakes auto-create."""
    from zshield_tui.core.sources import follow_sources

    def committed(batch) -> None:
        stored = sum(len(share.stored) for share in batch.files.values())
        errors = sum(len(share.errors) for share in batch.files.values())
        if stored or errors:
            names = ", ".join(share.file.path for share in batch.files.values())
            log("follow", f"{names}: {stored} stored, {errors} errors", stored=stored,
                errors=errors)
        if stored:
            arrived.set()

    follow_sources(ctx.config, ctx.config_file, ctx.database, stop=stopping.is_set,
                   say=lambda text: log("follow", text), committed=committed)


def _receive(ctx: Context, log: Log, arrived: threading.Event):
    """The [receive] listener, bound now (a port in use fails the start, not later)."""
    from zshield_tui.config import listen_address
    from zshield_tui.intake.receive import create_app
    from zshield_tui.intake.receive_server import bind, build_server
    from zshield_tui.intake.receive_writer import AlertWriter

    from .receive_cmd import receive_token, tls_files

    settings = ctx.config.receive
    token = receive_token(settings)
    host, port = listen_address(settings.listen)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise UsageError(f"[receive] cannot listen on {settings.listen}: "
                         f"{exc.strerror or exc}") from None

    def received(event) -> None:
        log("receive", f"{event.client}: {event.status}, accepted {event.accepted}, "
            f"errors {event.errors}", status=event.status, accepted=event.accepted)
        if event.accepted:
            arrived.set()

    app = create_app(AlertWriter(ctx.database), token,
                     max_body_bytes=settings.max_body_bytes, log=received)
    server = build_server(app, tls=tls_files(ctx, settings))
    server.sock = sock
    return server


class Pauses:
    """Logs staging pauses when they change: `staging jira-sec: auto-create paused: ...`
    once, and once more when it runs again."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.seen: dict[str, str] = {}

    def __call__(self, paused: dict[str, str]) -> None:
        for name, why in sorted(paused.items()):
            if self.seen.get(name) != why:
                self.log("staging", f"{name}: auto-create paused: {why}", target=name,
                         paused=True)
        for name in sorted(set(self.seen) - set(paused)):
            self.log("staging", f"{name}: auto-create no longer paused", target=name,
                     paused=False)
        self.seen = dict(paused)


def _sync(core, log: Log, pauses: Pauses, stopping: threading.Event,
          arrived: threading.Event, interval: float) -> None:
    """Auto-create a moment after alerts arrive; a full pass every `interval` s."""
    due = time.monotonic()
    while not stopping.is_set():
        if arrived.wait(timeout=max(0.0, min(1.0, due - time.monotonic()))):
            stopping.wait(ARRIVAL_DELAY)
            arrived.clear()
            _guarded(log, lambda: _arrivals(core, log, pauses))
        if time.monotonic() >= due and not stopping.is_set():
            _guarded(log, lambda: _full_pass(core, log, pauses))
            due = time.monotonic() + interval


def _guarded(log: Log, work: Callable[[], None]) -> None:
    """A failed pass is one log line; the daemon goes on and tries again."""
    from zshield_tui.config import ConfigError
    from zshield_tui.store.db import StoreError

    try:
        work()
    except (ConfigError, StoreError, OSError) as exc:
        log("error", f"sync: {exc}; tried again next pass")
    except Exception as exc:  # noqa: BLE001 - the daemon must outlive one bad pass
        log("error", f"sync: {type(exc).__name__}: {exc}; tried again next pass")


def _arrivals(core, log: Log, pauses: Pauses) -> None:
    created, sent = core.create_arrivals()
    pauses(created.paused)
    if created.queued or created.failed:
        log("auto-create", created.line(paused=False), queued=dict(created.queued),
            sent=sent.done)
    for reason in sent.stopped.values():
        log("target", f"{reason}; its changes stay queued")


def _full_pass(core, log: Log, pauses: Pauses) -> None:
    result = core.sync_once()
    report, automation = result.sent.report, result.automation
    pauses(automation.created.paused)
    if automation.created.queued or automation.created.failed:
        log("auto-create", automation.created.line(paused=False),
            queued=dict(automation.created.queued))
    for d in automation.escalated:
        log("escalate", f"{d.target} {d.key} ({d.alert_id}): {d.reason}", target=d.target,
            key=d.key, alert_id=d.alert_id)
    for reason in result.sent.stopped.values():
        log("target", f"{reason}; its changes stay queued")
    for name, p in result.polled.items():
        if p.error:
            log("target", f"{p.error}; {name} is polled again next pass")
    if report.results or any(p.states or p.notes for p in result.polled.values()):
        log("sync", f"sent {report.done}, failed {len(report.failed)}, still queued "
            f"{len(result.sent.still_queued)}", sent=report.done, failed=len(report.failed),
            polled={n: {"states": p.states, "notes": p.notes}
                    for n, p in result.polled.items()})

