"""A draft's fields in the shapes Jira asks for, just before they are sent.

System fields have fixed schemas; custom fields are shaped by the create metadata of the
draft's project and issue type, fetched once per connector and only when the draft has a
custom field. Rich text becomes ADF on Cloud and escaped wiki markup on Data Center;
users become accountIds (Cloud) or names (Data Center).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.errors import AuthError, ConnectorError, ValidationError
from zshield_tui.connectors.jira.adf import text_to_adf
from zshield_tui.domain.jira_fields import ShapeError, is_rich, is_user, shape_value, spec_for
from zshield_tui.domain.metadata import FieldSpec
from zshield_tui.domain.wiki import escape_wiki

if TYPE_CHECKING:
    from zshield_tui.connectors.jira.client import JiraConnector

_FIXED = {"project", "issuetype"}   # the draft sets these as objects already


def rich_text(text: Any, *, cloud: bool) -> Any:
    """Plain text as the deployment's rich text; anything else (ADF already) as given."""
    if not isinstance(text, str):
        return text
    return text_to_adf(text) if cloud else escape_wiki(text)


async def prepare_fields(jira: JiraConnector, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the wire wants them; ValidationError naming every field whose value
    cannot take its shape (nothing is sent then)."""
    specs = await _custom_specs(jira, fields)
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in fields.items():
        spec = None if name in _FIXED else spec_for(name, specs)
        if spec is None:
            out[name] = value
            continue
        try:
            shaped = shape_value(spec, value)
        except ShapeError as exc:
            problems[name] = f"{spec.title or name}: {exc}"
            continue
        if is_user(spec):
            shaped = await _accounts(jira, shaped)
        elif is_rich(spec):
            shaped = rich_text(shaped, cloud=jira.cloud)
        out[name] = shaped
    if problems:
        raise ValidationError("; ".join(problems.values()), fields=problems, target=jira.name)
    return out


async def _accounts(jira: JiraConnector, value: Any) -> Any:
    """Names or emails -> `{"accountId": ...}` on Cloud, `{"name": ...}` on Data Center."""
    key = "accountId" if jira.cloud else "name"
    if isinstance(value, str):
        return {key: await jira.resolve_user(value)}
    if isinstance(value, list):
        return [await _accounts(jira, v) if isinstance(v, str) else v for v in value]
    return value


async def _custom_specs(jira: JiraConnector, fields: dict[str, Any]
                        ) -> dict[str, FieldSpec] | None:
    """The create metadata of the draft's project and issue type, when the draft has a
    custom field (None otherwise, or when there is no project to ask about). Unreadable
    metadata leaves custom fields as rendered: Jira's answer then names the field."""
    if not any(name.startswith("customfield_") for name in fields):
        return None
    project = (fields.get("project") or {}).get("key") \
        if isinstance(fields.get("project"), dict) else None
    issuetype = fields.get("issuetype") if isinstance(fields.get("issuetype"), dict) else {}
    kind = issuetype.get("name") or issuetype.get("id") or ""
    if not project:
        return None
    scope = f"{project}/{kind}"
    if scope not in jira.field_specs:
        try:
            jira.field_specs[scope] = (await jira.create_metadata(scope)).fields
        except AuthError:
            raise
        except ConnectorError:
            return None
    return jira.field_specs[scope]
