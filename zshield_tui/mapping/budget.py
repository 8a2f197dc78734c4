"""The time and output budget of one field's render.

A template is a program written by whoever edits the mapping; nothing in Jinja stops one
from looping for ever or building gigabytes. Each field render runs inside a `Budget`
(held in a context variable, so TUI worker threads each have their own); the environment's
hooks check its deadline as the template runs and check the size of what it is about to
build before building it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, MappingView, Set
from contextvars import ContextVar
from dataclasses import dataclass
from time import monotonic
from typing import Any

from pydantic import BaseModel

# Containers weigh 8 per element (a pointer) on top of what they hold, so a list of a
# million empty strings is not free.
_SLOT = 8
_SEQUENCES = (list, tuple, Set, MappingView, deque)


@dataclass(frozen=True)
class RenderLimits:
    """What one field's template may use."""

    seconds: float = 1.0
    """Wall time for the field (each list item counts as a field)."""
    max_output: int = 1_000_000
    """Characters the field may output, and the most any value it builds may hold."""
    built_factor: int = 16
    """All text and lists the template builds while rendering, as a multiple of
    `max_output`: bounds the memory of many values each under `max_output`."""

    @property
    def max_built(self) -> int:
        return self.max_output * self.built_factor


DEFAULT_LIMITS = RenderLimits()


class BudgetExceeded(Exception):
    """The template ran out of its budget; the message is the field's error."""


class TimeBudgetExceeded(BudgetExceeded):
    pass


class OutputBudgetExceeded(BudgetExceeded):
    pass


class TemplateTooLarge(BudgetExceeded):
    """Refused before compiling: compiling is not interruptible."""


class Budget:
    """The running account of one field's render."""

    __slots__ = ("limits", "deadline", "max_output", "built")

    def __init__(self, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.deadline = monotonic() + limits.seconds
        self.max_output = limits.max_output
        self.built = 0

    def check_time(self) -> None:
        if monotonic() > self.deadline:
            raise TimeBudgetExceeded(f"template took longer than {self.limits.seconds:g} s")

    def check_size(self, size: int) -> None:
        """`size`: what a value about to be built would hold."""
        if size > self.max_output:
            raise OutputBudgetExceeded(f"template output over {_mb(self.max_output)}")

    def check_value(self, value: Any) -> int:
        """Refuses a value too big to turn into text or copy; returns its weight."""
        size = len(value) if type(value) is str else weight(value, self.max_output)
        self.check_size(size)
        return size

    def spend(self, size: int) -> None:
        """Counts `size` more built; refuses past the render's total."""
        self.built += size
        if self.built > self.limits.max_built:
            raise OutputBudgetExceeded(
                f"template built over {_mb(self.limits.max_built)} in all")

    def took(self, result: Any) -> Any:
        """A value the template just built: checked, counted, and an iterator guarded so
        that whatever consumes it keeps to the budget item by item."""
        if isinstance(result, str):
            size = len(result)
        elif isinstance(result, Iterator):
            return self.guard(result)
        else:
            size = weight(result, self.max_output)
        self.check_size(size)
        self.spend(size)
        return result

    def guard(self, items: Any) -> Iterator[Any]:
        """Iterates `items` checking the deadline and counting each item built."""
        check_time, max_output = self.check_time, self.max_output
        for item in items:
            check_time()
            size = len(item) if type(item) is str else weight(item, max_output)
            self.check_size(size)
            self.spend(size)
            yield item


def _mb(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


_current: ContextVar[Budget | None] = ContextVar("zshield_render_budget", default=None)


def current() -> Budget:
    """The budget of the render in progress; outside one (a template rendered by other
    code), a fresh default budget, so sizes are bounded there too."""
    budget = _current.get()
    return budget if budget is not None else Budget()


def active() -> bool:
    return _current.get() is not None


def enter(limits: RenderLimits) -> Any:
    """Starts a budget for what this thread renders next; `leave(token)` ends it. The
    fast form of `budget_scope`, for the render of every field."""
    return _current.set(Budget(limits))


def leave(token: Any) -> None:
    _current.reset(token)


def tick() -> None:
    """The deadline check of the hot paths (every attribute and item a template reads)."""
    budget = _current.get()
    if budget is not None and monotonic() > budget.deadline:
        budget.check_time()


class budget_scope:  # noqa: N801 - used as a context manager, like a function
    """Everything rendered inside shares one new budget. A class, not @contextmanager:
    it is entered for every field of every render."""

    __slots__ = ("budget", "_token")

    def __init__(self, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.budget = Budget(limits)

    def __enter__(self) -> Budget:
        self._token = _current.set(self.budget)
        return self.budget

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._token)


def weight(value: Any, limit: int) -> int:
    """About the characters `value` becomes as text (its length for text, the sum of its
    parts for containers, 8 per element); stops counting once past `limit`, so a list
    that references one big text a million times costs no more to weigh than `limit`."""
    total = 0
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bytes or isinstance(item, str | bytes | bytearray):
            total += len(item)
        elif kind is list or kind is tuple or isinstance(item, _SEQUENCES):
            total += _SLOT * (len(item) + 1)
            if total > limit:
                return total
            push(item)
        elif isinstance(item, Mapping):
            total += _SLOT * (2 * len(item) + 1)
            if total > limit:
                return total
            push(item.keys())
            push(item.values())
        elif kind is int:
            total += _SLOT + item.bit_length() // 3
        elif isinstance(item, BaseModel):
            total += _SLOT
            push(item.__dict__.values())
        else:
            total += _SLOT
        if total > limit:
            return total
    return total
