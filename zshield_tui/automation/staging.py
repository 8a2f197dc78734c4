"""Staging first: auto-create on a production target needs a recorded what-if run on it
and a passing dry run against its staging twin (`staging_twin = "NAME"`).

Runs are recorded in `automation-runs.json` in the user state dir (one small file, no
schema change): target -> kind -> {at, ok, detail}. The latest run of each kind counts.
The rules screen's auto-create switches are kept there too, under `_auto_create`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

WHATIF, DRY_RUN = "whatif", "dry_run"


def runs_path() -> Path:
    """Where runs are recorded; $ZSHIELD_RUNS overrides (tests, shared setups)."""
    from zshield_tui.paths import state_dir

    chosen = os.environ.get("ZSHIELD_RUNS")
    return Path(chosen) if chosen else state_dir() / "automation-runs.json"


def load_runs(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """All recorded runs; a missing or unreadable file is no runs."""
    path = path or runs_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_run(target: str, kind: str, *, ok: bool, detail: str = "",
               at: datetime | None = None, path: Path | None = None) -> None:
    """Records a what-if run or a dry run for `target` (replacing the previous one)."""
    path = path or runs_path()
    runs = load_runs(path)
    runs.setdefault(target, {})[kind] = {
        "at": (at or datetime.now(UTC)).isoformat(), "ok": ok, "detail": detail}
    _write(path, runs)


def auto_create_toggles(path: Path | None = None) -> dict[str, bool]:
    """Target -> auto-create switched on or off from the rules screen (overrides config)."""
    toggles = load_runs(path).get("_auto_create", {})
    return {k: bool(v) for k, v in toggles.items()} if isinstance(toggles, dict) else {}


def set_auto_create(target: Any, enabled: bool, path: Path | None = None) -> Verdict:
    """Switches auto-create on or off for `target`; switching on goes through the guard.
    Switching off is always allowed (it is the safe direction)."""
    if enabled:
        verdict = may_enable_auto_create(target, path)
        if not verdict.allowed:
            return verdict
    path = path or runs_path()
    runs = load_runs(path)
    runs.setdefault("_auto_create", {})[target.name] = enabled
    _write(path, runs)
    return Verdict(True, ())


def effective_targets(targets: list, path: Path | None = None) -> list:
    """The targets with the rules screen's auto-create switches applied: what the sync
    engine passes to `decide_auto_create`."""
    toggles = auto_create_toggles(path)
    result = []
    for target in targets:
        if target.name in toggles:
            auto = target.auto_create.model_copy(update={"enabled": toggles[target.name]})
            target = target.model_copy(update={"auto_create": auto})
        result.append(target)
    return result


def _write(path: Path, runs: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(runs, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a file


@dataclass(frozen=True)
class Verdict:
    """Whether auto-create may be switched on, and if not what is missing."""

    allowed: bool
    reasons: tuple[str, ...]

    def explain(self) -> str:
        return "allowed" if self.allowed else "; ".join(self.reasons)


def may_enable_auto_create(target: Any, path: Path | None = None) -> Verdict:
    """The guard the TUI toggle and any future CLI switch call before enabling."""
    if target.staging:
        return Verdict(True, ("a staging target",))
    runs = load_runs(path).get(target.name, {})
    missing = []
    if WHATIF not in runs:
        missing.append(f"run a what-if on {target.name} first (zshield rules whatif "
                       f"--target {target.name})")
    twin = getattr(target, "staging_twin", None)
    if twin is None:
        missing.append(f"{target.name} has no staging_twin to dry-run against")
    else:
        dry = runs.get(DRY_RUN)
        if dry is None:
            missing.append(f"dry-run on the staging twin {twin} first (zshield rules whatif "
                           f"--target {target.name} --dry-run)")
        elif not dry.get("ok"):
            missing.append(f"the last dry run on {twin} failed: {dry.get('detail', '')}")
    return Verdict(not missing, tuple(missing))
