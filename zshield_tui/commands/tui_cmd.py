"""`zshield` with no subcommand: the TUI on the user's own config and database."""

from __future__ import annotations

from zshield_tui.paths import configured_database_url, database_url
from zshield_tui.store import Store, database_path

from .context import EXIT_OK, Context


def run(ctx: Context) -> int:
    # The full config is validated inside the app, after the first paint.
    url = database_url(configured_database_url(ctx.config_file), ctx.db_override)
    path = database_path(url)
    Store(path).close()  # creates or migrates it now, so errors surface before the screen
    from zshield_tui.tui.app import ZShieldApp

    ZShieldApp(path, config_file=ctx.config_file).run()
    return EXIT_OK
