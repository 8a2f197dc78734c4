"""Checks recorded requests against the published Jira OpenAPI documents: the method and
path template must exist in the right spec, and JSON bodies must fit the schema (a small
structural validator: jsonschema is not installed)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
REFERENCE = (REPO / ".." / "shared" / "reference").resolve()
SPECS = {"cloud": ("jira-cloud-platform-rest-v3.openapi.json", ""),
         # The DC document's server URL is http://{baseurl}/rest: paths start at /api/2.
         "datacenter": ("jira-software-dc-10.3.openapi.json", "/rest")}


@cache
def load(deployment: str) -> tuple[dict[str, Any], list[tuple[re.Pattern[str], str]]]:
    name, prefix = SPECS[deployment]
    spec = json.loads((REFERENCE / name).read_text(encoding="utf-8"))
    templates = [(re.compile("^" + prefix + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p)
                 for p in spec["paths"]]
    return spec, templates


def operation(deployment: str, method: str, path: str) -> dict[str, Any]:
    """The spec operation for a request path; AssertionError when there is none."""
    spec, templates = load(deployment)
    # The most specific template wins (fewest parameters).
    matches = sorted((t for t in templates if t[0].match(path)), key=lambda t: t[1].count("{"))
    assert matches, f"{method} {path}: no such path in the {deployment} spec"
    ops = spec["paths"][matches[0][1]]
    assert method.lower() in ops, f"{method} {path}: method not in the {deployment} spec"
    return ops[method.lower()]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


# Known defects of the DC document: it declares JSON-valued fields as strings.
DC_STRING_JSON = {("EntityPropertyBean", "value")}


def validate(spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "body",
             problems: list[str] | None = None) -> list[str]:
    problems = [] if problems is None else problems
    ref = schema.get("$ref", "").rsplit("/", 1)[-1]
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool,
             "integer": int, "number": (int, float)}
    if kind in types and not isinstance(value, types[kind]):
        if not (kind == "string" and schema.get("format") in {"json", "binary"}):
            problems.append(f"{where}: expected {kind}, got {type(value).__name__}")
        return problems
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key not in value:
                problems.append(f"{where}: missing required {key!r}")
        for key, item in value.items():
            if key in props:
                if (ref, key) in DC_STRING_JSON:
                    continue
                validate(spec, props[key], item, f"{where}.{key}", problems)
            elif schema.get("additionalProperties") is False:
                problems.append(f"{where}: {key!r} is not allowed")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            validate(spec, schema["items"], item, f"{where}[{index}]", problems)
    return problems


def _parameters(spec: dict[str, Any], op: dict[str, Any]) -> set[str]:
    return {_resolve(spec, p).get("name", "") for p in op.get("parameters") or []}


def check_request(deployment: str, method: str, path: str, body: bytes,
                  content_type: str, query: tuple[str, ...] = ()) -> list[str]:
    """Problems with one request (empty when it matches the spec): method + path template,
    query parameter names, JSON body against the schema."""
    op = operation(deployment, method, path)
    spec, _ = load(deployment)
    unknown = sorted(set(query) - _parameters(spec, op))
    if unknown:
        return [f"{method} {path}: query parameters not in the spec: {', '.join(unknown)}"]
    if not body or "application/json" not in content_type:
        return []
    content = (op.get("requestBody") or {}).get("content") or {}
    schema = (content.get("application/json") or {}).get("schema")
    if schema is None:
        return [f"{method} {path}: the spec takes no JSON body"]
    return validate(spec, schema, json.loads(body))
