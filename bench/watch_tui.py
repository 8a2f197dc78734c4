"""`python -m bench.watch_tui SECONDS ARGS...`: `zshield ARGS...` with the triage screen
looking for other processes' commits every SECONDS instead of every WATCH_INTERVAL.

For `LIVE_WATCH_INTERVAL=0.25 python -m bench live`: what a shorter interval would give,
measured the same way, without changing the app.
"""

import sys

from zshield_tui.cli import main
from zshield_tui.tui.screens import triage

triage.WATCH_INTERVAL = float(sys.argv[1])
sys.exit(main(sys.argv[2:]))
