"""`zshield db migrate` and `zshield db copy --to URL` against the PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import json

from tests.cli.runner import run
from tests.factories import make_alert
from zshield_tui.store import SCHEMA_VERSION, Store, upsert_alerts


def _seed(path) -> None:
    with Store(path) as store:
        upsert_alerts(store.conn, [make_alert(n) for n in range(40)], fmt="zshield")
        conn = store.conn
        conn.execute("INSERT INTO ticket (alert_id, target, key, remote_id, url, status) VALUES "
                     "('ZS-000001', 'jira-sec', 'SEC-1', '10001', 'https://x/SEC-1', 'To Do')")
        conn.execute("INSERT INTO note (alert_id, body, author, created_at) "
                     "VALUES ('ZS-000001', 'looked at it', 'bo', '2026-12-01T10:00:00.000+00:00')")
        note_id = conn.execute("SELECT max(id) FROM note").fetchone()[0]
        conn.execute("INSERT INTO note_link (note_id, target, remote_id) VALUES (?, ?, ?)",
                     (note_id, "jira-sec", "c-1"))
        conn.execute("INSERT INTO outbox (target, alert_id, operation, created_at) "
                     "VALUES ('jira-sec', 'ZS-000002', 'create', '2026-12-01T10:00:00.000+00:00')")


def _counts(database) -> dict[str, int]:
    with Store(database) as store:
        return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("alert", "ticket", "note", "note_link", "outbox")}


def test_migrate_says_what_it_did_then_that_there_is_nothing_to_do(env, capsys, pg_database):
    code, out, _ = run(capsys, "--db", pg_database.conninfo, "db", "migrate", "--json")
    assert code == 0
    assert json.loads(out) == {"database": pg_database.label, "from": 0, "to": SCHEMA_VERSION}
    code, out, _ = run(capsys, "--db", pg_database.conninfo, "db", "migrate")
    assert code == 0 and "nothing to do" in out


def test_copy_moves_every_row_verifies_counts_and_is_idempotent(env, capsys, pg_database):
    local = env / "analyst.db"
    _seed(local)
    code, out, err = run(capsys, "--db", str(local), "db", "copy", "--to", pg_database.conninfo,
                         "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["verified"] is True
    by_table = {t["table"]: t for t in report["tables"]}
    assert by_table["alert"] == {"table": "alert", "source": 40, "copied": 40, "present": 0}
    assert _counts(pg_database) == _counts(local)

    code, out, _ = run(capsys, "--db", str(local), "db", "copy", "--to", pg_database.conninfo,
                       "--json")
    again = {t["table"]: t for t in json.loads(out)["tables"]}
    assert code == 0 and again["alert"]["copied"] == 0 and again["alert"]["present"] == 40
    assert _counts(pg_database) == _counts(local)


def test_after_a_copy_new_rows_take_new_keys(env, capsys, pg_database):
    local = env / "analyst.db"
    _seed(local)
    assert run(capsys, "--db", str(local), "db", "copy", "--to", pg_database.conninfo)[0] == 0
    with Store(pg_database) as store:
        new_id = store.conn.execute(
            "INSERT INTO note (alert_id, body, author, created_at) VALUES ('ZS-000003', "
            "'after', 'al', '2026-12-02T10:00:00.000+00:00') RETURNING id").fetchone()[0]
        assert new_id > store.conn.execute("SELECT min(id) FROM note").fetchone()[0]


def test_copying_a_database_onto_itself_is_refused(env, capsys):
    local = env / "analyst.db"
    _seed(local)
    code, _, err = run(capsys, "--db", str(local), "db", "copy", "--to", f"sqlite:///{local}")
    assert code == 2 and "that is the database being copied" in err


def test_copy_without_to_is_a_usage_error(env, capsys):
    code, _, err = run(capsys, "db", "copy")
    assert code == 2 and "--to URL is required" in err
