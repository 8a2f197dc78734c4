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
    """Loads the config (errors raise ConfigError, exit 2) and reports what it holds."""
    config = ctx.config
    exists = ctx.config_file.exists()
    source = str(ctx.config_file) if exists else f"{ctx.config_file} (absent; defaults)"
    print(f"{source}: ok, {len(config.targets)} targets, {len(config.rules)} rules",
          file=ctx.out)
    return EXIT_OK
