"""What every command needs: the config, the database, and where to write."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from zshield_tui.paths import config_path, database_url
from zshield_tui.store import Database, Store, parse_database

if TYPE_CHECKING:
    from zshield_tui.config import Config

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or bad config: the message is printed and zshield exits 2."""


@dataclass
class Context:
    config_override: str | None = None
    db_override: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @cached_property
    def config_file(self) -> Path:
        return config_path(self.config_override)

    @cached_property
    def config(self) -> Config:
        from zshield_tui.config import load_config

        # An explicitly named config must exist; the default one is optional.
        return load_config(self.config_file, required=self.config_override is not None)

    @cached_property
    def database(self) -> Database:
        configured = self.config.database
        return parse_database(database_url(configured.url, self.db_override),
                              password_env=configured.password_env)

    def open_store(self, *, create: bool = True) -> Store:
        return Store(self.database, create=create)

    @property
    def interactive(self) -> bool:
        """Output goes to a person (progress, colour) rather than a pipe (plain lines)."""
        return self.out.isatty()
