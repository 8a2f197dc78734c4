"""Counting words the way people read them: `1 alert`, `3 alerts`, `2 children`."""

from __future__ import annotations


def counted(n: int, word: str, plural: str | None = None) -> str:
    """`n word` with the plural form when n is not 1 (`word + "s"` unless given)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def duration(seconds: float) -> str:
    """`4d 23h`, `2h 10m`, `45m`, `under 1m`: the two largest units, as people say it."""
    minutes = int(abs(seconds)) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "under 1m"
