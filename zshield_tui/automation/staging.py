"""Staging first: a production target (not `staging = true`) auto-creates only while a
passing `zshield rules stage` run is on record for what it would send today.

A run records the fingerprint of what it tested: the target's mapping file, the rules that
route to it (with its threshold and twin) and the mapping filters. Any edit to them
changes the fingerprint, and production auto-create waits until a run with the new one
passes. Whether auto-create is wanted comes from the config or, over it, the rules
screen's switch; both go through this one gate, which `effective_targets` applies where
auto-create decides (sync/automate.py), so ingest, follow, the daemon and the TUI all
obey it. Runs and switches live in the database (store/staging_rows.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zshield_tui.store import staging_rows as rows

STAGE_HINT = "zshield rules stage --target {name}"


def mapping_path(config_file: Path, target: Any) -> Path | None:
    """The target's mapping file, as the sync layer resolves it (relative to the config)."""
    if not target.mapping:
        return None
    path = Path(target.mapping).expanduser()
    return path if path.is_absolute() else config_file.parent / path


def _digest(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(
        value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(config: Any, config_file: Path, target: Any) -> str:
    """`mapping=<sha256> rules=<sha256> filters=<sha256>`: what a staging run tests. Kept
    in parts so that a pause can say which part changed."""
    path = mapping_path(config_file, target)
    try:
        mapping = path.read_text(encoding="utf-8") if path is not None else "(none)"
    except (OSError, UnicodeDecodeError) as exc:
        mapping = f"(unreadable: {type(exc).__name__})"
    routing = {"rules": [r.model_dump(mode="json") for r in config.rules
                         if r.then.target == target.name],
               "min_severity": target.auto_create.min_severity,
               "staging_twin": target.staging_twin}
    return (f"mapping={_digest(mapping)} rules={_digest(routing)} "
            f"filters={_digest(config.mapping.filters)}")


def _changed_parts(old: str, new: str) -> list[str]:
    before = dict(p.split("=", 1) for p in old.split() if "=" in p)
    after = dict(p.split("=", 1) for p in new.split() if "=" in p)
    names = {"mapping": "the mapping file", "rules": "its rules", "filters": "the filters"}
    return [names[k] for k in names if before.get(k) != after.get(k)]


@dataclass(frozen=True)
class Gate:
    """Auto-create on one target: wanted (by the config or the rules screen) and whether
    staging first holds it back."""

    target: str
    wanted: bool
    switched: bool           # True: the rules screen's switch decides, not the config
    staging: bool
    min_severity: str
    paused: str | None = None
    """Why a wanted production auto-create waits; None when it runs (or is not wanted)."""

    @property
    def active(self) -> bool:
        return self.wanted and self.paused is None


def pause_reason(conn: Any, config: Any, config_file: Path, target: Any) -> str | None:
    """Why production auto-create on `target` must wait, or None when a passing staging
    run with today's fingerprint is on record (or the target is a staging one)."""
    if target.staging:
        return None
    hint = STAGE_HINT.format(name=target.name)
    if target.staging_twin is None:
        return (f"no staging_twin to stage on: set staging_twin = \"NAME\" on "
                f"{target.name}, then {hint}")
    now = fingerprint(config, config_file, target)
    run = rows.latest_run(conn, target.name, now)
    if run is None:
        last = rows.latest_run(conn, target.name)
        if last is None:
            return f"no staging run on record: {hint}"
        changed = " and ".join(_changed_parts(last.fingerprint, now)) or "what it tested"
        return f"{changed} changed since the staging run of {last.at[:16]}Z: {hint}"
    if not run.ok:
        first = run.problems[0] if run.problems else "see the run"
        return f"the last staging run on {run.twin} failed ({first}): fix it, then {hint}"
    return None


def gates(conn: Any, config: Any, config_file: Path) -> dict[str, Gate]:
    """Every target's gate, from the config, the switches and the staging runs."""
    import_legacy_switches(conn)
    switches = rows.auto_create_switches(conn)
    out = {}
    for target in config.targets:
        switched = target.name in switches
        wanted = switches[target.name] if switched else target.auto_create.enabled
        paused = pause_reason(conn, config, config_file, target) if wanted else None
        out[target.name] = Gate(target.name, wanted, switched, target.staging,
                                target.auto_create.min_severity, paused)
    return out


def effective_targets(conn: Any, config: Any, config_file: Path,
                      found: dict[str, Gate] | None = None) -> list:
    """The config's targets with auto-create as the gate allows it now: what
    `decide_auto_create` is given."""
    found = gates(conn, config, config_file) if found is None else found
    result = []
    for target in config.targets:
        gate = found[target.name]
        if gate.active != target.auto_create.enabled:
            auto = target.auto_create.model_copy(update={"enabled": gate.active})
            target = target.model_copy(update={"auto_create": auto})
        result.append(target)
    return result


@dataclass(frozen=True)
class Verdict:
    """Whether auto-create may be switched on, and if not what is missing."""

    allowed: bool
    reasons: tuple[str, ...]

    def explain(self) -> str:
        return "allowed" if self.allowed else "; ".join(self.reasons)


def set_auto_create(conn: Any, config: Any, config_file: Path, name: str, enabled: bool, *,
                    actor: str, at: datetime | None = None) -> Verdict:
    """The rules screen's switch. Off is always allowed (the safe direction); on goes
    through the same gate as the config's `auto_create.enabled`."""
    target = next(t for t in config.targets if t.name == name)
    if enabled and (reason := pause_reason(conn, config, config_file, target)):
        return Verdict(False, (reason,))
    rows.set_auto_create_switch(conn, name, enabled, actor=actor, at=at or datetime.now(UTC))
    return Verdict(True, ())


def legacy_runs_path() -> Path:
    """The per-user file that held the switches before schema v10; $ZSHIELD_RUNS
    overrides (tests)."""
    from zshield_tui.paths import state_dir

    chosen = os.environ.get("ZSHIELD_RUNS")
    return Path(chosen) if chosen else state_dir() / "automation-runs.json"


def import_legacy_switches(conn: Any) -> None:
    """Moves the old file's auto-create switches into the database once (a switch already
    there wins), then renames the file. Its what-if and dry runs are not imported: they
    never sent a ticket, so they prove nothing a staging run does."""
    path = legacy_runs_path()
    if not path.is_file():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    switches = data.get("_auto_create") if isinstance(data, dict) else None
    now = datetime.now(UTC)
    for name, enabled in (switches.items() if isinstance(switches, dict) else ()):
        rows.set_auto_create_switch(conn, str(name), bool(enabled), actor="(imported)",
                                    at=now, replace=False)
    # A read-only state folder keeps the file: importing it again changes nothing.
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".imported"))
