"""`zshield preview ALERT_ID --target NAME [--json]`: the mapping rendered for one alert,
the exact request a push would send, and every validation error; exit 1 when invalid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zshield_tui.domain.terminal import printable, printable_json
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
        print(printable(f"zshield: {exc}"), file=ctx.err)
        return EXIT_FAILED
    with ctx.open_store(create=False) as store:
        alert = get_alert(store.conn, alert_id)
        if alert is None:
            print(f"zshield: no alert with id '{printable(alert_id)}' in {store.database}",
                  file=ctx.err)
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
        print(printable_json(document, indent=2), file=ctx.out)
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
    # Rendered fields, errors and the request all quote alert text; each line is escaped.
    def line(text: str) -> None:
        print(printable(text), file=ctx.out)

    verdict = "valid" if doc["valid"] else f"INVALID ({len(doc['errors'])} fields)"
    line(f"{doc['alert_id']} -> {doc['target']}: {verdict}; checked against "
         f"{doc['checked_against']}")
    if doc.get("unreachable"):
        line(f"  target not reached: {doc['unreachable']}")
    for name, problems in doc["errors"].items():
        for problem in problems:
            line(f"  error  {name}: {problem}")
    for name in doc["omitted"]:
        line(f"  omitted  {name} (rendered empty)")
    for note in doc["notes"]:
        line(f"  note  {note}")
    request = doc["request"]
    print(file=ctx.out)
    line(f"{request['method']} {request['url']}")
    for key, value in request["headers"].items():
        line(f"{key}: {value}")
    print(printable_json(request["body"], indent=2), file=ctx.out)
