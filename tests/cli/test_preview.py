"""`zshield preview` and `zshield config init` as a script or an analyst uses them."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run
from tests.conftest import FIXTURES
from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW

ALERT = FIXTURES / "mapping" / "alert.json"




@pytest.fixture
def db(env, capsys) -> str:
    path = str(env / "z.db")
    assert run(capsys, "--db", path, "ingest", str(ALERT))[0] == 0
    return path


def test_preview_with_a_built_in_example_needs_no_config(db, capsys):
    code, out, err = run(capsys, "--db", db, "preview", "ZS-2026-000123",
                         "--target", "example-jira", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["valid"] is True and document["errors"] == {}
    assert document["request"]["url"] == "https://yourorg.atlassian.net/rest/api/3/issue"
    assert document["request"]["body"]["fields"]["priority"] == {"name": "High"}
    assert document["checked_against"].startswith("built-in rules")


def test_preview_text_shows_the_request_and_the_notes(db, capsys):
    code, out, _ = run(capsys, "--db", db, "preview", "ZS-2026-000123", "--target",
                       "example-snow")
    assert code == 0
    assert "ZS-2026-000123 -> example-snow: valid" in out
    assert "POST https://yourorg.service-now.com/api/now/table/sn_si_incident?" in out
    assert '"correlation_id": "ZS-2026-000123"' in out


def test_config_init_writes_starter_files_that_check_and_preview(env, db, capsys,
                                                                monkeypatch):
    code, out, err = run(capsys, "config", "init")
    folder = env / "config" / "zshield"
    assert code == 0, err
    assert (folder / "mappings" / "jira-sec.json").read_text() == EXAMPLE_JIRA
    assert (folder / "mappings" / "snow-sir.json").read_text() == EXAMPLE_SNOW
    assert "# " in (folder / "config.toml").read_text()  # commented for a new user
    code, _, err = run(capsys, "config", "check")
    assert code == 2 and "auth.token_env names ZSHIELD_JIRA_TOKEN, which is unset" in err
    # with the secrets the starter config names set, it checks
    with monkeypatch.context() as secrets:
        secrets.setenv("ZSHIELD_JIRA_TOKEN", "token")
        secrets.setenv("ZSHIELD_SNOW_PASSWORD", "password")
        assert run(capsys, "config", "check")[1].endswith(
            "ok, 2 targets (2 with mappings), 0 rules\n")
    code, out, _ = run(capsys, "--db", db, "preview", "ZS-2026-000123", "--target", "snow-sir",
                       "--json")
    assert code == 0 and json.loads(out)["fields"]["severity"] == "1"
    # a second init overwrites nothing
    (folder / "mappings" / "jira-sec.json").write_text("{}")
    code, _, err = run(capsys, "config", "init")
    assert code == 1 and "not overwriting" in err and "jira-sec.json" in err
    assert (folder / "mappings" / "jira-sec.json").read_text() == "{}"


def test_an_invalid_draft_exits_1_and_lists_every_error(env, db, capsys):
    run(capsys, "config", "init")
    mapping = env / "config" / "zshield" / "mappings" / "jira-sec.json"
    mapping.write_text(EXAMPLE_JIRA.replace('"zpoa-shield"', '"zpoa shield"')
                       .replace("{{alert.title}}", "{{alert.nope}}"))
    code, out, _ = run(capsys, "--db", db, "preview", "ZS-2026-000123", "--target", "jira-sec")
    assert code == 1
    assert "INVALID (2 fields)" in out
    assert "error  summary: alert.nope is undefined" in out
    assert "error  labels: label 'zpoa shield' contains spaces" in out


def test_a_broken_mapping_file_exits_1_naming_the_file(env, db, capsys):
    run(capsys, "config", "init")
    mapping = env / "config" / "zshield" / "mappings" / "snow-sir.json"
    mapping.write_text('{"table": "sn_si_incident", "field_mapping": {"x": {}}}')
    code, _, err = run(capsys, "--db", db, "preview", "ZS-2026-000123", "--target", "snow-sir")
    assert code == 1
    assert f"{mapping}: /field_mapping/x: expected a string template" in err


def test_unknown_target_exits_2_and_unknown_alert_exits_1(db, capsys):
    code, _, err = run(capsys, "--db", db, "preview", "ZS-2026-000123", "--target", "nope")
    assert code == 2 and "no target 'nope'; known: example-jira, example-snow" in err
    code, _, err = run(capsys, "--db", db, "preview", "ZS-404", "--target", "example-jira")
    assert code == 1 and "no alert with id 'ZS-404'" in err
