"""Where zshield keeps its files (platformdirs), and the database location.

Kept free of pydantic so the TUI can find its database and theme before the first paint;
the full config is validated afterwards (config.py).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

APP = "zshield"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))


def config_path(override: str | None = None) -> Path:
    """`--config`, else $ZSHIELD_CONFIG, else config.toml in the user config dir."""
    chosen = override or os.environ.get("ZSHIELD_CONFIG")
    return Path(chosen).expanduser() if chosen else config_dir() / "config.toml"


def database_url(configured: str | None, override: str | None = None) -> str:
    """`--db`, else $ZSHIELD_DB, else the config's database.url, else the data-dir default."""
    return (override or os.environ.get("ZSHIELD_DB") or configured
            or str(data_dir() / "zshield.db"))


def configured_database_url(config_file: Path) -> str | None:
    """database.url from the config file without validating the rest of it.

    An unreadable or malformed file yields None here; full validation reports it.
    """
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    database = data.get("database")
    url = database.get("url") if isinstance(database, dict) else None
    return url if isinstance(url, str) else None
