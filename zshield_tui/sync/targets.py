"""Configured targets as the sync layer uses them: config, mapping, and a connector.

Secrets come from `env` (default: the process environment), never from the config or the
database. `options` lets the demo and the tests hand a connector its transport or retry
policy (an in-process simulator, a fast clock) without a second code path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from zshield_tui.config import Config, TargetConfig
from zshield_tui.connectors.base import Connector
from zshield_tui.connectors.factory import connector_class, connector_for
from zshield_tui.mapping.files import JiraMapping, ServiceNowMapping, load_mapping
from zshield_tui.mapping.target import TargetSpec, target_spec

from .evidence import evidence_roots


class TargetError(Exception):
    """A target cannot be used: unknown name, no mapping, unreadable mapping file."""


@dataclass
class Target:
    """One configured target, its mapping loaded."""

    config: TargetConfig
    spec: TargetSpec
    mapping: JiraMapping | ServiceNowMapping | None
    options: dict[str, Any] = field(default_factory=dict)
    evidence_roots: tuple[str, ...] = ()   # folders evidence may come from besides its own

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def kind(self) -> str:
        return self.config.kind

    @cached_property
    def connector_class(self) -> type[Connector]:
        """What the target's system can do, and what differs in it, before connecting."""
        return connector_class(self.kind)

    @property
    def table(self) -> str:
        """ServiceNow: the table the mapping creates in."""
        if isinstance(self.mapping, ServiceNowMapping):
            return self.mapping.table
        return "incident"

    def outbound(self, state: str) -> str | None:
        """The transition / state name that carries an alert state out, or None."""
        configured = self.config.workflow.outbound
        if state in configured:
            return configured[state] or None
        return self.connector_class.default_outbound.get(state)

    def inbound(self, status: str, category: str) -> str | None:
        """The alert state a remote status means, or None (no change)."""
        configured = {k.casefold(): v for k, v in self.config.workflow.inbound.items()}
        if status.casefold() in configured:
            return configured[status.casefold()]
        return self.connector_class.default_inbound(category, table=self.table)

    def closing_fields(self, state: str) -> dict[str, Any]:
        """The configured close fields that go with a move to `state`, where they apply."""
        return self.connector_class.closing_fields(self.config.close, state)


def load_targets(config: Config, config_file: Path,
                 options: Mapping[str, dict[str, Any]] | None = None) -> dict[str, Target]:
    """Every configured target, mappings read relative to the config file."""
    out: dict[str, Target] = {}
    roots = evidence_roots(config, config_file)
    for cfg in config.targets:
        mapping = None
        if cfg.mapping:
            path = Path(cfg.mapping).expanduser()
            if not path.is_absolute():
                path = config_file.parent / path
            mapping = load_mapping(path)
        out[cfg.name] = Target(cfg, target_spec(cfg), mapping, dict((options or {}).get(
            cfg.name, {})), roots)
    return out


def make_connector(target: Target, env: Mapping[str, str] | None = None) -> Connector:
    """A connector for the target (use `async with`)."""
    projects = [target.mapping.project] if isinstance(target.mapping, JiraMapping) else []
    return connector_for(target.config, table=target.table, projects=projects,
                         env=os.environ if env is None else env, **target.options)
