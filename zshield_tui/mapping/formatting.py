"""Sizing printf-style (`%`) and `str.format` formatting before it runs: a width, a
precision or a repeated field can ask for gigabytes from a few characters of template."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter

from .budget import Budget

# One conversion of printf-style formatting, as Python parses it.
_PERCENT = re.compile(r"%(?:\((?P<key>[^()]*)\))?[-#0 +]*(?P<width>\*|\d+)?"
                      r"(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


def percent_size(fmt: str, args: Any, budget: Budget) -> int:
    """An upper bound on the length of `fmt % args`, worked out from widths and the
    arguments' sizes without formatting anything."""
    named = isinstance(args, Mapping)
    values = list(args) if isinstance(args, tuple) else [args]
    index, total = 0, len(fmt)

    def take() -> Any:
        nonlocal index
        index += 1
        return values[index - 1] if index <= len(values) else None

    position = fmt.find("%")
    while position != -1:
        spec = _PERCENT.match(fmt, position)
        if spec is None:
            raise ValueError(f"unsupported format character at index {position + 1}")
        position = fmt.find("%", spec.end())
        kind = spec["type"]
        if kind == "%":
            continue
        width = take() if spec["width"] == "*" else spec["width"]
        precision = take() if spec["precision"] == "*" else spec["precision"]
        width, precision = _number(width), _number(precision)
        for bound in (width, precision):
            if bound is not None:
                budget.check_size(bound)
        key = spec["key"]
        value = args.get(key) if named and key is not None else take()
        total += max(width or 0, _converted_size(value, kind, precision, budget))
        budget.check_size(total)
    return total


def _number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return abs(int(value))
    except (TypeError, ValueError):
        return None


def _converted_size(value: Any, kind: str, precision: int | None, budget: Budget) -> int:
    if kind in "sra":
        if isinstance(value, str):
            size = len(value) * (1 if kind == "s" else 10) + 2
        else:  # repr escapes at most ten characters for one
            size = budget.check_value(value) * 10 + 2
        return min(size, precision) if kind == "s" and precision is not None else size
    digits = value.bit_length() // 3 + 2 if isinstance(value, int) else 320
    return digits + (precision or 0) + 8


# -- str.format -------------------------------------------------------------------------

class _BoundedFormatting:
    """str.format / format_map that refuses a width or an argument over the budget and
    stops once the text it has produced would pass it."""

    _budget: Budget
    _produced: int

    def format_field(self, value: Any, format_spec: str) -> Any:
        budget = self._budget
        for digits in re.findall(r"\d+", format_spec):
            budget.check_size(int(digits) if len(digits) < 10 else budget.max_output + 1)
        if not isinstance(value, str):
            budget.check_value(value)
        result = super().format_field(value, format_spec)  # type: ignore[misc]
        self._produced += len(result)
        budget.check_size(self._produced)
        return result

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None and not isinstance(value, str):
            self._budget.check_value(value)
        return super().convert_field(value, conversion)  # type: ignore[misc]


class BoundedFormatter(_BoundedFormatting, SandboxedFormatter):
    def __init__(self, env: Any, budget: Budget) -> None:
        super().__init__(env)
        self._budget, self._produced = budget, 0


class BoundedEscapeFormatter(_BoundedFormatting, SandboxedEscapeFormatter):
    def __init__(self, env: Any, budget: Budget, escape: Callable[[Any], Any]) -> None:
        super().__init__(env, escape=escape)
        self._budget, self._produced = budget, 0
