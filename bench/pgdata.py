"""The PostgreSQL side of the benchmark data: the same generated alerts, in a database of
their own on the server (`ZSHIELD_BENCH_PG`, else 127.0.0.1:5432, trust auth).

`pg_million_db()` returns the database `zshield_bench_1m` (`zshield_bench_100k` with
`--quick`), created if missing, rebuilt when its schema (the text of every PostgreSQL
migration, hashed) or its number of alerts is not the expected one. It is built by COPY
(the ingest path is what `pgingest` measures, not what every other benchmark should wait
for), into the schema the migrations create: the alert table's secondary indices are
dropped for the load and created again from their own definitions, which is how
PostgreSQL builds a GIN index fastest. Then VACUUM ANALYZE, as autovacuum would do soon
after a real load: the planner's statistics and the visibility map that index-only scans
read.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from zshield_tui.domain import Severity
from zshield_tui.store import SCHEMA_VERSION, Database, Store, parse_database
from zshield_tui.store.alerts import iso
from zshield_tui.store.schema import MIGRATIONS

from .data import FULL, QUICK, native_jsonl, progress

SERVER = os.environ.get("ZSHIELD_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
_RANK = {s.value: s.rank for s in Severity}
_JSON_COLUMNS = ("tags", "assets", "iocs", "playbook", "raw")
# A native dump's row, in the alert table's column order (words is generated).
COLUMNS = ("id", "title", "description", "severity", "source", "category",
           "mitre_technique", "assigned_analyst", "state", "created_at", "parent_id",
           *_JSON_COLUMNS, "format", "ingested_at", "updated_at")


def admin():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)


def reachable() -> bool:
    import psycopg

    try:
        admin().close()
    except psycopg.Error:
        return False
    return True


def fresh_database(name: str) -> Database:
    """An empty database `name` on the server (dropped first if it exists)."""
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parse_database(f"{SERVER}/{name}")


def drop_database(name: str) -> None:
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_million_db(quick: bool = False) -> Database:
    count = QUICK if quick else FULL
    name = f"zshield_bench_{count // 1000}k" if quick else "zshield_bench_1m"
    database = parse_database(f"{SERVER}/{name}")
    if _usable(name, count):
        return database
    database = fresh_database(name)
    start = time.perf_counter()
    with Store(database) as store:
        copy_rows(store.conn, native_jsonl(count), count)
    seconds = time.perf_counter() - start
    with admin() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS %s" % _literal(json.dumps(
            {"alerts": count, "schema": _schema_digest(), "build_seconds": round(seconds, 1),
             "built_at": datetime.now(UTC).isoformat(timespec="seconds")})))
    print(f"built {name}: {count:,} alerts by COPY in {seconds:.1f} s", file=sys.stderr)
    return database


def build_info(name: str) -> dict[str, object]:
    with admin() as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                           "WHERE datname = %s", (name,)).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}


def copy_rows(conn, jsonl: Path, count: int) -> None:
    """COPY the file's alerts into the (empty) alert table, its indices built after."""
    raw = conn.raw
    indices = [r[0] for r in raw.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'alert' AND schemaname = "
        "current_schema() AND indexname LIKE 'ix_%'")]
    definitions = [r[0] for r in raw.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'alert' AND schemaname = "
        "current_schema() AND indexname LIKE 'ix_%'")]
    for index in indices:
        raw.execute(f"DROP INDEX {index}")
    with jsonl.open("rb") as lines:
        rows = progress(native_rows(lines, iso(datetime.now(UTC))), count, "COPY")
        while batch := list(islice(rows, 100_000)):
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY alert ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
    for definition in definitions:
        raw.execute(definition)
    raw.execute("VACUUM ANALYZE alert")


def native_rows(lines, now: str) -> Iterator[tuple]:
    """A native JSONL file's lines as alert rows: json.loads, and the nested values dumped
    again as the JSON text the table holds (any honest load pays for both)."""
    loads, dumps = json.loads, json.dumps
    for line in lines:
        r = loads(line)
        yield (r["id"], r["title"], r["description"], _RANK[r["severity"]], r["source"],
               r["category"], r["mitre_technique"], r["assigned_analyst"], r["state"],
               r["created_at"], r["parent_id"],
               *(dumps(r[c], separators=(",", ":")) for c in _JSON_COLUMNS),
               "zshield", now, now)


def _schema_digest() -> str:
    """Which PostgreSQL schema a database was built with: a migration's text may change
    before any database in the wild has it (its version number then does not)."""
    text = "\n".join(m.postgresql for m in MIGRATIONS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _usable(name: str, count: int) -> bool:
    import psycopg

    with admin() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            return False
    if build_info(name).get("schema") != _schema_digest():
        print(f"{name}: built with another schema; rebuilding", file=sys.stderr)
        return False
    try:
        with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
            version = conn.execute("SELECT version FROM zshield_schema").fetchone()[0]
            if version != SCHEMA_VERSION:
                print(f"{name}: schema {version}, want {SCHEMA_VERSION}; rebuilding",
                      file=sys.stderr)
                return False
            return conn.execute("SELECT count(*) FROM alert").fetchone()[0] == count
    except psycopg.Error:
        return False


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
