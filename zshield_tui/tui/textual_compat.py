"""The one place that leans on Textual's internals, each use with a test that fails when
a Textual release changes what it relies on (tests/tui/test_textual_compat.py).

Textual is pinned exactly (pyproject.toml), so these break only on a deliberate upgrade,
and then loudly.
"""

from __future__ import annotations

from textual.app import App


def start_theme(app: App, name: str) -> None:
    """Gives the app theme `name` before it runs, without the cost of assigning
    `app.theme`.

    Assigning the reactive runs `App._watch_theme`, which also queues a second parse and
    restyle of all the CSS (~10 ms of the first paint); before the app runs the
    stylesheet is not parsed yet, so setting the classes and variables the watcher would
    set is enough. Relies on: `set_reactive` not calling the watcher, the classes
    `_watch_theme` sets, and the private `_refresh_truecolor_filter`.
    """
    app.set_reactive(App.theme, name)
    dark = app.current_theme.dark
    app.update_classes({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark},
                       update=False)
    app.stylesheet.set_variables(app.get_css_variables())
    app._refresh_truecolor_filter(app.ansi_theme)
