"""The what-if replay, for `zshield rules whatif` and the rules screen alike: the rules
and mappings of today over the alerts of the last days, and which targets are paused for
staging (a replay counts their tickets as if they ran; a staging run is what unpauses
them, see core/staging.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zshield_tui.config import Config


class WhatIfError(ValueError):
    """The replay was asked for something it cannot do; the message says which option."""


@dataclass(frozen=True)
class WhatIf:
    """The replay's result (automation.whatif) and the targets whose mapping could not
    be checked, with why."""

    result: Any
    not_checked: list[str]
    dry_run_target: str | None = None   # the staging twin the drafts were checked on
    paused: dict[str, str] = field(default_factory=dict)
    """Target -> why its auto-create waits for a staging run."""

    @property
    def failed(self) -> bool:
        """A dry run whose drafts did not all pass on the staging twin."""
        return self.dry_run_target is not None and bool(self.result.failures)


def run_whatif(config: Config, config_file: Path, database: Path, metadata_dir: Path, *,
               days: int, target: str | None = None, dry_run: bool = False,
               now: datetime | None = None) -> WhatIf:
    """Replays `days` days for every target (or one). With `dry_run`, `target`'s drafts
    are checked offline against its staging twin's mapping (a quick look; only
    `zshield rules stage` sends and unpauses). Raises WhatIfError for bad options."""
    from zshield_tui.automation.mapping_check import combined, mapping_checks
    from zshield_tui.automation.staging import gates
    from zshield_tui.automation.whatif import replay
    from zshield_tui.store import Store

    names = {t.name: t for t in config.targets}
    if days < 1:
        raise WhatIfError("--days: must be 1 or more")
    if target is not None and target not in names:
        raise WhatIfError(f"--target: no target {target!r}; known: "
                          f"{', '.join(names) or 'none'}")
    check_target = target
    if dry_run:
        if target is None or names[target].staging_twin is None:
            raise WhatIfError("--dry-run needs --target NAME of a target with a staging_twin")
        check_target = names[target].staging_twin
    # The connectors cache create metadata; until one has, the built-in rules are used.
    checks, problems = mapping_checks(config, config_file, metadata_dir)
    if dry_run and check_target not in checks:
        raise WhatIfError(f"--dry-run: the staging twin {check_target} has no usable mapping: "
                          + "; ".join(p for p in problems if p.startswith(str(check_target))))
    check = combined(checks, {target: check_target} if dry_run and target else None)
    with Store(database, create=False) as store:
        result = replay(store.conn, config, days, now=now or datetime.now(UTC), target=target,
                        check=check)
        paused = {n: g.paused for n, g in gates(store.conn, config, config_file).items()
                  if g.paused and (target is None or n == target)}
    return WhatIf(result, problems, check_target if dry_run else None, paused)
