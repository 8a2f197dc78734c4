"""Live intake: alerts that arrive while zshield runs, rather than from a file named once.

Files that grow (`zshield ingest --follow`, `[[sources]]`):

    follower = Follower(["/var/log/suricata/eve.json", "/var/log/*.ndjson"], "auto",
                        load_checkpoints(conn), say=print)
    Pump(conn, follower, committed=report).run(stop=lambda: stopping)

`records` cuts bytes into whole records, `tail` holds one open file and where it was read
to, `follow` watches names (rotation, truncation, late files, globs), `batch` converts
records and commits alerts with their checkpoints, `pump` is the loop.

Senders that push (`zshield receive`): `receive` serves `POST /alerts`, `receive_body`
parses a body, `receive_writer` commits concurrent requests together, `receive_server`
binds and serves.

Nothing is imported here, so each intake loads only what it uses.
"""
