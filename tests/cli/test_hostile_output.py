"""Every CLI output path over the hostile corpus: no byte that a terminal acts on."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from tests.cli.runner import run
from tests.hostile import CORPUS, corpus_alerts, corpus_ids, unsafe_characters

_OWN_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # list's severity colours on a terminal


@pytest.fixture
def db(env, capsys):
    path = str(env / "z.db")
    code, _, err = run(capsys, "--db", path, "ingest", str(CORPUS))
    assert code == 0, err
    return path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_list_piped_keeps_one_row_per_alert_and_no_control_byte(db, capsys):
    code, out, err = run(capsys, "--db", db, "list", "--limit", "100")
    assert code == 0, err
    assert unsafe_characters(out, allow="\n\t") == []
    rows = out.splitlines()
    assert len(rows) == len(corpus_ids())
    assert all(len(row.split("\t")) == 6 for row in rows)  # tabs in titles stay inside
    assert "title:\\x1b]52;c;" in out and "\\u202egpj.exe" in out


def test_list_on_a_terminal_writes_only_its_own_colours(db, capsys, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "400")
    code, _, err = run(capsys, "--db", db, "list", "--limit", "100")
    assert code == 0, err
    out = terminal.getvalue()
    assert unsafe_characters(out, allow="\n", own=_OWN_COLOURS) == []
    assert len(out.splitlines()) == len(corpus_ids())
    assert "登录失败 サーバー 🔥🚨" in out  # readable text is not escaped


def test_list_json_is_safe_and_gives_back_the_exact_strings(db, capsys):
    code, out, err = run(capsys, "--db", db, "list", "--limit", "100", "--json")
    assert code == 0, err
    assert unsafe_characters(out, allow="\n") == []
    by_id = {a["id"]: a for a in corpus_alerts()}
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["id"] for r in rows} == set(by_id)
    for row in rows:
        for field in ("title", "source", "category", "mitre_technique", "parent_id"):
            assert row[field] == by_id[row["id"]].get(field), field


@pytest.mark.parametrize("alert_id", corpus_ids())
def test_show_prints_every_field_escaped(db, capsys, alert_id):
    code, out, err = run(capsys, "--db", db, "show", alert_id)
    assert code == 0, err
    assert unsafe_characters(out, allow="\n") == []
    assert unsafe_characters(err) == []
    assert "second line\n    indented" in out  # the description keeps its lines


@pytest.mark.parametrize("alert_id", corpus_ids())
def test_show_json_is_safe_and_round_trips(db, capsys, alert_id):
    code, out, err = run(capsys, "--db", db, "show", alert_id, "--json")
    assert code == 0, err
    assert unsafe_characters(out, allow="\n") == []
    shown = json.loads(out)
    original = next(a for a in corpus_alerts() if a["id"] == alert_id)
    for field in ("id", "title", "description", "source", "category", "tags", "assets",
                  "iocs", "playbook", "raw", "assigned_analyst", "mitre_technique"):
        assert shown[field] == original[field], field


def test_an_unknown_hostile_id_is_reported_escaped(db, capsys):
    code, _, err = run(capsys, "--db", db, "show", "nope\x1b]0;x\x07")
    assert code == 1
    assert unsafe_characters(err, allow="\n") == []


def test_ingest_errors_quote_the_record_escaped(env, capsys, tmp_path):
    bad = tmp_path / "bad\x1b[2J.jsonl"
    bad.write_text(json.dumps({"id": "ZS-1", "title": "t", "created_at": "2026-11-24T10:00:00Z",
                               "severity": "\x1b]52;c;eA==\x07\u202eurgent"}) + "\n"
                   + "{\"id\": \"\x1b]0;x\x07\n")
    code, out, err = run(capsys, "--db", str(env / "z.db"), "ingest", str(bad))
    assert code == 1
    assert unsafe_characters(out, allow="\n") == []
    assert unsafe_characters(err, allow="\n") == []
    assert "bad\\x1b[2J.jsonl:1: severity" in err
