"""`zshield config path|check`."""

from __future__ import annotations

from zshield_tui.paths import data_dir, state_dir

from .context import EXIT_OK, Context


def path(ctx: Context) -> int:
    print(f"config    {ctx.config_file}", file=ctx.out)
    print(f"database  {ctx.db_path}", file=ctx.out)
    print(f"data      {data_dir()}", file=ctx.out)
    print(f"state     {state_dir()}", file=ctx.out)
    return EXIT_OK


def check(ctx: Context) -> int:
    """Loads the config and every mapping it names; any problem is a ConfigError (exit 2)
    that lists each file and field at fault."""
    from zshield_tui.config import ConfigError
    from zshield_tui.mapping.files import MappingError, load_mapping
    from zshield_tui.mapping.filters import FilterError, filter_tables

    config = ctx.config
    problems: list[str] = []
    try:
        filter_tables(config.mapping.filters)
    except FilterError as exc:
        problems.append(f"{ctx.config_file}: {exc}")
    for target in config.targets:
        if target.mapping:
            path = (ctx.config_file.parent / target.mapping).resolve()
            try:
                load_mapping(path)
            except MappingError as exc:
                problems.append(f"target {target.name}: {exc}")
    if problems:
        raise ConfigError("; ".join(problems))
    exists = ctx.config_file.exists()
    source = str(ctx.config_file) if exists else f"{ctx.config_file} (absent; defaults)"
    mapped = sum(1 for t in config.targets if t.mapping)
    print(f"{source}: ok, {len(config.targets)} targets ({mapped} with mappings), "
          f"{len(config.rules)} rules", file=ctx.out)
    return EXIT_OK
