"""Following files, globs and stdin as they grow, like `tail -F`.

Each name given (or matched by a glob, re-evaluated every RESCAN seconds) is a slot; the
file at a name is held open by descriptor. When the name comes to point at another file
(rotation by rename, or deletion and a new file), the old file is read to its end first,
until it has been quiet for QUIET seconds, and only then the new one, from its start.
A file that shrinks (copy-truncate) or whose first line changed is read again from its
start. A name that does not exist yet is waited for.

On start, a checkpoint applies to the file of the same device and inode with the same
first line; a checkpointed file that rotated away while nothing was running is looked
for beside its old name and finished first.
"""

from __future__ import annotations

import glob
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from zshield_tui.store.checkpoints import Checkpoint, FileId

from .records import Item
from .stdin import StdinTail
from .tail import TailedFile, Truncated

POLL = 0.1     # seconds between two looks at files that had nothing new
RESCAN = 1.0   # seconds between two evaluations of the globs
QUIET = 0.5    # a file rotated away is finished once it has not grown for this long

Followed = TailedFile | StdinTail


@dataclass
class Piece:
    """What one read of one file gave: its new records, parsed as they are iterated
    (maybe none: blank lines still move the offset)."""

    file: Followed
    items: Iterator[Item]


@dataclass
class _Slot:
    """A followed name: the file there now, and older files that were there, still being
    read to their end."""

    path: str
    from_glob: bool
    format: str | None    # given for this name; None: detected per file
    current: TailedFile | None = None
    old: list[TailedFile] = field(default_factory=list)
    noted: str = ""   # the last thing said about a missing or odd name, not to repeat it


class Follower:
    """Reads every followed file a little at a time; `read()` never blocks."""

    def __init__(self, paths: Iterable[str], fmt: str, known: dict[FileId, Checkpoint],
                 say: Callable[[str], None], clock: Callable[[], float] = time.monotonic):
        """Follows `paths` (files, globs, "-") in format `fmt` ("auto": detected per
        file); `add` follows more, each in a format of its own ([[sources]] entries)."""
        self.known = known          # checkpoints by file; kept current by `remember`
        self.finished: list[FileId] = []   # read to their end and followed no more
        self.stdin: StdinTail | None = None
        self._say = say
        self._clock = clock
        self._globs: list[tuple[str, str | None]] = []
        self._slots: dict[str, _Slot] = {}
        self._open: dict[FileId, TailedFile] = {}
        self._next_scan = 0.0
        for path in paths:
            self.add(path, fmt)

    def add(self, path: str, fmt: str = "auto") -> None:
        """Follows one more file, glob or "-" (before `start`)."""
        given = None if fmt == "auto" else fmt
        if path == "-":
            self.stdin = StdinTail(given)
        elif glob.has_magic(path):
            self._globs.append((path, given))
        else:
            self._slots.setdefault(os.path.abspath(path),
                                   _Slot(path, from_glob=False, format=given))

    def start(self) -> None:
        """Opens what is there and finds files that rotated away while stopped."""
        self._scan()
        for slot in self._slots.values():
            self._look(slot, first=True)
        self._find_rotated()

    @property
    def done(self) -> bool:
        """Only stdin was followed and it ended: nothing more can come."""
        return self.stdin is not None and self.stdin.ended and not self._slots \
            and not self._globs

    def read(self) -> tuple[list[Piece], bool]:
        """New records of every file; True when some file has more bytes waiting."""
        now = self._clock()
        if now >= self._next_scan:
            self._scan()
            self._next_scan = now + RESCAN
        pieces: list[Piece] = []
        more = False
        if self.stdin is not None and not self.stdin.ended:
            before = self.stdin.offset
            items, busy = self.stdin.read()
            more |= busy
            if self.stdin.offset != before:
                pieces.append(Piece(self.stdin, items))
        for slot in list(self._slots.values()):
            self._look(slot)
            if slot.old:
                more |= self._read_old(slot, now, pieces)
            elif slot.current is not None:
                more |= self._read(slot.current, pieces)
        return pieces, more

    def remember(self, points: Iterable[Checkpoint], finished: list[FileId]) -> None:
        """Checkpoints just committed (and files just forgotten): a file reopened later
        resumes from them."""
        for point in points:
            self.known[point.file_id] = point
        for file_id in finished:
            self.known.pop(file_id, None)
        del self.finished[:len(finished)]

    def close(self) -> None:
        for tailed in self._open.values():
            tailed.close()
        self._open.clear()

    def _read(self, tailed: TailedFile, pieces: list[Piece]) -> bool:
        before = tailed.offset
        try:
            items, more = tailed.read()
        except Truncated:
            self._say(f"{tailed.path}: truncated or rewritten; reading it again from the start")
            tailed.restart()
            return True
        except OSError as exc:
            self._say(f"{tailed.path}: cannot read: {exc.strerror or exc}")
            return False
        if tailed.offset != before:
            pieces.append(Piece(tailed, items))
        return more

    def _read_old(self, slot: _Slot, now: float, pieces: list[Piece]) -> bool:
        """Reads the oldest file rotated away from the slot's name; the newer ones wait."""
        tailed = slot.old[0]
        before = tailed.offset
        if self._read(tailed, pieces) or tailed.offset != before:
            tailed.idle_since = None
            return True
        if tailed.idle_since is None:
            tailed.idle_since = now
        if now - tailed.idle_since < QUIET:
            return False
        items = tailed.finish()
        if tailed.offset != before:
            pieces.append(Piece(tailed, items))
        slot.old.pop(0)
        self._retire(tailed)
        return True

    def _retire(self, tailed: TailedFile) -> None:
        self._say(f"{tailed.path}: read to its end (line {tailed.line:,}); no longer followed")
        tailed.close()
        self._open.pop(tailed.file_id, None)
        self.finished.append(tailed.file_id)

    def _look(self, slot: _Slot, first: bool = False) -> None:
        """Notices what happened to the slot's name since the last look."""
        try:
            found = os.stat(slot.path)
        except OSError:
            found = None
        current = slot.current
        if current is not None and (found is None or _identity(found) != current.file_id):
            slot.old.append(current)
            slot.current = None
            what = "renamed or replaced" if found is not None else "deleted"
            self._say(f"{slot.path}: {what}; reading the old file to its end first")
            self._scan()   # a glob may name the old file now: then it goes on under that name
        if slot.current is not None or found is None:
            if found is None and first:
                self._note(slot, "not there yet; waiting for it")
            return
        if not stat.S_ISREG(found.st_mode):
            self._note(slot, "not a regular file; waiting for one")
            return
        file_id = _identity(found)
        if (tailed := self._open.get(file_id)) is not None:
            self._adopt(slot, tailed)
            return
        tailed = TailedFile.open(slot.path, slot.format, self.known.get(file_id))
        if tailed is None:
            return
        slot.noted = ""
        slot.current = self._open[tailed.file_id] = tailed
        if tailed.offset:
            self._say(f"{slot.path}: resuming at line {tailed.line + 1:,}")
        elif not first:
            self._say(f"{slot.path}: appeared; reading it from the start")

    def _adopt(self, slot: _Slot, tailed: TailedFile) -> None:
        """A glob names a file already open (rotated away from another followed name):
        it goes on under this name, never read twice."""
        for other in self._slots.values():
            if tailed in other.old:
                other.old.remove(tailed)
                self._say(f"{slot.path}: was {tailed.path}; followed on under this name")
                tailed.path = slot.path
                slot.current = tailed
                return

    def _note(self, slot: _Slot, text: str) -> None:
        if slot.noted != text:
            slot.noted = text
            self._say(f"{slot.path}: {text}")

    def _scan(self) -> None:
        for pattern, fmt in self._globs:
            for path in sorted(glob.glob(pattern)):
                self._slots.setdefault(os.path.abspath(path),
                                       _Slot(path, from_glob=True, format=fmt))
        for key, slot in list(self._slots.items()):
            if (slot.from_glob and slot.current is None and not slot.old
                    and not os.path.exists(slot.path)):
                del self._slots[key]

    def _find_rotated(self) -> None:
        """Checkpointed files of our names that are no longer at them: rotated away
        while stopped (finished first, from beside the old name) or gone."""
        for point in list(self.known.values()):
            if point.file_id in self._open:
                continue
            name = point.path
            slot = self._slots.get(name) or self._glob_slot(name)
            if slot is None:
                continue   # another command's file
            found = _beside(name, point, slot.format)
            if found is None:
                self._say(f"{name}: the file read up to line {point.line:,} is gone; "
                          "its unread end, if any, is lost")
                self.finished.append(point.file_id)
                continue
            slot = self._slots.setdefault(name, slot)
            slot.old.append(found)
            self._open[found.file_id] = found
            self._say(f"{name}: rotated to {found.path} while stopped; reading it from "
                      f"line {found.line + 1:,} first")

    def _glob_slot(self, name: str) -> _Slot | None:
        """A slot for a name one of the globs matches (the file there is gone)."""
        for pattern, fmt in self._globs:
            if fnmatchcase(name, os.path.abspath(pattern)):
                return _Slot(name, from_glob=True, format=fmt)
        return None


def _beside(name: str, point: Checkpoint, fmt: str | None) -> TailedFile | None:
    """The checkpointed file, looked for in the folder of its old name (rotation by
    rename keeps it there: eve.json.1)."""
    folder = os.path.dirname(name) or "."
    try:
        entries = os.scandir(folder)
    except OSError:
        return None
    with entries:
        for entry in entries:
            try:
                if _identity(entry.stat()) != point.file_id:
                    continue
            except OSError:
                continue
            tailed = TailedFile.open(entry.path, fmt, point)
            if tailed is not None and tailed.offset == point.offset:
                return tailed
            if tailed is not None:
                tailed.close()
    return None


def _identity(found: os.stat_result) -> FileId:
    return found.st_dev, found.st_ino
