"""Schema versions and forward migrations, for SQLite and PostgreSQL.

Each migration is the SQL that takes a database from version N-1 to N, kept forever so a
database made by any earlier release upgrades in place; it has one text per database
(`schema_pg.py` holds PostgreSQL's where it differs). SQLite keeps the version in
`PRAGMA user_version`, PostgreSQL in the one-row table `zshield_schema`. A database newer
than this code is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .pg import POSTGRESQL, dialect
from .schema_pg import PG_V1, PG_V2, PG_V3, PG_V4, PG_V7, PG_V9, PG_V10, PG_V11


@dataclass(frozen=True)
class Migration:
    """One schema version: the same tables and columns, in each database's own words."""

    sqlite: str
    postgresql: str


_V1 = """
CREATE TABLE alert (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    severity INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    category TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    mitre_technique TEXT COLLATE NOCASE,
    assigned_analyst TEXT,
    state TEXT NOT NULL DEFAULT 'new',
    created_at TEXT NOT NULL,
    parent_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    assets TEXT NOT NULL DEFAULT '[]',
    iocs TEXT NOT NULL DEFAULT '[]',
    playbook TEXT NOT NULL DEFAULT '[]',
    raw TEXT NOT NULL DEFAULT '{}',
    format TEXT NOT NULL DEFAULT 'zshield',
    ingested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_alert_created ON alert (created_at, seq);
CREATE INDEX ix_alert_severity ON alert (severity, created_at, seq);
CREATE INDEX ix_alert_parent ON alert (parent_id);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    UNIQUE (alert_id, name)
);

CREATE TABLE ticket (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    key TEXT NOT NULL,
    remote_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    sla TEXT,
    configuration_item TEXT,
    last_synced_at TEXT,
    error TEXT,
    UNIQUE (target, key)
);
CREATE INDEX ix_ticket_alert ON ticket (alert_id);

CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'local',
    remote_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_note_alert ON note (alert_id, created_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_outbox_status ON outbox (status, target, id);

CREATE TABLE sync_cursor (
    target TEXT PRIMARY KEY,
    watermark TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    detail TEXT
);
CREATE INDEX ix_audit_alert ON audit (alert_id, at);
"""

# Version 2: free-text search and the indices behind the list's filter tokens. The FTS
# table is contentless: it indexes only the values inside the JSON columns (hostnames, IPs,
# IOC values, tags), not their keys, so searching "ip" does not match every alert. The
# triggers hand the same derived text to FTS5's 'delete' command that they indexed.
# '.', '-', '_' and '@' are part of tokens, so a hostname, an IP, a domain or an email is
# one token: "lt-fin-0" is then one cheap prefix, not a phrase whose last piece "0*"
# matches half the vocabulary. No prefix indices: they cost a third of ingest time, and
# the TUI waits for three characters anyway. New rows are indexed in bulk by
# FTS_INDEX_NEW after each ingest batch, in the same transaction: a per-row insert trigger
# made ingest five times slower.
_FTS_VALUES = {
    "assets": "(SELECT group_concat(value, ' ') FROM json_tree({row}.assets) WHERE type = 'text')",
    "iocs": "(SELECT group_concat(json_extract(value, '$.value'), ' ') FROM json_each({row}.iocs))",
    "tags": "(SELECT group_concat(value, ' ') FROM json_each({row}.tags))",
}


def _fts_row(row: str) -> str:
    derived = ", ".join(expr.format(row=row) for expr in _FTS_VALUES.values())
    return f"{row}.seq, {row}.title, {row}.description, {derived}"


FTS_INDEX_NEW = (
    "INSERT INTO alert_fts (rowid, title, description, assets, iocs, tags) "
    f"SELECT {_fts_row('alert')} FROM alert WHERE alert.seq > {{after}}"
)

_V2 = f"""
CREATE INDEX ix_alert_source ON alert (source, created_at);
CREATE INDEX ix_alert_category ON alert (category, created_at);
CREATE INDEX ix_alert_state ON alert (state, created_at);
CREATE INDEX ix_alert_technique ON alert (mitre_technique, created_at);

CREATE VIRTUAL TABLE alert_fts USING fts5 (
    title, description, assets, iocs, tags, content='',
    tokenize = "unicode61 tokenchars '.-_@'"
);
CREATE TRIGGER alert_fts_delete AFTER DELETE ON alert BEGIN
    INSERT INTO alert_fts (alert_fts, rowid, title, description, assets, iocs, tags)
    VALUES ('delete', {_fts_row("old")});
END;
CREATE TRIGGER alert_fts_update AFTER UPDATE OF title, description, assets, iocs, tags ON alert
BEGIN
    INSERT INTO alert_fts (alert_fts, rowid, title, description, assets, iocs, tags)
    VALUES ('delete', {_fts_row("old")});
    INSERT INTO alert_fts (rowid, title, description, assets, iocs, tags)
    VALUES ({_fts_row("new")});
END;
{FTS_INDEX_NEW.format(after=0)};
"""

# Version 3: sync state. One ticket per alert and target (what makes a push idempotent
# locally); `synced_state` is the alert state both sides last agreed on, so a poll can tell
# a remote change from a local one and spot a conflict. A local note's `sync_state` is
# pending / synced / failed; `note_link` keeps every remote comment id a note is known by,
# per target, which is what stops an echo. The outbox lease lets a crashed worker's claims
# be taken over.
_V3 = """
CREATE UNIQUE INDEX ux_ticket_alert_target ON ticket (alert_id, target);
ALTER TABLE ticket ADD COLUMN synced_state TEXT;
ALTER TABLE note ADD COLUMN sync_state TEXT;
CREATE TABLE note_link (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL REFERENCES note (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    UNIQUE (target, remote_id)
);
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
ALTER TABLE outbox ADD COLUMN done_at TEXT;
"""

# Version 4: automation and evidence. `remote_created_at` is when the remote system made the
# ticket: escalation counts its windows from there, not from our clock. `attachment` is what
# went up to each ticket (evidence files, the IOC list), one row per name, which is what
# makes an attach once-only.
_V4 = """
ALTER TABLE ticket ADD COLUMN remote_created_at TEXT;
CREATE TABLE attachment (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    name TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    attached_at TEXT NOT NULL,
    UNIQUE (alert_id, target, name)
);
"""

# Version 5: evidence confinement (DESIGN §4). `origin` is the absolute folder of the alert
# file that named the evidence file, set by the reader of that file, never by the record;
# NULL for stdin, the HTTP intake and rows from before this version: only the configured
# evidence roots vouch for those files.
_V5 = """
ALTER TABLE evidence ADD COLUMN origin TEXT;
"""

# Version 6: the format an alert was read in, indexed, so that `src:guardduty` finds a
# GuardDuty file's Security Hub findings (whose label does not say GuardDuty) among a
# million others without scanning them (filters.py). On `format` alone: entries of one
# ingest share the value and take increasing seqs, so they append to the index.
_V6 = """
CREATE INDEX ix_alert_format ON alert (format);
"""

# Version 7: where `zshield ingest --follow` stopped in each file it reads, written in the
# same transaction as the alerts read up to there, so a crash at any moment resumes
# exactly (intake/follow.py). Keyed by the file's identity, not its name: a rotated file
# keeps its inode under a new name, and a new file at the old name is another file.
# `line` counts the lines before the offset, for messages. `first_line` (a hash of the
# file's first line) tells a reused inode or a rewritten file from the one the offset
# belongs to.
_V7 = """
CREATE TABLE follow_checkpoint (
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    path TEXT NOT NULL,
    "offset" INTEGER NOT NULL,
    line INTEGER NOT NULL DEFAULT 0,
    first_line TEXT NOT NULL,
    format TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (device, inode)
);
"""

# Version 8: the ticket's parent on the remote side (the parent alert's ticket key once the
# link exists there: a Jira issue link or sub-task parent, ServiceNow's parent_incident /
# parent_security_incident). NULL until the `link` op has made it, which is what makes the
# link once-only.
_V8 = """
ALTER TABLE ticket ADD COLUMN remote_parent TEXT;
"""

# Version 9: staging first, kept where every process and every analyst of a team sees it
# (automation/staging.py). `staging_run` is each `zshield rules stage` run of a production
# target on its staging twin, with the fingerprint of what it tested (mapping file, rules,
# filters): production auto-create needs a passing run with today's fingerprint.
# `tickets` is a JSON list of what was created, `problems` one of what went wrong.
# `auto_create_switch` is the rules screen's per-target on/off, over the config's value.
_V9 = """
CREATE TABLE staging_run (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    twin TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    ok INTEGER NOT NULL,
    tickets TEXT NOT NULL DEFAULT '[]',
    problems TEXT NOT NULL DEFAULT '[]',
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_staging_run_target ON staging_run (target, fingerprint, id);
CREATE TABLE auto_create_switch (
    target TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL,
    actor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# Version 10: team mode's "no silent overwrite" (DESIGN §6). `version` counts the
# analysts' changes to an alert (state, assignment, notes); a change made on a view of an
# older version is refused (store/versions.py). PostgreSQL also tells every open TUI of
# each change (schema_pg.py); SQLite's open TUIs look at `PRAGMA data_version` instead.
_V10 = """
ALTER TABLE alert ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
"""

# Version 11: recurring alerts (issue 15 §2). A `recurrence_group` is one ticket's worth of
# alerts that share a target's `group_by` key: its first alert owns the ticket, each later
# one is a `recurrence` row (one per alert and target: what makes counting retry-safe).
# `reported` is the count the last recurrence comment confirmed on the ticket; `sending`
# holds the text of a comment that may have gone out without its answer, so a rerun looks
# for it before posting again. `ended_at`: the group was closed and a new ticket started.
# `draft` keeps a recurrence's create payload for when a closed ticket asks for a new one.
_V11 = """
CREATE TABLE recurrence_group (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    group_key TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    recurrences INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0,
    sending TEXT,
    sending_count INTEGER,
    ended_at TEXT,
    UNIQUE (target, alert_id)
);
CREATE INDEX ix_recurrence_group_key ON recurrence_group (target, group_key, id);
CREATE TABLE recurrence (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES recurrence_group (id) ON DELETE CASCADE,
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    at TEXT NOT NULL,
    draft TEXT,
    UNIQUE (alert_id, target)
);
CREATE INDEX ix_recurrence_group ON recurrence (group_id, id);
"""

MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(sqlite=script, postgresql=pg)
    for script, pg in ((_V1, PG_V1), (_V2, PG_V2), (_V3, PG_V3), (_V4, PG_V4), (_V5, _V5),
                       (_V6, _V6), (_V7, PG_V7), (_V8, _V8), (_V9, PG_V9),
                       (_V10, PG_V10), (_V11, PG_V11))
)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(Exception):
    """The database cannot be used by this code (newer schema, not a zshield database)."""


# Any fixed number: two processes starting at once on one PostgreSQL database take turns.
_MIGRATE_LOCK = 0x7A5368_1E1D


def schema_version(conn: Any) -> int:
    if dialect(conn) == POSTGRESQL:
        if conn.execute("SELECT to_regclass('zshield_schema')").fetchone()[0] is None:
            return 0
        row = conn.execute("SELECT version FROM zshield_schema").fetchone()
        return row[0] if row else 0
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: Any, *, target: int = SCHEMA_VERSION, label: str = "") -> int:
    """Brings the database up to `target`; returns the version it started at.

    Each step runs in its own transaction with the version bump, so a crash mid-way leaves
    the database at the last completed version, never half-migrated. On PostgreSQL the
    whole run holds an advisory lock: a second process waits, then finds nothing to do.
    """
    if dialect(conn) == POSTGRESQL:
        conn.execute("SELECT pg_advisory_lock(?)", (_MIGRATE_LOCK,))
        try:
            return _migrate(conn, target, label)
        finally:
            conn.execute("SELECT pg_advisory_unlock(?)", (_MIGRATE_LOCK,))
    return _migrate(conn, target, label)


def _migrate(conn: Any, target: int, label: str) -> int:
    start = schema_version(conn)
    if start > SCHEMA_VERSION:
        raise SchemaError(
            f"{label or 'database'}: schema version {start} is newer than this zshield "
            f"(knows up to {SCHEMA_VERSION}); upgrade zshield"
        )
    if start == 0 and _has_foreign_tables(conn):
        raise SchemaError(f"{label or 'database'}: not a zshield database (it has other tables)")
    for version in range(start + 1, target + 1):
        if dialect(conn) == POSTGRESQL:
            _step_pg(conn, MIGRATIONS[version - 1].postgresql, version)
        else:
            _step_sqlite(conn, MIGRATIONS[version - 1].sqlite, version)
    return start


def _step_sqlite(conn: sqlite3.Connection, script: str, version: int) -> None:
    # executescript commits any open transaction first, so BEGIN/COMMIT are explicit.
    try:
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.rollback()
        raise


def _step_pg(conn: Any, script: str, version: int) -> None:
    # PostgreSQL's DDL is transactional: the step and its version bump commit together.
    with conn.raw.transaction():
        conn.raw.execute(script)
        conn.raw.execute("CREATE TABLE IF NOT EXISTS zshield_schema (version INTEGER NOT NULL)")
        conn.raw.execute("DELETE FROM zshield_schema")
        conn.raw.execute("INSERT INTO zshield_schema (version) VALUES (%s)", (version,))


def _has_foreign_tables(conn: Any) -> bool:
    if dialect(conn) == POSTGRESQL:
        row = conn.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema = current_schema()").fetchone()
        return row[0] > 0
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return row[0] > 0
