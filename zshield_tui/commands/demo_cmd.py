"""`zshield demo`: the TUI on a fresh database of generated alerts, with the Jira and
ServiceNow simulators running in this process and two targets configured on them, so
`p` pushes at once. The simulators' test secrets go into this process's environment only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from zshield_tui.core.simulated import write_sim_targets
from zshield_tui.demodata import generate_alerts
from zshield_tui.store import Store, parse_database, upsert_alerts

from .context import EXIT_OK, Context

JIRA_TOKEN_ENV = "ZSHIELD_DEMO_JIRA_TOKEN"
SNOW_PASSWORD_ENV = "ZSHIELD_DEMO_SNOW_PASSWORD"
# The generated evidence files, beside the demo's config; an evidence root there, since
# seeded alerts come from no alert file whose folder could vouch for them.
EVIDENCE_DIR = "evidence"


def run(ctx: Context, *, count: int) -> int:
    from zshield_tui.sim.background import serving

    with tempfile.TemporaryDirectory(prefix="zshield-demo-") as scratch:
        folder = Path(scratch)
        path = parse_database(ctx.db_override) if ctx.db_override else folder / "demo.db"
        seed(path, count=count, evidence_dir=folder / EVIDENCE_DIR)
        with serving("jira") as jira_url, serving("servicenow") as snow_url:
            config = write_demo_config(folder, jira_url, snow_url)
            print(f"zshield demo: Jira simulator {jira_url}, ServiceNow simulator {snow_url}",
                  flush=True)
            from zshield_tui.tui.app import ZShieldApp

            ZShieldApp(path, config_file=config).run()
    return EXIT_OK


def write_demo_config(folder: Path, jira_url: str, snow_url: str) -> Path:
    """The demo's config, with the simulators' secrets in this process's environment."""
    from zshield_tui.sim.jira.state import CLOUD_TOKEN

    os.environ[JIRA_TOKEN_ENV] = CLOUD_TOKEN
    os.environ[SNOW_PASSWORD_ENV] = "zshield"   # the simulator's integration user
    config = write_sim_targets(folder, jira_url, snow_url, jira_token_env=JIRA_TOKEN_ENV,
                               snow_password_env=SNOW_PASSWORD_ENV)
    with config.open("a", encoding="utf-8") as out:
        out.write(DEMO_RULES)
        out.write(f'\n[evidence]\nroots = ["{EVIDENCE_DIR}"]\n')
    return config


# Something for the rules screen (4) to explain; auto-create stays off until the analyst
# switches it on there, as it would on a real target.
DEMO_RULES = """
[[rules]]
name = "critical to OPS, on call"
when = { min_severity = "critical" }
then = { target = "jira-sec", project = "OPS", assign = "oncall:primary" }

[[rules]]
name = "phishing to the SIR queue"
when = { category = "phishing" }
then = { target = "snow-sir", group = "Security Operations" }

[oncall.primary]
members = ["ana@example.com", "bo@example.com"]
rotation = "daily"
start = 2026-01-05T09:00:00
timezone = "Europe/Berlin"

[escalation]
unacknowledged_after = "30m"
action = { raise_priority = true, comment = "Escalated: unacknowledged for {{ age }}" }
"""


def seed(path: Path, *, count: int, evidence_dir: Path) -> None:
    """Fills the database with `count` generated alerts (idempotent for the same seed)."""
    print(f"zshield demo: generating {count:,} alerts in {path}…", flush=True)
    with Store(path) as store:
        upsert_alerts(store.conn, generate_alerts(count, evidence_dir=evidence_dir),
                      fmt="zshield")
