"""A rendered draft checked against what the target accepts: its create metadata when
known (live or cached), the built-in rules of each system otherwise."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zshield_tui.domain import CreateMetadata, FieldSpec, TicketDraft
from zshield_tui.domain.jira_fields import (
    ShapeError,
    field_spec,
    is_labels,
    shape_value,
    spec_for,
)

JIRA_SUMMARY_MAX = 255
JIRA_PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")  # the default scheme
# Jira fields set by the draft itself, never by a mapping; the reporter defaults to the
# calling account even where the metadata says required without a default.
_JIRA_FIXED = {"project", "issuetype", "reporter"}
# ServiceNow defaults, used when the table's dictionary has not been read.
SNOW_BUILTIN = {
    "short_description": FieldSpec("short_description", required=True, max_length=160),
    "description": FieldSpec("description", max_length=4000),
    "category": FieldSpec("category", max_length=40),
    "subcategory": FieldSpec("subcategory", max_length=40),
    "correlation_id": FieldSpec("correlation_id", max_length=100),
    "correlation_display": FieldSpec("correlation_display", max_length=100),
    "impact": FieldSpec("impact", allowed=("1", "2", "3")),
    "urgency": FieldSpec("urgency", allowed=("1", "2", "3")),
}
SIR_BUILTIN = SNOW_BUILTIN | {"severity": FieldSpec("severity", allowed=("1", "2", "3"))}
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Validation:
    """The draft with every error found, and what it was checked against."""

    draft: TicketDraft
    basis: str        # "create metadata", "cached metadata from ...", "built-in rules"
    cached: bool = False


def validate_draft(draft: TicketDraft, kind: str, metadata: CreateMetadata | None = None,
                   *, cached: bool = False, table: str = "") -> Validation:
    """Adds the target's errors to the draft's own (template) errors."""
    errors = {name: list(problems) for name, problems in draft.errors.items()}
    if kind == "jira":
        fields = draft.payload.get("fields", {})
        _check_jira(fields, draft.omitted, metadata, errors)
    else:
        fields = draft.payload
        specs = metadata.fields if metadata else (
            SIR_BUILTIN if table == "sn_si_incident" else SNOW_BUILTIN)
        _check_specs(fields, draft.omitted, specs, errors, unknown=metadata is not None,
                     scope=metadata.scope if metadata else table)
    if metadata is None:
        basis = "built-in rules (no metadata fetched for this target)"
    elif cached:
        when = metadata.fetched_at.strftime("%Y-%m-%d %H:%M UTC") if metadata.fetched_at \
            else "an unknown time"
        basis = f"cached metadata from {when} (target not reached)"
    else:
        basis = "create metadata"
    errors = {k: v for k, v in errors.items() if v}
    # A required field that rendered empty is an error, not an omission.
    omitted = [name for name in draft.omitted if name not in errors]
    checked = draft.model_copy(update={"errors": errors, "omitted": omitted})
    return Validation(checked, basis, cached)


def _check_jira(fields: dict[str, Any], omitted: list[str], metadata: CreateMetadata | None,
                errors: dict[str, list[str]]) -> None:
    summary = fields.get("summary")
    if isinstance(summary, str):
        if len(summary) > JIRA_SUMMARY_MAX:
            _add(errors, "summary", f"{len(summary)} characters; Jira allows {JIRA_SUMMARY_MAX}")
        if "\n" in summary or "\r" in summary:
            _add(errors, "summary", "must be one line; Jira refuses line breaks here")
    known = metadata.fields if metadata else None
    for name, value in fields.items():
        spec = None if name in _JIRA_FIXED else spec_for(name, known)
        if spec is None:
            continue
        try:
            shaped = shape_value(spec, value)
        except ShapeError as exc:
            _add(errors, name, str(exc))
            continue
        if is_labels(spec):
            _check_labels(name, shaped, errors)
    if metadata is None:
        specs = {"summary": FieldSpec("summary", required=True),
                 "priority": FieldSpec("priority", type="priority", allowed=JIRA_PRIORITIES)}
        _check_specs(fields, omitted, specs, errors, unknown=False, scope="")
    else:
        specs = {n: s for n, s in metadata.fields.items() if n not in _JIRA_FIXED}
        _check_specs({n: v for n, v in fields.items() if n not in _JIRA_FIXED}, omitted,
                     specs, errors, unknown=True, scope=metadata.scope)


def _check_labels(name: str, labels: list[Any], errors: dict[str, list[str]]) -> None:
    for label in labels:
        if _WHITESPACE.search(str(label)):
            _add(errors, name, f"label {label!r} contains spaces; Jira refuses it")


def _check_specs(fields: dict[str, Any], omitted: list[str], specs: dict[str, FieldSpec],
                 errors: dict[str, list[str]], *, unknown: bool, scope: str) -> None:
    for name, value in fields.items():
        spec = specs.get(name)
        if spec is None:
            if unknown:
                _add(errors, name, f"unknown field: not on the create screen of {scope}")
            continue
        for item in value if isinstance(value, list) else [value]:
            text = _plain(item)
            if spec.allowed and text is not None and \
                    text.casefold() not in {a.casefold() for a in spec.allowed}:
                where = f" in {spec.title}" if spec.title.casefold() not in {"", name.casefold()} \
                    else ""
                _add(errors, name, f"{text!r} is not allowed{where}; choose from "
                                   f"{', '.join(spec.allowed)}")
            if spec.max_length is not None and text is not None and len(text) > spec.max_length:
                _add(errors, name, f"{len(text)} characters; at most {spec.max_length}")
    for name, spec in specs.items():
        if spec.required and name not in fields and name not in errors:
            why = "rendered empty" if name in omitted else "the mapping does not set it"
            _add(errors, name, f"required: {why}")


def _plain(value: Any) -> str | None:
    """The comparable text of a value: {"name": ...} / {"value": ...} objects unwrapped."""
    if isinstance(value, dict):
        value = value.get("name", value.get("value", value.get("key")))
    return value if isinstance(value, str) else None if value is None else str(value)


def _add(errors: dict[str, list[str]], name: str, problem: str) -> None:
    errors.setdefault(name, []).append(problem)


# -- create metadata: parsed from the target's answers, cached as JSON files ------------

def jira_metadata(document: dict[str, Any], project: str, issue_type: str,
                  fetched_at: datetime | None = None) -> CreateMetadata | None:
    """CreateMetadata from a Jira createmeta answer: Cloud `fields` list, Data Center
    `values` list, or the old `projects[].issuetypes[].fields` map. None when the project
    or issue type is not in it."""
    raw: Any = document.get("fields", document.get("values"))
    if raw is None:
        for proj in document.get("projects", []):
            if proj.get("key", "").casefold() != project.casefold():
                continue
            for kind in proj.get("issuetypes", []):
                if kind.get("name", "").casefold() == issue_type.casefold():
                    raw = kind.get("fields", {})
        if raw is None:
            return None
    entries = raw.items() if isinstance(raw, dict) else ((f.get("fieldId") or f.get("key"), f)
                                                         for f in raw)
    fields = {str(key): field_spec(str(key), entry) for key, entry in entries}
    return CreateMetadata(f"{project}/{issue_type}", fields, fetched_at or datetime.now(UTC))


class MetadataCache:
    """The last metadata fetched per target, one JSON file each:
    `<data dir>/metadata/<target>.json` with `fetched_at`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, target: str) -> Path:
        return self.directory / f"{target}.json"

    def save(self, target: str, metadata: CreateMetadata) -> None:
        """Writes atomically: a crash mid-write must not leave a file that fails to load."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fetched = metadata.fetched_at or datetime.now(UTC)
        document = {"scope": metadata.scope, "fetched_at": fetched.isoformat(),
                    "fields": [{"name": s.name, "required": s.required, "type": s.type,
                                "allowed": list(s.allowed), "max_length": s.max_length,
                                "items": s.items, "custom": s.custom, "title": s.title}
                               for s in metadata.fields.values()]}
        temporary = self.path(target).with_suffix(".json.tmp")
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
        os.replace(temporary, self.path(target))

    def load(self, target: str) -> CreateMetadata | None:
        """The cached metadata, or None when there is none or it cannot be read."""
        try:
            document = json.loads(self.path(target).read_text(encoding="utf-8"))
            fields = {f["name"]: FieldSpec(f["name"], bool(f.get("required")),
                                           f.get("type", "string"), tuple(f.get("allowed", ())),
                                           f.get("max_length"), str(f.get("items", "")),
                                           str(f.get("custom", "")), str(f.get("title", "")))
                      for f in document["fields"]}
            return CreateMetadata(document["scope"], fields,
                                  datetime.fromisoformat(document["fetched_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def servicenow_metadata(table: str, columns: list[dict[str, Any]],
                        choices: dict[str, list[str]] | None = None,
                        fetched_at: datetime | None = None) -> CreateMetadata:
    """CreateMetadata from `sys_dictionary` rows (`element`, `mandatory`, `max_length`,
    `internal_type`; all strings, as the Table API answers) and `sys_choice` values per
    column."""
    choices = choices or {}
    fields = {}
    for row in columns:
        name = row.get("element") or ""
        if not name:
            continue  # the table's own row has no element
        length = str(row.get("max_length") or "")
        fields[name] = FieldSpec(
            name, required=str(row.get("mandatory")).lower() == "true",
            type=row.get("internal_type") or "string",
            allowed=tuple(choices.get(name, ())),
            max_length=int(length) if length.isdigit() and int(length) > 0 else None)
    return CreateMetadata(table, fields, fetched_at or datetime.now(UTC))
