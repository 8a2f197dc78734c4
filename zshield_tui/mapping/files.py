"""Mapping files (DESIGN §5): load and validate the JSON, with errors that name the file
and the JSON pointer of what is wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zshield_tui.paths import TextFileError, read_file_bytes, read_text_file

# A field's template: a string, a list of strings rendered item by item, or a literal
# number/bool sent as is. Checked by `_check_values` for one clear message per field.
FieldValue = Any


class MappingError(Exception):
    """A mapping file cannot be used; the message names the file and the JSON pointer."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JiraMapping(_Strict):
    """Jira: the project and issue type to create in, and the field templates."""

    project: str = Field(min_length=1)
    issue_type: str = Field(min_length=1)
    field_mapping: dict[str, FieldValue]

    @property
    def kind(self) -> str:
        return "jira"


class ServiceNowMapping(_Strict):
    """ServiceNow: the table to create in, and the column templates."""

    table: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    field_mapping: dict[str, FieldValue]

    @property
    def kind(self) -> str:
        return "servicenow"


Mapping = JiraMapping | ServiceNowMapping


def parse_mapping(text: str, source: str = "<mapping>") -> Mapping:
    """Parses mapping JSON; `source` names the file in every error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    return mapping_from_data(data, source)


def mapping_from_data(data: Any, source: str = "<mapping>") -> Mapping:
    """Validates already-decoded JSON: Jira when it names a project, ServiceNow a table."""
    if not isinstance(data, dict):
        raise MappingError(f"{source}: /: expected a JSON object with field_mapping")
    if "table" in data and "project" not in data:
        model: type[BaseModel] = ServiceNowMapping
    elif "project" in data or "issue_type" in data:
        model = JiraMapping
    else:
        raise MappingError(f"{source}: /: needs \"project\" and \"issue_type\" (Jira) "
                           "or \"table\" (ServiceNow)")
    field_mapping = data.get("field_mapping")
    problems = _check_values(field_mapping) if isinstance(field_mapping, dict) else []
    try:
        mapping = model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_pointer(e['loc'])}: {_message(e)}" for e in exc.errors()] + problems
    if problems:
        raise MappingError(f"{source}: {'; '.join(problems)}")
    return mapping  # type: ignore[return-value]


def _check_values(field_mapping: dict[str, Any]) -> list[str]:
    problems = []
    for name, value in field_mapping.items():
        where = _pointer(("field_mapping", name))
        if isinstance(value, list):
            problems += [f"{where}/{n}: expected a string template"
                         for n, item in enumerate(value) if not isinstance(item, str)]
        elif not isinstance(value, str | int | float | bool):
            problems.append(f"{where}: expected a string template, a list of them, "
                            "a number or true/false")
    return problems


def load_mapping(path: Path) -> Mapping:
    """Reads and validates a mapping file."""
    return parse_mapping(read_mapping_text(path), str(path))


def read_mapping_text(path: Path) -> str:
    """A mapping file's text: a regular file of at most 1 MiB, UTF-8. Raises MappingError
    naming the file."""
    try:
        return read_text_file(path)
    except OSError as exc:
        raise MappingError(f"{path}: cannot read: {exc.strerror}") from None
    except TextFileError as exc:
        raise MappingError(str(exc)) from None


def save_mapping(path: Path, text: str) -> Path | None:
    """Writes `text` to `path`, the previous content kept as `<name>.bak`; atomic, so a
    crash leaves either the old or the new file. Returns the backup path, if any.
    Raises OSError, or MappingError when the file in place is not one to back up."""
    backup = None
    if path.exists():
        try:
            previous = read_file_bytes(path)
        except TextFileError as exc:
            raise MappingError(str(exc)) from None
        backup = path.with_name(path.name + ".bak")
        backup.write_bytes(previous)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return backup


def _pointer(loc: tuple[Any, ...]) -> str:
    """RFC 6901 pointer, as editors and `jq` understand it."""
    parts = [str(p) for p in loc]
    escaped = [p.replace("~", "~0").replace("/", "~1") for p in parts]
    return "/" + "/".join(escaped)


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required key missing"
    return error["msg"]


# The two documented examples (DESIGN §5), byte for byte the product documentation's.
EXAMPLE_JIRA = """{ "project": "SEC", "issue_type": "Bug",
  "field_mapping": {
    "summary": "{{alert.title}}",
    "description": "{{alert.description}}\\n\\nSeverity: {{alert.severity}}\\nSource: \
{{alert.source}}\\nMITRE ATT&CK: {{alert.mitre_technique}}",
    "priority": "{{alert.severity | jira_priority}}",
    "labels": ["zpoa-shield", "{{alert.category}}"],
    "assignee": "{{alert.assigned_analyst}}" } }
"""

EXAMPLE_SNOW = """{ "table": "sn_si_incident",
  "field_mapping": {
    "short_description": "{{alert.title}}", "description": "{{alert.description}}",
    "severity": "{{alert.severity | snow_severity}}", "category": "Security",
    "subcategory": "{{alert.category}}", "assignment_group": "Security Operations",
    "caller_id": "zpoa-shield-service" } }
"""
