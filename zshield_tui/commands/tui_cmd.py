"""`zshield` with no subcommand: the TUI on the user's own config and database."""

from __future__ import annotations

from zshield_tui.paths import configured_database, database_url
from zshield_tui.store import Store, parse_database

from .context import EXIT_OK, Context


def run(ctx: Context) -> int:
    # The full config is validated inside the app, after the first paint.
    url, password_env = configured_database(ctx.config_file)
    database = parse_database(database_url(url, ctx.db_override), password_env=password_env)
    Store(database).close()  # creates or migrates it now, so errors surface before the screen
    from zshield_tui.tui.app import ZShieldApp

    ZShieldApp(database, config_file=ctx.config_file).run()
    return EXIT_OK
