"""Bounded versions of what lets a template multiply sizes: filters and text methods with
a width or a count (`center`, `indent`, `replace`, `join`, `format`, `batch`, ...) and
the operators (`%` and `str.format` are sized in formatting.py). Each works out the size
of its result from its arguments and refuses before building anything over the budget;
everything else is checked after (see `guard_filter`), which is safe because it grows at
most a few times its input.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from itertools import islice
from typing import Any

from jinja2 import pass_environment, pass_eval_context
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.sandbox import SecurityError
from markupsafe import soft_str

from .budget import Budget, current, weight
from .formatting import percent_size

MAX_INT_BITS = 1 << 15  # about 9,900 digits; Python prints at most 4,300
MAX_JSON_INDENT = 16


def guard_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` as a filter that keeps to the budget: the deadline checked, a non-text
    argument over the budget refused before it is turned into text, the result checked
    and counted. Keeps Jinja's `pass_*` marker."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.check_time()
        for value in islice(args, skip, None):
            if not isinstance(value, str):
                budget.check_value(value)
        for value in kwargs.values():
            if not isinstance(value, str):
                budget.check_value(value)
        return budget.took(func(*args, **kwargs))

    return bounded


def text(value: Any, budget: Budget) -> str:
    """`value` as text, refused first when it would be over the budget."""
    if isinstance(value, str):
        return value
    budget.check_value(value)
    return str(value)


def join_text(values: Iterable[Any], separator: Any = "", *, convert: bool = True) -> Any:
    """`separator.join(values)` stopping once past the budget, each value made text first
    when `convert` (the `~` operator and the `join` filter; not `str.join`)."""
    budget = current()
    check_time, max_output = budget.check_time, budget.max_output
    empty = separator[:0]
    step = len(separator)
    parts = []
    total = -step
    for value in values:
        check_time()
        if not isinstance(value, str | bytes):
            if not convert:
                raise TypeError(f"sequence item {len(parts)}: expected "
                                f"{type(separator).__name__}, {type(value).__name__} found")
            value = text(value, budget)
        total += len(value) + step
        if total > max_output:
            budget.check_size(total)
        parts.append(value)
    result = separator.join(parts) if parts else empty
    budget.spend(len(result))
    return result


def bounded_concat(pieces: Iterable[str]) -> str:
    """The environment's `concat`: what a template, a block or a macro outputs."""
    budget = current()
    if not isinstance(pieces, list):
        pieces = _collect(pieces, budget)
    size = sum(map(len, pieces))
    budget.check_size(size)
    return "".join(pieces)


def _collect(pieces: Iterable[str], budget: Budget) -> list[str]:
    # In chunks: a template yields a handful of pieces, and a loop in C is what keeps
    # the common case as fast as "".join.
    items = iter(pieces)
    collected = list(islice(items, 256))
    total = sum(map(len, collected))
    budget.check_size(total)
    if len(collected) < 256:
        return collected
    while chunk := list(islice(items, 256)):
        total += sum(map(len, chunk))
        budget.check_size(total)
        collected += chunk
    return collected


class OutputBuffer(list):
    """The buffer a block, macro or loop collects its output in, counted as it grows."""

    __slots__ = ("_budget",)

    def __init__(self) -> None:
        super().__init__()
        self._budget = current()

    def append(self, piece: str) -> None:
        self._budget.spend(len(piece))
        list.append(self, piece)

    def extend(self, pieces: Iterable[str]) -> None:
        pieces = tuple(pieces)
        self._budget.spend(sum(map(len, pieces)))
        list.extend(self, pieces)


def guard_loop(items: Any) -> Any:
    """A `{% for %}` iterable, checked against the deadline on every iteration."""
    check_time = current().check_time
    for item in items:
        check_time()
        yield item


# -- operators ------------------------------------------------------------------------

def checked_binop(budget: Budget, operator_: str, left: Any, right: Any) -> Any:
    """`+`, `*`, `**` and `%` with the size of the result checked before it is built."""
    if operator_ == "+":
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            budget.check_size(len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            budget.check_size(weight(left, budget.max_output)
                              + weight(right, budget.max_output))
        return budget.took(left + right) if isinstance(left, str | list | tuple) \
            else left + right
    if operator_ == "*":
        if type(left) is int and type(right) is int:
            _check_bits(left.bit_length() + right.bit_length())
            return left * right
        for seq, times in ((left, right), (right, left)):
            if isinstance(times, int) and not isinstance(seq, int | float):
                budget.check_size(weight(seq, budget.max_output) * max(times, 0))
                return budget.took(left * right)
        return left * right
    if operator_ == "**":
        if isinstance(right, int | float) and abs(right) > 1000:
            raise SecurityError(f"exponent {right} is too large")
        if type(left) is int and type(right) is int and right > 0:
            _check_bits(left.bit_length() * right)
        return left**right
    if operator_ == "%" and isinstance(left, str | bytes):
        if isinstance(left, bytes):
            raise SecurityError("% formatting of bytes is not supported")
        budget.check_size(percent_size(left, right, budget))
        return budget.took(left % right)
    return left % right


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError(f"a number of over {MAX_INT_BITS} bits is too large")


# -- text methods reached through a call --------------------------------------------------

def check_text_method(budget: Budget, owner: Any, name: str, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> None:
    """Refuses a str or bytes method call whose result would be over the budget."""
    if name in {"center", "ljust", "rjust", "zfill"}:
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            budget.check_size(width)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            tab = "\t" if isinstance(owner, str) else b"\t"
            budget.check_size(len(owner) + owner.count(tab) * max(size, 0))
    elif name == "replace" and len(args) >= 2:
        budget.check_size(_replaced_size(owner, args[0], args[1],
                                         args[2] if len(args) > 2 else kwargs.get("count", -1)))
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        budget.check_size(len(owner) * max(longest, 1))
    elif name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        if isinstance(length, int):
            budget.check_size(length)


def _replaced_size(value: Any, old: Any, new: Any, count: Any) -> int:
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return len(value)
    found = len(value) + 1 if not old else value.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(value) + found * (len(new) - len(old))


# -- filters that multiply ----------------------------------------------------------------

def _center(value: Any, width: int = 80) -> str:
    budget = current()
    budget.check_size(width if isinstance(width, int) else 0)
    return FILTERS["center"](value, width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    budget = current()
    value = text(value, budget)
    step = len(width) if isinstance(width, str) else max(int(width), 0)
    lines = len((value + "\n").splitlines()) + 1
    budget.check_size(len(value) + lines * (step + 1))
    return FILTERS["indent"](value, width, first, blank)


@pass_eval_context
def _replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: int | None = None) -> str:
    budget = current()
    value = text(value, budget)
    budget.check_size(_replaced_size(value, soft_str(old), soft_str(new),
                                     -1 if count is None else count))
    return FILTERS["replace"](eval_ctx, value, old, new, count)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    budget = current()
    value = text(value, budget)
    budget.check_size(percent_size(value, kwargs or args, budget))
    return FILTERS["format"](value, *args, **kwargs)


@pass_environment
def _wordwrap(environment: Any, value: Any, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    budget = current()
    value = text(value, budget)
    wrapstring = environment.newline_sequence if wrapstring is None else wrapstring
    paragraphs = [textwrap.wrap(line, width=width, expand_tabs=False,
                                replace_whitespace=False, break_long_words=break_long_words,
                                break_on_hyphens=break_on_hyphens)
                  for line in value.splitlines()]
    joins = sum(max(len(p) - 1, 0) for p in paragraphs) + max(len(paragraphs) - 1, 0)
    budget.check_size(sum(len(line) for p in paragraphs for line in p)
                      + joins * len(wrapstring))
    return wrapstring.join(wrapstring.join(p) for p in paragraphs)


@pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    return join_text(value, str(d))


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    budget = current()
    budget.check_size(int(linecount) * (weight(fill_with, budget.max_output) + 8))
    return FILTERS["batch"](value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    budget = current()
    budget.check_size(int(slices) * (weight(fill_with, budget.max_output) + 8))
    seq = list(budget.guard(value))
    length = len(seq)
    per_slice, with_extra = divmod(length, int(slices))
    offset = 0
    for number in range(int(slices)):
        budget.check_time()
        start = offset + number * per_slice
        if number < with_extra:
            offset += 1
        end = offset + (number + 1) * per_slice
        part = seq[start:end]
        if fill_with is not None and number >= with_extra:
            part.append(fill_with)
        yield part


@pass_environment
def _sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    budget = current()
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    total = start
    for item in iterable:
        budget.check_time()
        total = checked_binop(budget, "+", total, item)
    return total


@pass_eval_context
def _tojson(eval_ctx: Any, value: Any, indent: int | None = None) -> Any:
    if isinstance(indent, int) and indent > MAX_JSON_INDENT:
        raise SecurityError(f"tojson: an indent over {MAX_JSON_INDENT} is not supported")
    return FILTERS["tojson"](eval_ctx, value, indent)


BOUNDED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center, "indent": _indent, "replace": _replace, "format": _format,
    "wordwrap": _wordwrap, "join": _join, "batch": _batch, "slice": _slice, "sum": _sum,
    "tojson": _tojson,
}
