"""The Jinja2 environment every mapping renders in: sandboxed, strict, and cheap to reuse.

Templates are untrusted (a mapping file is edited by hand and may be shared), so they run
in Jinja's sandbox: no dunder attributes, no unsafe calls, bounded ranges, and here also
bounded string repetition and powers, which the stock sandbox lets run until memory or
time runs out.
"""

from __future__ import annotations

import json
import operator
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import missing

from .filters import FilterTables, filter_tables, make_filters

MAX_OUTPUT = 100_000  # characters one * may build; far beyond any ticket field
MAX_EXPONENT = 1_000


class NamedUndefined(StrictUndefined):
    """Strict undefined whose message names the variable as the template wrote it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        name = self._undefined_name
        if self._undefined_hint:
            return self._undefined_hint
        if owner is missing:
            return f"{name!r} is undefined"
        if type(owner).__name__ == "Alert":
            return f"alert.{name} is undefined: the alert has no field {name!r}"
        if isinstance(owner, dict):
            return f"{name!r} is undefined: no such key"
        return f"{name!r} is undefined: {type(owner).__name__} has no attribute {name!r}"


class MappingEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.compiled: dict[str, Template] = {}

    # The first undefined or unsafe step is the one to report: `cycler.__init__` is about
    # `cycler` being undefined, not about `__init__` of the undefined object.
    def getattr(self, obj: Any, attribute: str) -> Any:
        return obj if isinstance(obj, Undefined) else super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return obj if isinstance(obj, Undefined) else super().getitem(obj, argument)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent {right} is too large")
            return operator.pow(left, right)
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                    and len(seq) * times > MAX_OUTPUT:
                raise SecurityError(f"repeating a text {times} times is too long")
        return operator.mul(left, right)


def build_environment(tables: FilterTables | None = None) -> MappingEnvironment:
    """A fresh environment with the mapping filters and none of Jinja's helper globals:
    `cycler`, `joiner`, `lipsum` and friends have no use in a ticket field."""
    env = MappingEnvironment(
        undefined=NamedUndefined, autoescape=False, keep_trailing_newline=True,
        # None shows as nothing: "MITRE ATT&CK: " reads better than "MITRE ATT&CK: None".
        finalize=_finalize, auto_reload=False,
    )
    env.globals.clear()
    env.filters.update(make_filters(tables))
    return env


def _finalize(value: Any) -> Any:
    return "" if value is None else value


@lru_cache(maxsize=1)
def default_environment() -> MappingEnvironment:
    """The shared environment with the default filter tables."""
    return build_environment()


def environment_for(overrides: dict[str, Any] | None) -> MappingEnvironment:
    """The environment for the config's filter-table overrides (`[mapping.filters]`);
    shared per distinct overrides so compiled templates are reused. Raises FilterError."""
    if not overrides:
        return default_environment()
    return _environment_for(json.dumps(overrides, sort_keys=True))


@lru_cache(maxsize=8)
def _environment_for(overrides_json: str) -> MappingEnvironment:
    return build_environment(filter_tables(json.loads(overrides_json)))


def compile_template(env: MappingEnvironment, source: str) -> Template:
    """Compiles once per environment: a mapping renders thousands of times, and
    `from_string` alone would parse every time. Syntax errors propagate."""
    cache = env.compiled
    template = cache.get(source)
    if template is None:
        if len(cache) > 2000:  # an editing session compiles a template per keystroke
            cache.clear()
        template = cache[source] = env.from_string(source)
    return template
