"""push, sync, comment, close, preview and rules over the hostile corpus, against
simulators that answer with hostile text too: remote systems are written by people."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import run
from tests.factories import make_alert
from tests.hostile import CORPUS, corpus_ids, unsafe_characters
from tests.loopback import served
from tests.sync.conftest import ENV, write_config
from zshield_tui.sim.jira import app as jira_app
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts

REMOTE = "remote:\x1b]52;c;cm0=\x07 \x1b[2J \x9b2J \u202eevil\u202c zw\u200b sep\u2028 [/foo]"
# The mappings refuse most of the corpus (line breaks in a summary, spaces in a label):
# this one is hostile and still becomes a ticket on both targets.
PUSHABLE = make_alert(1, id="HOSTILE-pushable\x1b[2J", title="\x1b]0;t\x07 \x9b2J \u202eexe",
                      description="\x1b]52;c;eA==\x07\nline", category="malware")


@pytest.fixture
def setup(tmp_path, monkeypatch, capsys):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    db = tmp_path / "z.db"
    assert run(capsys, "--db", str(db), "ingest", str(CORPUS))[0] == 0
    with Store(db) as store:
        upsert_alerts(store.conn, [PUSHABLE], fmt="zshield")
    jira, snow = jira_app.create_app(), snow_app.create_app()
    with served(jira) as jira_url, served(snow) as snow_url:
        config = write_config(tmp_path, jira_url, snow_url)
        yield ["--config", str(config), "--db", str(db)], jira, snow


def _safe(out: str, err: str) -> None:
    assert unsafe_characters(out, allow="\n\t") == []
    assert unsafe_characters(err, allow="\n") == []


def _make_remote_hostile(jira, snow) -> None:
    state = jira.state.jira
    for issue in state.issues.values():
        issue.fields["summary"] = REMOTE
        state.add_comment(issue, state.bot, REMOTE)
    sim = snow.state.sim.state
    for row in list(sim.tables["sn_si_incident"].values()):
        sim.add_journal("sn_si_incident", row["sys_id"], "comments", REMOTE, "admin")


def test_push_sync_and_show_print_alert_and_remote_text_escaped(setup, capsys):
    base, jira, snow = setup
    ids = [*corpus_ids(), PUSHABLE.id]
    for target in ("jira-sec", "snow-sir"):
        code, out, err = run(capsys, *base, "push", *ids, "--target", target)
        _safe(out, err)
        code, out, err = run(capsys, *base, "push", *ids, "--target", target, "--json")
        _safe(out, err)
        json.loads(out)
    assert jira.state.jira.issues, "nothing reached Jira: the test would prove nothing"
    _make_remote_hostile(jira, snow)
    code, out, err = run(capsys, *base, "sync", "--once")
    _safe(out, err)
    code, out, err = run(capsys, *base, "sync", "--once", "--json")
    _safe(out, err)
    shown = []
    for alert_id in ids:
        code, out, err = run(capsys, *base, "show", alert_id)
        _safe(out, err)
        shown.append(out)
        code, out, err = run(capsys, *base, "show", alert_id, "--json")
        _safe(out, err)
        json.loads(out)
    assert any("remote:\\x1b]52;c;" in text for text in shown)  # the remote note is there


def test_comment_and_close_results_are_escaped(setup, capsys):
    base, _, _ = setup
    ids = corpus_ids()
    for target in ("jira-sec", "snow-sir"):
        run(capsys, *base, "push", PUSHABLE.id, "--target", target)
    code, out, err = run(capsys, *base, "comment", PUSHABLE.id, "analyst note \x1b[2J\u202e")
    _safe(out, err)
    code, out, err = run(capsys, *base, "close", ids[6], "--children")
    _safe(out, err)
    code, out, err = run(capsys, *base, "close", ids[6], "--children", "--json")
    _safe(out, err)


@pytest.mark.parametrize("target", ["example-jira", "example-snow", "jira-sec"])
def test_preview_prints_rendered_fields_and_request_escaped(setup, capsys, target):
    base, _, _ = setup
    for alert_id in [*corpus_ids(), PUSHABLE.id]:
        code, out, err = run(capsys, *base, "preview", alert_id, "--target", target)
        _safe(out, err)
        code, out, err = run(capsys, *base, "preview", alert_id, "--target", target, "--json")
        _safe(out, err)
        json.loads(out)


def test_rules_show_and_whatif_are_escaped(setup, capsys):
    base, _, _ = setup
    for alert_id in corpus_ids():
        code, out, err = run(capsys, *base, "rules", "show", alert_id)
        _safe(out, err)
    code, out, err = run(capsys, *base, "rules", "whatif", "--days", "30000")
    _safe(out, err)
    code, out, err = run(capsys, *base, "rules", "whatif", "--days", "30000", "--json")
    _safe(out, err)
