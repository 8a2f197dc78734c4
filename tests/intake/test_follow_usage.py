"""`zshield ingest --follow` refuses what it cannot follow, in one line, exit 2."""

import pytest

from tests.cli.runner import run


@pytest.fixture
def db(tmp_path, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("ZSHIELD_CONFIG", raising=False)
    return str(tmp_path / "z.db")


def test_a_folder_is_refused_with_a_glob_to_use_instead(db, tmp_path, capsys):
    code, _, err = run(capsys, "--db", db, "ingest", "--follow", str(tmp_path))
    assert code == 2
    assert err == (f"zshield: {tmp_path}: is a folder; follow its files with a glob, such "
                   f"as '{tmp_path}/*.json'\n")


def test_json_output_does_not_go_with_follow(db, tmp_path, capsys):
    code, _, err = run(capsys, "--db", db, "ingest", "--follow", "--json", "eve.json")
    assert code == 2
    assert err == "zshield: --json does not go with --follow, which never ends\n"


def test_stdin_is_followed_once(db, capsys):
    code, _, err = run(capsys, "--db", db, "ingest", "--follow", "-", "-")
    assert code == 2 and "- (stdin) can be followed once" in err
