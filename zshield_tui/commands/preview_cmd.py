"""`zshield preview ALERT_ID --target NAME [--json]`: the mapping rendered for one alert,
the exact request a push would send, and every validation error; exit 1 when invalid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zshield_tui.paths import data_dir
from zshield_tui.store import get_alert

from .context import EXIT_FAILED, EXIT_OK, Context, UsageError


def resolve_target(ctx: Context, name: str):
    """The target and its mapping: from the config, or a built-in example
    (`example-jira`, `example-snow`) when the config has no target of that name.

    Raises UsageError (exit 2) for an unknown target; MappingError for a bad mapping file.
    """
    from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW, load_mapping, parse_mapping
    from zshield_tui.mapping.target import EXAMPLE_TARGETS, target_spec

    for target in ctx.config.targets:
        if target.name == name:
            if not target.mapping:
                raise UsageError(f"{ctx.config_file}: target {name!r} has no mapping file")
            path = Path(target.mapping).expanduser()
            if not path.is_absolute():
                path = ctx.config_file.parent / path
            return target_spec(target), load_mapping(path)
    if name in EXAMPLE_TARGETS:
        text = EXAMPLE_JIRA if name == "example-jira" else EXAMPLE_SNOW
        return EXAMPLE_TARGETS[name], parse_mapping(text, f"<built-in {name} mapping>")
    known = [t.name for t in ctx.config.targets] + list(EXAMPLE_TARGETS)
    raise UsageError(f"--target: no target {name!r}; known: {', '.join(known)}")


def run(ctx: Context, alert_id: str, target_name: str, as_json: bool) -> int:
    from zshield_tui.mapping.environment import environment_for
    from zshield_tui.mapping.files import MappingError
    from zshield_tui.mapping.filters import FilterError, filter_overrides
    from zshield_tui.mapping.preview import preview_alert
    from zshield_tui.mapping.validate import MetadataCache

    try:
        env = environment_for(filter_overrides(ctx.config))
    except FilterError as exc:
        raise UsageError(f"{ctx.config_file}: {exc}") from None
    try:
        target, mapping = resolve_target(ctx, target_name)
    except MappingError as exc:
        print(f"zshield: {exc}", file=ctx.err)
        return EXIT_FAILED
    with ctx.open_store(create=False) as store:
        alert = get_alert(store.conn, alert_id)
        if alert is None:
            print(f"zshield: no alert with id {alert_id!r} in {store.path}", file=ctx.err)
            return EXIT_FAILED
    cache = MetadataCache(data_dir() / "metadata")
    metadata, unreachable = _live_metadata(ctx, target_name, mapping)
    if metadata is not None:
        cache.save(target.name, metadata)
    else:
        metadata = cache.load(target.name)
    preview = preview_alert(alert, mapping, target, metadata=metadata,
                            cached=unreachable is not None and metadata is not None, env=env)
    document = _document(preview, target.name)
    if unreachable:
        document["unreachable"] = unreachable
    if as_json:
        print(json.dumps(document, ensure_ascii=False, indent=2), file=ctx.out)
    else:
        _print_text(ctx, document)
    return EXIT_OK if preview.valid else EXIT_FAILED


def _live_metadata(ctx: Context, target_name: str, mapping) -> tuple[Any, str | None]:
    """Create metadata fetched from the target now: (metadata, None), or (None, why not)
    when the target cannot be reached, so the caller validates against the cache and says
    so. The built-in examples name no real target: (None, None)."""
    import asyncio

    from zshield_tui.connectors.errors import ConnectorError
    from zshield_tui.connectors.factory import fetch_create_metadata
    from zshield_tui.mapping.files import ServiceNowMapping

    config = next((t for t in ctx.config.targets if t.name == target_name), None)
    if config is None:
        return None, None
    if isinstance(mapping, ServiceNowMapping):
        fetch = fetch_create_metadata(config, table=mapping.table)
    else:
        fetch = fetch_create_metadata(config, project=mapping.project,
                                      issue_type=mapping.issue_type)
    try:
        return asyncio.run(fetch), None
    except ConnectorError as exc:
        return None, str(exc)


def _document(preview, target: str) -> dict[str, Any]:
    request = preview.request
    return {
        "alert_id": preview.alert_id, "target": target, "valid": preview.valid,
        "checked_against": preview.basis, "fields": preview.draft.payload,
        "errors": preview.draft.errors, "omitted": preview.draft.omitted,
        "request": {"method": request.method, "url": request.url, "headers": request.headers,
                    "body": request.body},
        "notes": request.notes,
    }


def _print_text(ctx: Context, doc: dict[str, Any]) -> None:
    verdict = "valid" if doc["valid"] else f"INVALID ({len(doc['errors'])} fields)"
    print(f"{doc['alert_id']} -> {doc['target']}: {verdict}; checked against "
          f"{doc['checked_against']}", file=ctx.out)
    if doc.get("unreachable"):
        print(f"  target not reached: {doc['unreachable']}", file=ctx.out)
    for name, problems in doc["errors"].items():
        for problem in problems:
            print(f"  error  {name}: {problem}", file=ctx.out)
    for name in doc["omitted"]:
        print(f"  omitted  {name} (rendered empty)", file=ctx.out)
    for note in doc["notes"]:
        print(f"  note  {note}", file=ctx.out)
    request = doc["request"]
    print(f"\n{request['method']} {request['url']}", file=ctx.out)
    for key, value in request["headers"].items():
        print(f"{key}: {value}", file=ctx.out)
    print(json.dumps(request["body"], ensure_ascii=False, indent=2), file=ctx.out)
