"""The Jinja2 environment every mapping renders in: sandboxed, strict, bounded, and cheap
to reuse.

Templates are untrusted (a mapping file is edited by hand and may be shared), so they run
in Jinja's sandbox: no dunder attributes, no unsafe calls, no changing the lists and tables
they are given, and here also within a time and output budget per field (budget.py): the
deadline is checked on every call, attribute, operator and loop iteration, and what could
multiply sizes (`~`, `+`, `*`, `%`, `center`, `join`, ...) is sized before it is built.
"""

from __future__ import annotations

import json
import types
from functools import lru_cache, update_wrapper
from itertools import islice
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined, nodes, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from markupsafe import Markup
from pydantic import BaseModel

from . import guards
from .budget import (
    DEFAULT_LIMITS,
    RenderLimits,
    TemplateTooLarge,
    active,
    budget_scope,
    current,
    enter,
    leave,
    tick,
)
from .filters import FilterTables, filter_tables, make_filters
from .formatting import BoundedEscapeFormatter, BoundedFormatter

# The pydantic API every model has (`model_dump_json(indent=...)`, `model_copy`, ...):
# a template reads an alert's fields, it does not call its methods.
_MODEL_API = frozenset(dir(BaseModel))
_TEXT_TYPES = (str, bytes, bytearray, int)
_MUTATING = {
    dict: frozenset({"clear", "pop", "popitem", "setdefault", "update"}),
    list: frozenset({"append", "clear", "pop", "reverse", "insert", "sort", "extend",
                     "remove"}),
}
_LOOP_FILTER = "zshield_loop"
MAX_TEMPLATE_CHARS = 100_000
MAX_TEMPLATE_NODES = 2_000


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


@lru_cache(maxsize=64)
def _fields_of(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields)


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles templates so that output buffers count what they collect, `~` sizes its
    result first, and every `{% for %}` checks the deadline on each iteration."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in list(node.find_all(nodes.For)):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None,
                                     lineno=loop.iter.lineno)
        super().visit_Template(node, frame)

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedTemplate(Template):
    """Rendered outside `render_draft`, a template still gets the default budget."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        if active():
            return super().render(*args, **kwargs)
        with budget_scope():
            return super().render(*args, **kwargs)


class MappingEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _BoundedCodeGenerator
    template_class = BoundedTemplate
    output_buffer = guards.OutputBuffer
    join_text = staticmethod(guards.join_text)

    def __init__(self, **options: Any) -> None:
        # No folding of constants at compile time: it would run filters and `~` outside
        # any budget, while the template is compiled.
        super().__init__(optimized=False, **options)
        self.compiled: dict[str, Template] = {}
        self.concat = guards.bounded_concat  # type: ignore[method-assign]

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Exact types first: the stock check tests the collection ABCs on every read.
        if isinstance(obj, BaseModel):
            if attr in _fields_of(type(obj)):
                return True
            if attr in _MODEL_API:
                return False
        elif (mutating := _MUTATING.get(type(obj))) is not None:
            return attr not in mutating and not attr.startswith("_")
        return super().is_safe_attribute(obj, attr, value)

    # The first undefined or unsafe step is the one to report: `cycler.__init__` is about
    # `cycler` being undefined, not about `__init__` of the undefined object.
    def getattr(self, obj: Any, attribute: str) -> Any:
        tick()
        return obj if isinstance(obj, Undefined) else super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        tick()
        return obj if isinstance(obj, Undefined) else super().getitem(obj, argument)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        budget = current()
        budget.check_time()
        return guards.checked_binop(budget, operator_, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        budget = current()
        budget.check_time()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, _TEXT_TYPES) and isinstance(__obj, types.BuiltinMethodType):
            if __obj.__name__ == "join" and not isinstance(owner, int):
                if kwargs or len(args) != 1:
                    raise TypeError("join() takes exactly one argument")
                return guards.join_text(args[0], owner, convert=False)
            guards.check_text_method(budget, owner, __obj.__name__, args, kwargs)
            return budget.took(super().call(__context, __obj, *args, **kwargs))
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (guards.guard_loop(args[0]), *args[1:])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        """`str.format` and `format_map` through a formatter that keeps to the budget."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) \
                or value.__name__ not in ("format", "format_map") \
                or not isinstance(value.__self__, str):
            return None
        template: str = value.__self__
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            budget = current()
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                args, kwargs = (), args[0]
            formatter = BoundedEscapeFormatter(self, budget, template.escape) \
                if isinstance(template, Markup) else BoundedFormatter(self, budget)
            result = type(template)(formatter.vformat(template, args, kwargs))
            budget.spend(len(result))
            return result

        return update_wrapper(wrapper, value)


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
    env.filters.update(guards.BOUNDED_FILTERS)
    env.filters = {name: guards.guard_filter(f) for name, f in env.filters.items()}
    env.filters[_LOOP_FILTER] = guards.guard_loop
    return env


# Taking the eval context also keeps Jinja from finalizing constants at compile time.
@pass_eval_context
def _finalize(eval_ctx: Any, value: Any) -> Any:
    if type(value) is str:
        return value
    if value is None:
        return ""
    return value if isinstance(value, str) else guards.text(value, current())


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


def render_template(template: Template, context: dict[str, Any],
                    limits: RenderLimits = DEFAULT_LIMITS) -> str:
    """Renders `template` within a new budget of `limits`; raises BudgetExceeded."""
    token = enter(limits)
    try:
        return guards.bounded_concat(template.root_render_func(template.new_context(context)))
    finally:
        leave(token)


def compile_template(env: MappingEnvironment, source: str) -> Template:
    """Compiles once per environment: a mapping renders thousands of times, and
    `from_string` alone would parse every time. Syntax errors propagate, and so does
    TemplateTooLarge: compiling costs about 7 kB and 30 µs per expression, outside any
    deadline, so a template of a hundred thousand of them is refused, not compiled."""
    cache = env.compiled
    template = cache.get(source)
    if template is None:
        if len(source) > MAX_TEMPLATE_CHARS:
            raise TemplateTooLarge(f"template over {MAX_TEMPLATE_CHARS} characters")
        tree = env.parse(source)
        if any(True for _ in islice(tree.find_all(nodes.Node), MAX_TEMPLATE_NODES, None)):
            raise TemplateTooLarge(f"template over {MAX_TEMPLATE_NODES} expressions")
        if len(cache) > 2000:  # an editing session compiles a template per keystroke
            cache.clear()
        template = cache[source] = env.from_string(tree)
    return template
