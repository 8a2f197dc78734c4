"""Themes as files: the built-in ones beside the package, the user's own in the config dir.

A theme file is TOML with the fields of `textual.theme.Theme` and a `[variables]` table
that must give every severity colour. A bad file is reported and skipped; the app falls
back to the default theme. The chosen theme is remembered in the state dir.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.theme import Theme

from zshield_tui.paths import config_dir, state_dir

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "zshield-dark"
SEVERITY_VARIABLES = tuple(
    f"sev-{name}" for name in ("critical", "high", "medium", "low", "informational")
)
# Fallbacks so Textual's own themes (also offered in the palette) can show severities.
SEVERITY_DEFAULTS = {
    "sev-critical": "#ff4d6d", "sev-high": "#ff8f40", "sev-medium": "#e6c84c",
    "sev-low": "#59c2ff", "sev-informational": "#8a96a3",
}
_FIELDS = {"name", "dark", "primary", "secondary", "accent", "foreground", "background",
           "surface", "panel", "boost", "success", "warning", "error", "variables"}


@dataclass
class ThemeLoad:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_themes(*folders: Path) -> ThemeLoad:
    """Reads every `*.toml` in the folders (built-in first, then the user's)."""
    result = ThemeLoad()
    for folder in folders or (BUILTIN_DIR, config_dir() / "themes"):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            try:
                result.themes.append(theme_from_file(path))
            except ValueError as exc:
                result.problems.append(str(exc))
    return result


def theme_from_file(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)}")
    if not isinstance(data.get("name"), str) or "primary" not in data:
        raise ValueError(f"{path}: a theme needs at least `name` and `primary`")
    missing = [v for v in SEVERITY_VARIABLES if v not in data.get("variables", {})]
    if missing:
        raise ValueError(f"{path}: [variables] lacks {', '.join(missing)}")
    try:
        return Theme(**data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _ui_state_file() -> Path:
    return state_dir() / "ui.json"


def _ui_state() -> dict:
    try:
        state = json.loads(_ui_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def remembered_theme(default: str = DEFAULT_THEME) -> str:
    value = _ui_state().get("theme")
    return value if isinstance(value, str) else default


def remember_theme(name: str) -> str | None:
    """Saves the choice for the next run; returns why it could not, or None."""
    path = _ui_state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_ui_state() | {"theme": name}), encoding="utf-8")
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    return None
