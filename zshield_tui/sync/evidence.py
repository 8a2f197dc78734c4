"""Evidence confinement (DESIGN §4): which evidence files may leave this machine, and
reading them with a bound.

Evidence paths come from alert records, which attackers write. A file is sent only when,
after `..` and symlinks are resolved, it is a regular file inside the folder of the alert
file that named it (its `origin`, recorded by the reader, never by the record) or under
a configured `[evidence] roots` folder, and no larger than the target takes. Anything
else is refused by name before it is opened; what is opened is opened without following
a last symlink and without blocking (a FIFO), checked again as opened, and read no
further than the limit plus one byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from zshield_tui.config import Config
from zshield_tui.ingest.source import file_kind

_CHUNK = 1 << 20
_OPEN_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0))


class EvidenceRefused(Exception):
    """An evidence file that is not sent; str() names it and says why, on one line."""


def evidence_roots(config: Config, config_file: Path) -> tuple[str, ...]:
    """The configured roots as absolute folders, relative ones against the config file's
    folder. `~` is a folder name like any other: an alert must not reach a home folder by
    naming it, and neither does a config."""
    base = config_file.parent
    return tuple(os.path.abspath(base / root) for root in config.evidence.roots)


def check_evidence(name: str, path: str, origin: str | None, roots: Iterable[str]) -> str:
    """The resolved path of an evidence file that may be sent; EvidenceRefused otherwise.

    Looks at the file without opening it: `origin` is the folder of the alert file that
    named it (None: only the roots vouch for it)."""
    real = _resolved(path)
    folders = [_resolved(f) for f in ([origin] if origin else []) + list(roots)]
    if real is None or not any(_inside(real, f) for f in folders if f):
        shown = path if real in (None, path) else f"{path} (resolves to {real})"
        raise EvidenceRefused(f"evidence {name}: {shown} is outside the alert's folder and "
                              "the evidence roots; not sent")
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise EvidenceRefused(f"cannot read evidence file {path}: {exc.strerror or exc}"
                              ) from None
    _require_regular(name, path, mode)
    return real


def read_evidence(name: str, path: str, origin: str | None, roots: Iterable[str], *,
                  limit: int) -> bytes:
    """The bytes of an evidence file that passes `check_evidence` and holds at most
    `limit` bytes; EvidenceRefused otherwise. Never reads more than limit + 1 bytes and
    never blocks: the check runs again on the opened file, which may have changed since
    the alert was ingested or since the check."""
    roots = tuple(roots)
    real = check_evidence(name, path, origin, roots)
    try:
        before = os.stat(real)
        if before.st_size > limit:
            raise _too_large(name, path, before.st_size, limit)
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise EvidenceRefused(f"cannot read evidence file {path}: {exc.strerror or exc}"
                              ) from None
    try:
        opened = os.fstat(fd)
        _require_regular(name, path, opened.st_mode)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino) or \
                not _still_inside(fd, origin, roots):
            raise EvidenceRefused(f"evidence {name}: {path} changed while it was opened; "
                                  "not sent")
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise EvidenceRefused(f"cannot read evidence file {path}: {exc.strerror or exc}"
                              ) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large(name, path, None, limit)
    return data


def _resolved(path: str) -> str | None:
    """The absolute path with `..` and every symlink resolved; None for a relative path,
    which has no meaning here (it would resolve against whatever folder zshield runs in)."""
    if not os.path.isabs(path):
        return None
    return os.path.realpath(path)


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _still_inside(fd: int, origin: str | None, roots: tuple[str, ...]) -> bool:
    """Where the opened file really is (Linux names it in /proc), still inside: a folder
    on the way swapped for a symlink after the check is caught here."""
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return True   # no /proc: the inode comparison stands alone
    folders = [_resolved(f) for f in ([origin] if origin else []) + list(roots)]
    return any(_inside(where, f) for f in folders if f)


def _require_regular(name: str, path: str, mode: int) -> None:
    if kind := file_kind(mode):
        raise EvidenceRefused(f"evidence {name}: {path} is {kind}, not a regular file; "
                              "not sent")


def _too_large(name: str, path: str, size: int | None, limit: int) -> EvidenceRefused:
    seen = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return EvidenceRefused(f"evidence {name}: {path} is {seen}, over the attachment limit "
                           f"of {limit} bytes; not sent")


def _read_at_most(fd: int, most: int) -> bytes:
    chunks: list[bytes] = []
    left = most
    while left > 0:
        chunk = os.read(fd, min(_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
