"""`zshield config init`: a commented starter config and the two documented mappings."""

from __future__ import annotations

from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW

from .context import EXIT_FAILED, EXIT_OK, Context

STARTER = '''\
# zshield configuration. `zshield config check` validates it; `zshield config path`
# shows where everything lives. Secrets never go here: name the environment variable.

[database]
# url = "sqlite:////path/to/zshield.db"   # default: zshield.db in the user data dir

[user]
# name = "bo"                              # on notes, audit rows, assignments; default: your login

[[targets]]
name = "jira-sec"
kind = "jira"                              # jira | servicenow
url = "https://yourorg.atlassian.net"
deployment = "cloud"                       # cloud (REST v3, ADF) | datacenter (REST v2)
auth = { method = "api_token", email = "soc-bot@yourorg.com", token_env = "ZSHIELD_JIRA_TOKEN" }
# Data Center: auth = { method = "pat", token_env = "ZSHIELD_JIRA_PAT" }
mapping = "mappings/jira-sec.json"         # relative to this file; try `zshield preview`
auto_create = { enabled = false, min_severity = "high" }
# workflow.outbound = { acknowledged = "Start Progress", resolved = "Done" }
# workflow.inbound  = { "In Progress" = "in_progress", "Done" = "resolved" }

[[targets]]
name = "snow-sir"
kind = "servicenow"
url = "https://yourorg.service-now.com"
auth = { method = "basic", username = "zshield", password_env = "ZSHIELD_SNOW_PASSWORD" }
# OAuth: { method = "oauth2", client_id = "...", client_secret_env = "...",
#          username = "zshield", password_env = "..." }
mapping = "mappings/snow-sir.json"
# close = { close_code = "Resolved", close_notes = "Closed from zshield: {{ alert.title }}" }

# [[rules]]                                # evaluated in order; the first match routes
# name = "critical to SOC-CRIT"
# when = { min_severity = "critical" }
# then = { target = "jira-sec", project = "SOCCRIT", assign = "oncall:primary" }

# [keymap]                                 # binding id -> key; `?` in the TUI lists ids
# "triage.mapping" = "M"
'''


def init(ctx: Context) -> int:
    """Writes the starter files next to the config path; refuses to overwrite any."""
    folder = ctx.config_file.parent
    files = {
        ctx.config_file: STARTER,
        folder / "mappings" / "jira-sec.json": EXAMPLE_JIRA,
        folder / "mappings" / "snow-sir.json": EXAMPLE_SNOW,
    }
    if existing := [str(path) for path in files if path.exists()]:
        print(f"zshield: config init: not overwriting {', '.join(existing)}; "
              "move them away first", file=ctx.err)
        return EXIT_FAILED
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never clobber a racing writer
            out.write(text)
        print(f"wrote {path}", file=ctx.out)
    print("next: set the token variables, then `zshield config check`", file=ctx.out)
    return EXIT_OK
