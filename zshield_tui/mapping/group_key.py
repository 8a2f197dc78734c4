"""A target's `group_by` key for an alert: the template rendered like a mapping field
(sandboxed, strict, within the same time and output budget)."""

from __future__ import annotations

from jinja2 import TemplateSyntaxError

from zshield_tui.domain import Alert

from .budget import BudgetExceeded
from .environment import MappingEnvironment, compile_template, default_environment, render_template

MAX_KEY_CHARS = 1000   # a key longer than this is cut: it is compared, never shown whole


def group_key(source: str, alert: Alert, env: MappingEnvironment | None = None) -> str | None:
    """The alert's key, or None when the template fails for this alert (an undefined
    field, a blocked call, over budget) or renders empty: such an alert is not grouped,
    it gets a ticket of its own, as without `group_by`."""
    env = env or default_environment()
    try:
        template = compile_template(env, source)
        key = render_template(template, {"alert": alert}).strip()
    except Exception:  # noqa: BLE001 - a template must never stop a ticket
        return None
    return key[:MAX_KEY_CHARS] or None


def group_by_errors(source: str, env: MappingEnvironment | None = None) -> list[str]:
    """`group_by: problem` for a template that does not compile; [] when it does."""
    try:
        compile_template(env or default_environment(), source)
    except TemplateSyntaxError as exc:
        return [f"group_by: template syntax error: {exc.message} (line {exc.lineno})"]
    except BudgetExceeded as exc:
        return [f"group_by: {exc}"]
    return []
