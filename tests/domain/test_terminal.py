"""Alert text reaches a terminal only through printable(): nothing in it can act."""

from __future__ import annotations

import json
import sys
import timeit
import unicodedata

import pytest

from zshield_tui.domain.terminal import printable, printable_json

ATTACKS = {
    "clipboard write": ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "a\\x1b]52;c;cm0gLXJmIH4=\\x07b"),
    "window title": ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    "clear screen": ("x\x1b[2Jy", "x\\x1b[2Jy"),
    "hidden link": ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\",
                    "\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\"),
    "C1 CSI": ("\x9b2J", "\\x9b2J"),
    "C1 DCS and OSC": ("\x90q\x9d0;t", "\\x90q\\x9d0;t"),
    "bidi override": ("invoice\u202egpj.exe", "invoice\\u202egpj.exe"),
    "bidi isolate": ("a\u2066b\u2069", "a\\u2066b\\u2069"),
    "zero width": ("pay\u200bpal\ufeff", "pay\\u200bpal\\ufeff"),
    "line separator": ("one\u2028two\u2029", "one\\u2028two\\u2029"),
    "backspace overprint": ("safe\x08\x08\x08\x08evil", "safe\\x08\\x08\\x08\\x08evil"),
    "carriage return": ("ok\rEVIL", "ok\\rEVIL"),
    "bell and NUL and DEL": ("\x07\x00\x7f", "\\x07\\x00\\x7f"),
    "tag characters": ("hi\U000e0041", "hi\\U000e0041"),
    "lone surrogate": ("a\ud800b", "a\\ud800b"),
    "noncharacter": ("a\uffffb\U0010fffe", "a\\uffffb\\U0010fffe"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_control_and_invisible_characters_are_shown_as_escapes(attack):
    text, shown = ATTACKS[attack]
    assert printable(text) == shown


def test_one_line_contexts_show_newlines_and_tabs():
    assert printable("a\nb\tc\r\n") == "a\\nb\\tc\\r\\n"


def test_multi_line_text_keeps_its_lines_but_nothing_else():
    text = "first\r\nsecond\n\tindented\rover\x1b[2J\u202e"
    assert printable(text, multiline=True) == (
        "first\nsecond\n    indented\\rover\\x1b[2J\\u202e")


@pytest.mark.parametrize("text", [
    "PowerShell download cradle on web-01",
    "Überwachung: 登录失败 on サーバー 🔥🚨",
    "family 👨\u200d👩\u200d👧 and ❤\ufe0f\u200d🔥",
    "markup stays text: [bold red]x[/] [/foo] [link=file:///etc/passwd]",
    "C:\\Users\\ana\\x1b",
    "private use \ue0b0 and nbsp\xa0here",
])
def test_readable_text_is_untouched(text):
    assert printable(text) == text
    assert printable(text, multiline=True) == text


def test_a_joiner_not_between_emoji_is_shown():
    assert printable("ad\u200dmin 🔥\u200d") == "ad\\u200dmin 🔥\\u200d"


def test_every_control_format_and_separator_character_is_escaped():
    """The ranges in terminal.py are written out by hand; this Python's Unicode data is
    the check that none is missing, whatever Unicode version it knows."""
    missed = [hex(point) for point in range(sys.maxunicode + 1)
              if unicodedata.category(chr(point)) in {"Cc", "Cf", "Cs", "Zl", "Zp"}
              and printable(chr(point)) == chr(point)]
    assert missed == []


def test_escaped_output_holds_no_control_or_format_character():
    everything = "".join(chr(p) for p in range(0x3000))
    for line in printable(everything, multiline=True).split("\n"):
        assert all(unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in line)
    assert all(unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"}
               for c in printable(everything))


def test_json_output_is_terminal_safe_and_round_trips():
    document = {"title": "\x1b]52;c;x\x07 \x9b2J \u202e \u2028 \u200b \x7f \ud800 \U000e0041",
                "readable": "登录 🔥 é", "\u202ekey": ["\x85"]}
    for options in ({}, {"indent": 2}):
        text = printable_json(document, **options)
        assert json.loads(text) == document
        assert "登录 🔥 é" in text
        body = text.replace("\n", "")
        assert all(unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in body)
        assert "\\u202e" in text and "\\u009b" in text and "\\udb40\\udc41" in text


def test_clean_text_costs_next_to_nothing():
    """Every drawn list row goes through printable(): clean text must not pay a regex."""
    title = "Encoded PowerShell cradle on web-01 from 203.0.113.7 (user ana)"
    baseline = timeit.timeit(title.isprintable, number=20000)
    cost = timeit.timeit(lambda: printable(title), number=20000)
    assert cost < baseline * 6 + 0.005
