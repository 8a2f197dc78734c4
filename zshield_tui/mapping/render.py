"""A mapping and an alert become a TicketDraft: every string a template, lists item by
item, empty optional fields omitted, and every failure an error on its field.

The draft's payload is the create body in the target's shape, before the two steps that
need the wire format or the network (request.py): Jira `description` is still plain text
(ADF on Cloud is built from it) and `assignee` still the rendered email or user name.
"""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from zshield_tui.domain import Alert, TicketDraft

from .environment import MappingEnvironment, compile_template, default_environment
from .files import JiraMapping, Mapping
from .filters import FilterError
from .target import TargetSpec

# Jira fields whose value is an object chosen by name.
_BY_NAME = {"priority", "issuetype", "security", "resolution"}
_JINJA_MARKERS = ("{{", "{%", "{#")


def render_draft(alert: Alert, mapping: Mapping, target: TargetSpec,
                 env: MappingEnvironment | None = None) -> TicketDraft:
    """Renders `mapping` for `alert`; never raises for anything a template or alert holds."""
    env = env or default_environment()
    errors: dict[str, list[str]] = {}
    omitted: list[str] = []
    values: dict[str, Any] = {}
    context = {"alert": alert}
    for name, template in mapping.field_mapping.items():
        value = _render_value(env, template, context, name, errors)
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
        project = _render_value(env, mapping.project, context, "project", errors)
        issue_type = _render_value(env, mapping.issue_type, context, "issuetype", errors)
        fields: dict[str, Any] = {"project": {"key": project}, "issuetype": {"name": issue_type}}
        for name, value in values.items():
            fields[name] = {"name": value} if name in _BY_NAME and isinstance(value, str) \
                else value
        payload: dict[str, Any] = {"fields": fields}
    else:
        payload = values
    return TicketDraft(target=target.name, payload=payload, errors=errors, omitted=omitted)


def _render_value(env: MappingEnvironment, template: Any, context: dict[str, Any], name: str,
                  errors: dict[str, list[str]]) -> Any:
    if isinstance(template, list):
        items = []
        for n, item in enumerate(template):
            text = _render_text(env, item, context, f"{name}[{n}]", name, errors)
            if text:  # an item that renders empty is dropped, not sent as ""
                items.append(text)
        return items
    if isinstance(template, str):
        return _render_text(env, template, context, name, name, errors)
    return template  # numbers and booleans are sent as written


def _render_text(env: MappingEnvironment, source: str, context: dict[str, Any], where: str,
                 name: str, errors: dict[str, list[str]]) -> str:
    if not any(marker in source for marker in _JINJA_MARKERS):
        return source.strip()
    try:
        return compile_template(env, source).render(context).strip()
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
    errors.setdefault(name, []).append(prefix + problem)
    return ""
