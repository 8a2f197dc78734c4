"""Live intake: alerts that keep coming, from files that grow (`ingest --follow`).

    follower = Follower(["/var/log/suricata/eve.json", "/var/log/*.ndjson"], "auto",
                        load_checkpoints(conn), say=print)
    Pump(conn, follower, committed=report).run(stop=lambda: stopping)

`records` cuts bytes into whole records, `tail` holds one open file and where it was read
to, `follow` watches names (rotation, truncation, late files, globs), `batch` converts
records and commits alerts with their checkpoints, `pump` is the loop.
"""

from .batch import Batch, FileBatch
from .follow import Follower
from .pump import Pump

__all__ = ["Batch", "FileBatch", "Follower", "Pump"]
