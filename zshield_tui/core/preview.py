"""What the mapping preview needs, for `zshield preview` and the preview screen alike:
the targets to choose from with their mapping text, create metadata fetched live (the
cached copy when the target cannot be reached), and the alerts to render."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zshield_tui.config import Config, TargetConfig
    from zshield_tui.domain import Alert, CreateMetadata
    from zshield_tui.mapping.environment import MappingEnvironment
    from zshield_tui.mapping.files import Mapping as MappingFile
    from zshield_tui.mapping.target import TargetSpec


@dataclass(frozen=True)
class TargetChoice:
    """One target a mapping can be previewed against: a configured one or an example."""

    label: str
    target: TargetSpec
    mapping_path: Path | None  # None for the built-in examples: nothing to save to
    text: str                  # the mapping file's text as loaded
    problem: str | None = None
    metadata: CreateMetadata | None = None  # the last cached create metadata, if any
    config: TargetConfig | None = None      # None for the built-in examples
    live: bool = False                      # metadata fetched from the target just now


@dataclass(frozen=True)
class PreviewSetup:
    """The choices and the filter environment (with the config's table overrides)."""

    choices: list[TargetChoice] = field(default_factory=list)
    env: MappingEnvironment | None = None
    problem: str | None = None  # a bad [mapping.filters] section: defaults are used


def mapping_path(config_file: Path, mapping: str) -> Path:
    """A target's mapping file: relative to the config file's folder."""
    path = Path(mapping).expanduser()
    return path if path.is_absolute() else config_file.parent / path


def preview_setup(config: Config | None, config_file: Path, metadata_dir: Path
                  ) -> PreviewSetup:
    """Configured targets that have a mapping; the documented examples when there are
    none. A mapping file that cannot be read is a choice that shows its problem."""
    from zshield_tui.mapping.environment import default_environment, environment_for
    from zshield_tui.mapping.files import (
        EXAMPLE_JIRA,
        EXAMPLE_SNOW,
        MappingError,
        read_mapping_text,
    )
    from zshield_tui.mapping.filters import FilterError, filter_overrides
    from zshield_tui.mapping.target import EXAMPLE_TARGETS, target_spec
    from zshield_tui.mapping.validate import MetadataCache

    env, problem = default_environment(), None
    try:
        env = environment_for(filter_overrides(config))
    except FilterError as exc:
        problem = f"{config_file}: {exc}"
    cache = MetadataCache(metadata_dir)
    choices: list[TargetChoice] = []
    for target in config.targets if config else ():
        if not target.mapping:
            continue
        path = mapping_path(config_file, target.mapping)
        try:
            text, unreadable = read_mapping_text(path), None
        except MappingError as exc:
            text, unreadable = "", str(exc)
        choices.append(TargetChoice(f"{target.name} ({target.kind}) · {path.name}",
                                    target_spec(target), path, text, unreadable,
                                    cache.load(target.name), target))
    if not choices:
        choices = [
            TargetChoice("example: jira (cloud)", EXAMPLE_TARGETS["example-jira"], None,
                         EXAMPLE_JIRA),
            TargetChoice("example: servicenow sir", EXAMPLE_TARGETS["example-snow"], None,
                         EXAMPLE_SNOW),
        ]
    return PreviewSetup(choices, env, problem)


def live_metadata(target: TargetConfig, mapping: MappingFile, metadata_dir: Path
                  ) -> tuple[CreateMetadata | None, str | None]:
    """Create metadata fetched from the target now, kept as the cached copy: (metadata,
    None); or the cached copy and why the target was not reached: (cached or None, why)."""
    from zshield_tui.connectors.errors import ConnectorError
    from zshield_tui.connectors.factory import fetch_create_metadata
    from zshield_tui.mapping.files import ServiceNowMapping
    from zshield_tui.mapping.validate import MetadataCache

    cache = MetadataCache(metadata_dir)
    try:  # a connector is refused (a secret not set) before it fetches anything
        if isinstance(mapping, ServiceNowMapping):
            fetch = fetch_create_metadata(target, table=mapping.table)
        else:
            fetch = fetch_create_metadata(target, project=mapping.project,
                                          issue_type=mapping.issue_type)
        metadata = asyncio.run(fetch)
    except ConnectorError as exc:
        return cache.load(target.name), str(exc)
    cache.save(target.name, metadata)
    return metadata, None


def newest_alerts(database: Path, count: int) -> Iterator[Alert]:
    """The newest `count` alerts, read on a connection of the calling thread's own."""
    from zshield_tui.store import get_alert
    from zshield_tui.store.db import connect
    from zshield_tui.store.filters import AlertFilter
    from zshield_tui.store.query import AlertQuery, Sort

    conn = connect(database, create=False, cache_mb=8)
    try:
        for row in AlertQuery(conn, AlertFilter(), Sort.TIME).page(0, count):
            alert = get_alert(conn, row.id)
            if alert is not None:
                yield alert
    finally:
        conn.close()


