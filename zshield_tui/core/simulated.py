"""A config whose targets are the built-in simulators: what `zshield demo`, `make
screenshots` and the tests run against."""

from __future__ import annotations

from pathlib import Path


def write_sim_targets(folder: Path, jira_url: str, snow_url: str, *, jira_token_env: str,
                      snow_password_env: str) -> Path:
    """`config.toml` with targets `jira-sec` (Cloud, API token) and `snow-sir`
    (sn_si_incident, basic auth) on the simulators, and the documented example mappings;
    the secrets are read from the two environment variables named."""
    from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW
    from zshield_tui.sim.jira.state import CLOUD_EMAIL

    (folder / "jira-sec.json").write_text(EXAMPLE_JIRA, encoding="utf-8")
    (folder / "snow-sir.json").write_text(EXAMPLE_SNOW, encoding="utf-8")
    config = folder / "config.toml"
    snow_env = snow_password_env
    config.write_text(f"""# zshield demo: targets on the in-process simulators
[[targets]]
name = "jira-sec"
kind = "jira"
url = "{jira_url}"
deployment = "cloud"
auth = {{ method = "api_token", email = "{CLOUD_EMAIL}", token_env = "{jira_token_env}" }}
mapping = "jira-sec.json"

[[targets]]
name = "snow-sir"
kind = "servicenow"
url = "{snow_url}"
auth = {{ method = "basic", username = "zshield.integration", password_env = "{snow_env}" }}
mapping = "snow-sir.json"
close = {{ close_code = "Resolved", close_notes = "Closed from zshield" }}
""", encoding="utf-8")
    return config
