"""`zshield preview` against a reachable target validates with its live create metadata,
caches it, and falls back to the cache (saying so) when the target cannot be reached."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_alert
from tests.loopback import served
from zshield_tui.cli import main
from zshield_tui.sim.jira.app import create_app
from zshield_tui.sim.jira.state import CLOUD_EMAIL, CLOUD_TOKEN
from zshield_tui.store import Store, upsert_alerts


@pytest.fixture
def jira_url():
    with served(create_app()) as url:
        yield url


def _setup(tmp_path, monkeypatch, url: str):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("ZSHIELD_JIRA_TOKEN", CLOUD_TOKEN)
    (tmp_path / "jira.json").write_text(
        '{"project": "SEC", "issue_type": "Bug", "field_mapping": {"summary": "{{alert.title}}",'
        ' "customfield_404": "{{alert.category}}"}}')
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[targets]]\nname = "jira-sec"\nkind = "jira"\nurl = "{url}"\n'
        f'deployment = "cloud"\nmapping = "jira.json"\n'
        f'auth = {{ method = "api_token", email = "{CLOUD_EMAIL}", '
        f'token_env = "ZSHIELD_JIRA_TOKEN" }}\n')
    db = tmp_path / "z.db"
    with Store(db) as store:
        upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
    return ["--config", str(config), "--db", str(db), "preview", "ZS-000001",
            "--target", "jira-sec", "--json"]


def test_live_metadata_finds_a_field_the_issue_type_lacks_then_the_cache_stands_in(
        jira_url, tmp_path, monkeypatch, capsys):
    argv = _setup(tmp_path, monkeypatch, jira_url)
    assert main(argv) == 1
    live = json.loads(capsys.readouterr().out)
    assert "customfield_404" in live["errors"]
    assert "cached" not in live["checked_against"]
    assert (tmp_path / "data" / "zshield" / "metadata" / "jira-sec.json").exists()

    argv = _setup(tmp_path, monkeypatch, "http://127.0.0.1:9")  # nothing listens there
    assert main(argv) == 1
    offline = json.loads(capsys.readouterr().out)
    assert "cached" in offline["checked_against"]
    assert offline["unreachable"]
    assert "customfield_404" in offline["errors"]
