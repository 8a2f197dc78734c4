"""A mapping and an alert become a TicketDraft: every string a template, lists item by
item, empty optional fields omitted, and every failure an error on its field.

The draft's payload is the create body in the target's shape, before the two steps that
need the wire format or the network (request.py): Jira `description` is still plain text
(ADF on Cloud is built from it) and `assignee` still the rendered email or user name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from zshield_tui.domain import Alert, TicketDraft

from .budget import DEFAULT_LIMITS, BudgetExceeded, RenderLimits
from .environment import (
    MappingEnvironment,
    compile_template,
    default_environment,
    render_template,
)
from .files import JiraMapping, Mapping
from .filters import FilterError
from .target import TargetSpec

# Jira fields whose value is an object chosen by name.
_BY_NAME = {"priority", "issuetype", "security", "resolution"}
_JINJA_MARKERS = ("{{", "{%", "{#")


def render_draft(alert: Alert, mapping: Mapping, target: TargetSpec,
                 env: MappingEnvironment | None = None, *, limits: RenderLimits | None = None,
                 cancelled: Callable[[], bool] | None = None) -> TicketDraft:
    """Renders `mapping` for `alert`; never raises for anything a template or alert holds.
    Each field (each item of a list field) renders within `limits`; `cancelled` is asked
    between fields, so a caller that gave up waits for one field at most."""
    env = env or default_environment()
    render = _Renderer(env, {"alert": alert}, limits or DEFAULT_LIMITS)
    errors = render.errors
    omitted: list[str] = []
    values: dict[str, Any] = {}
    for name, template in mapping.field_mapping.items():
        if cancelled is not None and cancelled():
            errors.setdefault("(mapping)", []).append("rendering cancelled")
            break
        value = render.value(template, name)
        if name in errors:
            continue
        if value == "" or value == []:
            omitted.append(name)
        else:
            values[name] = value
    if mapping.kind != target.kind:
        errors.setdefault("(mapping)", []).append(
            f"a {mapping.kind} mapping cannot create tickets in {target.kind} "
            f"target {target.name!r}")
    if isinstance(mapping, JiraMapping):
        project = render.value(mapping.project, "project")
        issue_type = render.value(mapping.issue_type, "issuetype")
        fields: dict[str, Any] = {"project": {"key": project}, "issuetype": {"name": issue_type}}
        for name, value in values.items():
            fields[name] = {"name": value} if name in _BY_NAME and isinstance(value, str) \
                else value
        payload: dict[str, Any] = {"fields": fields}
    else:
        payload = values
    return TicketDraft(target=target.name, payload=payload, errors=errors, omitted=omitted)


def template_errors(mapping: Mapping, env: MappingEnvironment | None = None) -> list[str]:
    """Compiles every template of `mapping`: one `pointer: problem` per template that
    does not compile (`/field_mapping/summary: template syntax error: ... (line 1)`)."""
    env = env or default_environment()
    sources: list[tuple[str, Any]] = [(f"/field_mapping/{_escape(name)}", value)
                                      for name, value in mapping.field_mapping.items()]
    if isinstance(mapping, JiraMapping):
        sources = [("/project", mapping.project), ("/issue_type", mapping.issue_type),
                   *sources]
    problems = []
    for pointer, value in sources:
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for n, source in items:
            if not isinstance(source, str) or not any(m in source for m in _JINJA_MARKERS):
                continue
            where = pointer if n is None else f"{pointer}/{n}"
            try:
                compile_template(env, source)
            except TemplateSyntaxError as exc:
                problems.append(f"{where}: template syntax error: {exc.message} "
                                f"(line {exc.lineno})")
            except BudgetExceeded as exc:
                problems.append(f"{where}: {exc}")
    return problems


def _escape(name: str) -> str:
    """A key as a JSON pointer token (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")


class _Renderer:
    """Renders field templates for one alert, collecting errors by field."""

    def __init__(self, env: MappingEnvironment, context: dict[str, Any],
                 limits: RenderLimits) -> None:
        self.env, self.context, self.limits = env, context, limits
        self.errors: dict[str, list[str]] = {}

    def value(self, template: Any, name: str) -> Any:
        if isinstance(template, list):
            items = []
            for n, item in enumerate(template):
                text = self.text(item, f"{name}[{n}]", name)
                if text:  # an item that renders empty is dropped, not sent as ""
                    items.append(text)
            return items
        if isinstance(template, str):
            return self.text(template, name, name)
        return template  # numbers and booleans are sent as written

    def text(self, source: str, where: str, name: str) -> str:
        if not any(marker in source for marker in _JINJA_MARKERS):
            return source.strip()
        try:
            template = compile_template(self.env, source)
            return render_template(template, self.context, self.limits).strip()
        except BudgetExceeded as exc:
            problem = str(exc)
        except TemplateSyntaxError as exc:
            problem = f"template syntax, line {exc.lineno}: {exc.message}"
        except UndefinedError as exc:
            problem = str(exc)
        except SecurityError as exc:
            problem = f"blocked by the sandbox: {exc}"
        except FilterError as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - a template must never crash the caller
            problem = f"{type(exc).__name__}: {exc}"
        prefix = f"{where}: " if where != name else ""
        self.errors.setdefault(name, []).append(prefix + problem)
        return ""
