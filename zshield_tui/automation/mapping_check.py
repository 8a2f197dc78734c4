"""The what-if's mapping check: render each would-be ticket with its target's mapping and
validate it on the built-in rules (or the cached create metadata), without the network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from zshield_tui.domain import Alert

Check = Callable[[Alert, str], dict[str, list[str]]]


def mapping_checks(config: Any, config_file: Path,
                   metadata_dir: Path | None = None) -> tuple[dict[str, Check], list[str]]:
    """One check per target that has a loadable mapping file, and the problems of the ones
    that could not be loaded (`snow-sir: no mapping file`), to be shown, not raised."""
    from zshield_tui.mapping.environment import environment_for
    from zshield_tui.mapping.files import MappingError, load_mapping
    from zshield_tui.mapping.filters import FilterError, filter_overrides
    from zshield_tui.mapping.target import target_spec
    from zshield_tui.mapping.validate import MetadataCache

    problems: list[str] = []
    try:
        env = environment_for(filter_overrides(config))
    except FilterError as exc:
        return {}, [f"[mapping.filters]: {exc}"]
    cache = MetadataCache(metadata_dir) if metadata_dir is not None else None
    checks: dict[str, Check] = {}
    for target in config.targets:
        if not target.mapping:
            problems.append(f"{target.name}: no mapping file, not checked")
            continue
        path = Path(target.mapping).expanduser()
        if not path.is_absolute():
            path = config_file.parent / path
        try:
            mapping = load_mapping(path)
        except MappingError as exc:
            problems.append(f"{target.name}: {exc}")
            continue
        checks[target.name] = _check(mapping, target_spec(target), env,
                                     cache.load(target.name) if cache else None)
    return checks, problems


def _check(mapping: Any, spec: Any, env: Any, metadata: Any) -> Check:
    from zshield_tui.mapping.render import render_draft
    from zshield_tui.mapping.validate import validate_draft

    table = getattr(mapping, "table", "")

    def check(alert: Alert, _target: str) -> dict[str, list[str]]:
        draft = render_draft(alert, mapping, spec, env)
        return validate_draft(draft, spec.kind, metadata, cached=metadata is not None,
                              table=table).draft.errors

    return check


def combined(checks: dict[str, Check], route: dict[str, str] | None = None) -> Check | None:
    """One check for `replay`: each target's own, or via `route` another target's (a dry
    run checks a production target's tickets with its staging twin's mapping)."""
    route = route or {}
    if not checks:
        return None

    def check(alert: Alert, target: str) -> dict[str, list[str]]:
        chosen = checks.get(route.get(target, target))
        return chosen(alert, target) if chosen else {}

    return check
