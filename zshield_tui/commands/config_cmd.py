"""`zshield config path|check`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from zshield_tui.domain.terminal import printable
from zshield_tui.paths import data_dir, state_dir

from .context import EXIT_OK, Context

if TYPE_CHECKING:
    from zshield_tui.config import ReceiveConfig


def path(ctx: Context) -> int:
    print(f"config    {ctx.config_file}", file=ctx.out)
    print(f"database  {ctx.database}", file=ctx.out)
    print(f"data      {data_dir()}", file=ctx.out)
    print(f"state     {state_dir()}", file=ctx.out)
    return EXIT_OK


def check(ctx: Context) -> int:
    """Loads the config and every mapping it names, compiles every template and looks up
    every secret's environment variable; any problem is a ConfigError (exit 2) that lists
    each file, field and target at fault."""
    from zshield_tui.config import ConfigError
    from zshield_tui.mapping.environment import default_environment, environment_for
    from zshield_tui.mapping.files import MappingError, load_mapping
    from zshield_tui.mapping.filters import FilterError
    from zshield_tui.mapping.group_key import group_by_errors
    from zshield_tui.mapping.render import template_errors

    config = ctx.config
    problems: list[str] = []
    try:
        env = environment_for(config.mapping.filters)
    except FilterError as exc:
        problems.append(f"{ctx.config_file}: {exc}")
        env = default_environment()
    for target in config.targets:
        if target.mapping:
            path = (ctx.config_file.parent / target.mapping).resolve()
            try:
                mapping = load_mapping(path)
            except MappingError as exc:
                problems.append(f"target {target.name}: {exc}")
            else:
                problems += [f"target {target.name}: {path}: {problem}"
                             for problem in template_errors(mapping, env)]
        if target.group_by is not None:
            problems += [f"target {target.name}: {problem}"
                         for problem in group_by_errors(target.group_by, env)]
        problems += [f"target {target.name}: auth.{key} names {variable}, which is "
                     "unset or empty" for key, variable in missing_secrets(target.auth)]
    if config.receive is not None:
        problems += _receive_problems(ctx, config.receive)
    if problems:
        raise ConfigError("; ".join(problems))
    exists = ctx.config_file.exists()
    source = str(ctx.config_file) if exists else f"{ctx.config_file} (absent; defaults)"
    mapped = sum(1 for t in config.targets if t.mapping)
    print(f"{source}: ok, {len(config.targets)} targets ({mapped} with mappings), "
          f"{len(config.rules)} rules", file=ctx.out)
    for name, why in _staging_pauses(ctx).items():
        print(printable(f"zshield: warning: target {name}: auto-create is paused: {why}"),
              file=ctx.err)
    return EXIT_OK


def _staging_pauses(ctx: Context) -> dict[str, str]:
    """Production targets whose auto-create is on but waits for a staging run. A database
    that cannot be opened holds no run, so every such target counts as paused."""
    from zshield_tui.automation.staging import gates
    from zshield_tui.store import StoreError

    if not ctx.config.targets:
        return {}
    try:
        with ctx.open_store(create=False) as store:
            found = gates(store.conn, ctx.config, ctx.config_file)
    except StoreError:
        return {t.name: "no staging run on record: zshield rules stage --target " + t.name
                for t in ctx.config.targets if t.auto_create.enabled and not t.staging}
    return {name: gate.paused for name, gate in found.items() if gate.paused}


def _receive_problems(ctx: Context, receive: ReceiveConfig) -> list[str]:
    """What would stop `zshield receive` from starting: its token, its certificate."""
    from zshield_tui.intake.receive_server import tls_problem

    problems = [f"receive: {key} names {variable}, which is unset or empty"
                for key, variable in missing_secrets(receive)]
    if receive.tls is not None:
        folder = ctx.config_file.parent
        if problem := tls_problem(folder / receive.tls.cert, folder / receive.tls.key):
            problems.append(f"receive: tls: {problem}")
    return problems


def missing_secrets(section: object, environ: Mapping[str, str] | None = None
                    ) -> list[tuple[str, str]]:
    """(field, variable) for each `*_env` field of a config section whose environment
    variable is unset or empty. Only names: a secret's value is never read out."""
    environ = os.environ if environ is None else environ
    fields = getattr(type(section), "model_fields", {})
    return [(key, variable) for key in fields if key.endswith("_env")
            and isinstance(variable := getattr(section, key), str)
            and not environ.get(variable)]
