"""The configured `[[sources]]`, followed: by `zshield run`, or by an open TUI while no
daemon is alive on the database (so a lone analyst's logs still come in)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from zshield_tui.store import Store
from zshield_tui.store import daemon as heartbeat

if TYPE_CHECKING:
    from zshield_tui.config import Config
    from zshield_tui.intake.batch import Batch


def daemon_reading(database: Path) -> str | None:
    """`host:pid` of a `zshield run` alive on this database, or None."""
    with Store(database) as store:
        return heartbeat.alive(store.conn)


def follow_sources(config: Config, config_file: Path, database: Path, *,
                   stop: Callable[[], bool], say: Callable[[str], None],
                   committed: Callable[[Batch], None]) -> None:
    """Follows every [[sources]] entry (relative paths against the config file's folder)
    until `stop()`; each commit of alerts with their checkpoints calls `committed`."""
    from zshield_tui.intake.follow import Follower
    from zshield_tui.intake.pump import Pump
    from zshield_tui.store.checkpoints import load_checkpoints

    with Store(database) as store:
        follower = Follower([], "auto", load_checkpoints(store.conn), say)
        for source in config.sources:
            path = Path(source.follow)
            follower.add(str(path if path.is_absolute() else config_file.parent / path),
                         source.format)
        try:
            Pump(store.conn, follower, committed).run(stop=stop)
        finally:
            follower.close()
