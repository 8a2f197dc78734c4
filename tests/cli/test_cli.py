"""The headless commands as a script or an analyst at a shell uses them."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.runner import run
from tests.conftest import SAMPLES


def test_ingest_loads_every_sample_format_and_reports_counts(env, capsys):
    db = str(env / "z.db")
    files = sorted(str(p) for p in SAMPLES.rglob("*.json*"))
    code, out, err = run(capsys, "--db", db, "ingest", *files)
    assert code == 0, err
    assert "eve_mixed_surevego.jsonl: 68 alerts (suricata): 68 new" in out
    assert "198 skipped, 0 errors" in out
    # The Wazuh subset repeats two records: said, as warnings that change no exit code.
    assert [line.split(": ", 1)[1].split(" (")[0] for line in err.splitlines()] == [
        "duplicate id 'wazuh:4a2a5c3592e5c10d9ad7'", "duplicate id 'wazuh:62c1072ac89438549159'"]


def test_ingesting_twice_updates_nothing_and_duplicates_nothing(env, capsys):
    db = str(env / "z.db")
    sample = str(SAMPLES / "wazuh" / "wazuh_alerts_eventsgen_subset.jsonl")
    _, first, _ = run(capsys, "--db", db, "ingest", sample)
    # the subset repeats two records byte for byte: they are one alert each
    assert "300 alerts (wazuh): 298 new, 0 updated, 2 unchanged" in first
    code, out, _ = run(capsys, "--db", db, "ingest", sample)
    assert code == 0
    assert "0 new, 0 updated, 300 unchanged" in out
    _, listed, _ = run(capsys, "--db", db, "list", "--limit", "1000", "--json")
    assert len(listed.splitlines()) == 298


def test_bad_records_are_listed_with_file_and_line_and_the_rest_load(env, capsys, tmp_path):
    bad = tmp_path / "mixed.jsonl"
    good = {"id": "ZS-1", "title": "ok", "severity": "high",
            "created_at": "2026-11-24T10:00:00Z"}
    bad.write_text("\n".join([
        json.dumps(good),
        "{not json",
        json.dumps(good | {"id": "ZS-2", "severity": "urgent"}),
        json.dumps(good | {"id": "ZS-3"}),
    ]) + "\n")
    code, out, err = run(capsys, "--db", str(env / "z.db"), "ingest", str(bad))
    assert code == 1
    assert f"{bad}:2:" in err
    assert f"{bad}:3: severity" in err
    assert "2 alerts" in out and "2 errors" in out


def test_a_missing_file_or_unknown_format_is_one_line_and_exit_2(env, capsys):
    code, _, err = run(capsys, "--db", str(env / "z.db"), "ingest", str(env / "nope.json"))
    assert code == 2
    assert "nope.json" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_database_that_is_not_sqlite_is_refused_with_exit_2(env, capsys):
    notdb = env / "notes.db"
    notdb.write_text("not a database")
    code, _, err = run(capsys, "--db", str(notdb), "list")
    assert code == 2
    assert err.strip() == f"zshield: {notdb}: not an SQLite database"
    assert notdb.read_text() == "not a database"


def test_show_on_a_missing_database_says_so_and_exits_2(env, capsys):
    code, _, err = run(capsys, "--db", str(env / "none.db"), "show", "ZS-1")
    assert code == 2
    assert "none.db: no such database" in err


def test_list_filters_and_prints_json_lines(env, capsys):
    db = str(env / "z.db")
    run(capsys, "--db", db, "ingest", str(SAMPLES / "wazuh"))
    code, out, _ = run(capsys, "--db", db, "list", "--filter", "sev:>=high", "--json",
                       "--limit", "500")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    assert {r["severity"] for r in rows} <= {"high", "critical"}


def test_list_with_a_bad_filter_explains_and_exits_2(env, capsys):
    code, _, err = run(capsys, "--db", str(env / "z.db"), "list", "--filter", "sev:urgent")
    assert code == 2
    assert "--filter: sev:urgent: unknown severity 'urgent'" in err


def test_show_json_is_one_document_with_tickets_notes_and_children(env, capsys):
    db = str(env / "z.db")
    sample = SAMPLES / "guardduty" / "guardduty_sample_finding_ec2.json"
    run(capsys, "--db", db, "ingest", str(sample))
    _, out, _ = run(capsys, "--db", db, "list", "--json")
    alert_id = json.loads(out.splitlines()[0])["id"]
    code, out, _ = run(capsys, "--db", db, "show", alert_id, "--json")
    document = json.loads(out)
    assert code == 0
    assert document["id"] == alert_id
    assert document["tickets"] == [] and document["notes"] == [] and document["children"] == []
    assert document["raw"]["type"] == "Canary:EC2/Stateless.IntegTest"


def test_show_of_an_unknown_alert_exits_1(env, capsys):
    run(capsys, "--db", str(env / "z.db"), "list")
    code, _, err = run(capsys, "--db", str(env / "z.db"), "show", "ZS-404")
    assert code == 1
    assert "no alert with id 'ZS-404'" in err


def test_config_path_names_the_files_and_honours_overrides(env, capsys):
    code, out, _ = run(capsys, "--db", str(env / "x.db"), "config", "path")
    assert code == 0
    assert f"config    {env / 'config' / 'zshield' / 'config.toml'}" in out
    assert f"database  {env / 'x.db'}" in out


def test_a_bad_config_names_file_and_field_and_exits_2(env, capsys):
    config = env / "bad.toml"
    config.write_text('[[targets]]\nname = "jira-sec"\nkind = "jira"\n'
                      'url = "http://jira.example.com"\ndeployment = "cloud"\n'
                      'auth = { method = "pat", token_env = "T" }\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert f"{config}: targets[0] (jira-sec): url 'http://jira.example.com' must be https" in err


def test_stdin_is_read_with_a_dash(env):
    record = json.dumps({"id": "ZS-9", "title": "from a pipe", "severity": "low",
                         "created_at": "2026-11-24T10:00:00Z"})
    result = subprocess.run(
        [sys.executable, "-m", "zshield_tui", "--db", str(env / "z.db"), "ingest", "-"],
        input=record + "\n", capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "1 alerts (zshield): 1 new" in result.stdout


def test_config_check_names_a_broken_mapping_file(env, capsys):
    config = env / "config.toml"
    (env / "mappings").mkdir()
    (env / "mappings" / "jira.json").write_text(
        '{"project": "SEC", "field_mapping": {"summary": 5}}')
    config.write_text('[[targets]]\nname = "jira-sec"\nkind = "jira"\n'
                      'url = "https://yourorg.atlassian.net"\ndeployment = "cloud"\n'
                      'auth = { method = "pat", token_env = "T" }\n'
                      'mapping = "mappings/jira.json"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert "target jira-sec:" in err and "jira.json" in err


def test_config_check_names_an_unknown_filter_table(env, capsys):
    config = env / "config.toml"
    config.write_text('[mapping.filters.jira_prio]\ncritical = "P1"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert "mapping.filters.jira_prio: unknown table" in err


def test_config_login_refuses_a_target_that_does_not_use_oauth(env, capsys):
    config = env / "config.toml"
    config.write_text('[[targets]]\nname = "jira-dc"\nkind = "jira"\n'
                      'url = "https://jira.yourorg.test"\ndeployment = "datacenter"\n'
                      'auth = { method = "pat", token_env = "T" }\n')
    code, _, err = run(capsys, "--config", str(config), "config", "login", "jira-dc")
    assert code == 2
    assert "target 'jira-dc' does not use OAuth 2.0" in err
    code, _, err = run(capsys, "--config", str(config), "config", "login")
    assert code == 2 and "none configured" in err


def test_every_sample_ingested_again_is_unchanged(env, capsys):
    """A second ingest of the same files changes nothing, in every format (records without
    a time of their own get the ingest time, which must not count as a change)."""
    db = str(env / "z.db")
    run(capsys, "--db", db, "ingest", str(SAMPLES))
    code, out, _ = run(capsys, "--db", db, "ingest", str(SAMPLES))
    lines = [line for line in out.splitlines() if " alerts (" in line]
    assert code == 0 and len(lines) >= 8
    assert all(" 0 new, 0 updated, " in line for line in lines), out
