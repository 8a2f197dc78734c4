"""The TUI's door to the sync engine, for thread workers.

Each call opens its own Store and runs its own event loop, so network work never runs on
Textual's loop and a slow remote never freezes the screen. Secrets come from the process
environment (the demo sets them there for its own simulators).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zshield_tui.store import Store


@dataclass(frozen=True)
class TargetStatus:
    name: str
    pending: int
    failed: int
    last_error: str | None


class SyncBridge:
    """Sync calls for one database and config file."""

    def __init__(self, db_path: Path, config_file: Path) -> None:
        self.db_path = db_path
        self.config_file = config_file

    def _engine(self, store: Store, **kwargs: Any):
        from zshield_tui.config import load_config
        from zshield_tui.sync.engine import SyncEngine

        return SyncEngine(store, load_config(self.config_file), self.config_file, **kwargs)

    def target_names(self) -> list[str]:
        """Configured targets; an unreadable config counts as none (the app says why)."""
        from zshield_tui.config import ConfigError, load_config

        try:
            return [t.name for t in load_config(self.config_file).targets]
        except ConfigError:
            return []

    def push(self, alert_ids: Sequence[str], target: str,
             progress: Callable[[Any], None] | None = None):
        """Plans, queues and sends; returns (plan, report)."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=5.0)
            return asyncio.run(engine.push(alert_ids, target, progress=progress))

    def comment(self, alert_id: str, text: str) -> tuple[list[str], int]:
        """Adds the note, sends it; returns (targets, ops still queued)."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=3.0)
            targets = engine.queue_comment(alert_id, text)
            if targets:
                asyncio.run(engine.drain(targets))
            return targets, len(engine.pending())

    def close(self, alert_id: str, children: bool,
              progress: Callable[[Any], None] | None = None) -> tuple[list[str], Any]:
        """Resolves the alert (and children) and moves their tickets."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=5.0)
            changed = engine.queue_state(alert_id, "resolved", children=children)
            return changed, asyncio.run(engine.drain(progress=progress))

    def sync_once(self) -> None:
        """One background pass: send what is due, poll every target."""
        with Store(self.db_path) as store:
            engine = self._engine(store, settle=0.0)
            if engine.targets:
                asyncio.run(engine.sync_once())

    def status(self) -> list[TargetStatus]:
        """Per configured target: pending and failed ops, and the newest error."""
        from zshield_tui.store.syncrepo import target_counts

        names = self.target_names()
        with Store(self.db_path) as store:
            counts = target_counts(store.conn)
        return [TargetStatus(n, c.pending, c.failed, c.last_error) if (c := counts.get(n))
                else TargetStatus(n, 0, 0, None) for n in names]

    def outbox(self) -> list[Any]:
        """Unfinished ops, oldest first."""
        from zshield_tui.store.syncrepo import list_ops

        with Store(self.db_path) as store:
            return list_ops(store.conn)

    def retry(self, op_id: int) -> bool:
        from zshield_tui.store.syncrepo import retry

        with Store(self.db_path) as store:
            return retry(store.conn, op_id)

    def cancel(self, op_id: int) -> bool:
        from zshield_tui.store.syncrepo import cancel

        with Store(self.db_path) as store:
            return cancel(store.conn, op_id)
