"""Opening a PostgreSQL database: URL rules, migration once under a lock, refusals."""

from __future__ import annotations

import pytest

from tests.together import at_once
from zshield_tui.store import SCHEMA_VERSION, Store, StoreError, parse_database
from zshield_tui.store.schema import schema_version


def test_a_sqlite_path_and_url_name_the_same_file(tmp_path):
    assert parse_database(tmp_path / "a.db").path == tmp_path / "a.db"
    assert parse_database(f"sqlite:///{tmp_path}/a.db").path == tmp_path / "a.db"


def test_a_password_in_the_url_is_refused_without_echoing_it():
    with pytest.raises(StoreError) as caught:
        parse_database("postgresql://bo:hunter2@db.example:5432/soc")
    assert "hunter2" not in str(caught.value)
    assert "password_env" in str(caught.value)


def test_the_password_comes_from_the_named_variable_and_never_shows():
    database = parse_database("postgresql://bo@db.example:5432/soc?sslmode=verify-full",
                              password_env="SOC_DB_PW", env={"SOC_DB_PW": "s3cr:t@x"})
    assert database.label == "postgresql://bo@db.example:5432/soc?sslmode=verify-full"
    assert "s3cr" not in str(database) and "s3cr" not in repr(database)
    assert database.conninfo == ("postgresql://bo:s3cr%3At%40x@db.example:5432/soc"
                                 "?sslmode=verify-full")


def test_an_unset_password_variable_is_named():
    with pytest.raises(StoreError, match="SOC_DB_PW, which is not set"):
        parse_database("postgresql://bo@db.example/soc", password_env="SOC_DB_PW", env={})


def test_other_databases_are_refused_by_name():
    with pytest.raises(StoreError, match=r"mysql://…"):
        parse_database("mysql://root@127.0.0.1/test")


def test_a_new_postgresql_database_is_migrated_to_this_schema(pg_database):
    with Store(pg_database) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        tables = {r[0] for r in store.conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()").fetchall()}
    assert {"alert", "ticket", "note", "outbox", "audit", "follow_checkpoint"} <= tables


def test_two_processes_starting_at_once_migrate_once(pg_database):
    def open_it(start) -> None:
        start.wait()
        Store(pg_database).close()

    at_once(open_it, 4)
    with Store(pg_database) as store:
        assert store.conn.execute("SELECT count(*) FROM zshield_schema").fetchone()[0] == 1


def test_a_newer_schema_is_refused_by_name(pg_database):
    with Store(pg_database) as store:
        store.conn.execute("UPDATE zshield_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        Store(pg_database)


def test_a_database_of_another_application_is_refused(pg_database):
    import psycopg

    with psycopg.connect(pg_database.conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a zshield database"):
        Store(pg_database)


def test_an_unreachable_server_is_one_line_naming_it():
    database = parse_database("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(StoreError) as caught:
        Store(database)
    message = str(caught.value)
    assert message.startswith("postgresql://postgres@127.0.0.1:1/nothing")
    assert "cannot connect" in message and "\n" not in message
