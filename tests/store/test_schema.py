import sqlite3

import pytest
from sqlmodel import SQLModel

import zshield_tui.store.tables  # noqa: F401  (registers the table classes)
from tests.factories import make_alert
from zshield_tui.store import SCHEMA_VERSION, AlertQuery, Store, StoreError, parse_filter
from zshield_tui.store.schema import migrate, schema_version


def _first_schema_database(path):
    """A database as the first released schema made it, holding one alert."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO alert (id, title, severity, created_at, ingested_at, updated_at, assets)"
        " VALUES ('ZS-1', 'Beacon from web-01', 3, '2026-11-24T10:00:00.000000Z',"
        " '2026-11-24T10:00:00.000000Z', '2026-11-24T10:00:00.000000Z',"
        " '[{\"hostname\": \"web-01\"}]')"
    )
    conn.close()


def test_a_first_schema_database_upgrades_and_keeps_its_alerts(tmp_path):
    path = tmp_path / "old.db"
    _first_schema_database(path)
    with Store(path) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        # the upgrade indexed the existing alert for free-text search
        rows = AlertQuery(store.conn, parse_filter("web-01")).page(0, 10)
        assert [r.id for r in rows] == ["ZS-1"]


def test_a_database_newer_than_the_code_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match=r"new\.db: schema version \d+ is newer"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_file_that_is_not_sqlite_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match=r"notes\.txt: not an SQLite database"):
        Store(path)
    assert path.read_text() == "hello"


def test_a_foreign_sqlite_database_is_not_taken_over(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a zshield database"):
        Store(path)


def test_the_orm_tables_match_the_migrated_schema(store):
    for table in SQLModel.metadata.sorted_tables:
        declared = {column.name for column in table.columns}
        actual = {row[1] for row in store.conn.execute(f"PRAGMA table_info({table.name})")}
        assert declared == actual, table.name


def test_the_database_runs_in_wal_mode(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("sort", ["time", "severity"])
def test_every_list_sort_order_walks_an_index_not_a_sort(store, sort):
    from zshield_tui.store.query import _ORDER, Sort

    plan = store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT a.seq FROM alert a ORDER BY {_ORDER[Sort(sort)]} LIMIT 10"
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert "USING" in details and "INDEX" in details
    assert "TEMP B-TREE" not in details


def test_an_upsert_after_upgrade_keeps_working(tmp_path):
    path = tmp_path / "old.db"
    _first_schema_database(path)
    with Store(path) as store:
        from zshield_tui.store import upsert_alerts

        counts = upsert_alerts(store.conn, [make_alert(5)], fmt="zshield")
        assert counts.inserted == 1


def test_a_version_5_database_gets_the_format_index_and_src_finds_by_format(tmp_path):
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=5)
    now = "2026-11-24T10:00:00.000000Z"
    conn.execute("INSERT INTO alert (id, title, severity, source, format, created_at,"
                 " ingested_at, updated_at) VALUES ('GD-1', 'Recon', 2, 'AWS Security Hub',"
                 " 'guardduty', ?, ?, ?)", (now, now, now))
    conn.close()
    with Store(path) as upgraded:
        names = {r[0] for r in upgraded.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "ix_alert_format" in names
        rows = AlertQuery(upgraded.conn, parse_filter("src:guardduty")).page(0, 10)
        assert [r.id for r in rows] == ["GD-1"]
