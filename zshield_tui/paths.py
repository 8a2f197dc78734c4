"""Where zshield keeps its files (platformdirs), and the database location.

Kept free of pydantic so the TUI can find its database and theme before the first paint;
the full config is validated afterwards (config.py).
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import platformdirs

APP = "zshield"
MAX_TEXT_FILE = 1 << 20  # config.toml and mapping files: 1 MiB is far beyond either


class TextFileError(Exception):
    """A config or mapping file that is not read; the message names the file."""


def read_text_file(path: Path, limit: int = MAX_TEXT_FILE) -> str:
    """The UTF-8 text of a regular file (symlinks followed) of at most `limit` bytes.

    Opened without blocking and checked before any read: `/dev/zero`, a FIFO or a
    directory named as a config or mapping must be one clear error, not a read that
    never ends. Raises FileNotFoundError when absent, TextFileError otherwise.
    """
    data = read_file_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_file_bytes(path: Path, limit: int = MAX_TEXT_FILE) -> bytes:
    """`read_text_file` before decoding."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise TextFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise TextFileError(f"{path}: not a regular file ({_kind(mode)}), not read")
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise TextFileError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise TextFileError(f"{path}: over {_size(limit)}, not read")
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit % (1 << 20) == 0 else f"{limit} bytes"


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


def configured_database(config_file: Path) -> tuple[str | None, str | None]:
    """database.url and database.password_env from the config file, without validating the
    rest of it (the TUI validates after its first paint).

    An unreadable or malformed file yields (None, None) here; full validation reports it.
    """
    try:
        data = tomllib.loads(read_text_file(config_file))
    except (OSError, TextFileError, tomllib.TOMLDecodeError):
        return None, None
    database = data.get("database")
    if not isinstance(database, dict):
        return None, None
    url, password_env = database.get("url"), database.get("password_env")
    return (url if isinstance(url, str) else None,
            password_env if isinstance(password_env, str) else None)
