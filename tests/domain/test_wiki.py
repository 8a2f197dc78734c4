"""Plain text sent to Jira Data Center stays literal: wiki markup escaped, and undone."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from zshield_tui.domain.wiki import SPECIAL, escape_wiki, unescape_wiki


def test_markup_characters_are_escaped():
    assert escape_wiki("*bold* _it_ {code} [link|http://x] |a|b| !img.png! (x) #1") == (
        r"\*bold\* \_it\_ \{code\} \[link\|http://x\] \|a\|b\| \!img.png\! \(x\) \#1")


def test_a_backslash_and_line_prefixes_become_entities():
    # `\\` would be a line break and `\h` a lost backslash; `h1.` starts a heading.
    assert escape_wiki("C:\\Windows\\x") == "C:&#92;Windows&#92;x"
    assert escape_wiki("h1. title\n  bq. quote\nah1. not") == \
        "h1&#46; title\n  bq&#46; quote\nah1. not"


def test_markup_a_person_wrote_keeps_its_characters():
    assert unescape_wiki("*bold* and \\[literal\\]") == "*bold* and [literal]"


@given(st.text())
def test_round_trip_is_exact(text):
    assert unescape_wiki(escape_wiki(text)) == text


@given(st.text(alphabet=SPECIAL + "\\abch1.q \n&#9;"))
def test_no_markup_character_is_left_bare(text):
    escaped = escape_wiki(text)
    bare = re.sub(r"\\.|&#(92|46);", "", escaped)   # drop every escape
    assert not set(bare) & set(SPECIAL + "\\")
    assert not re.search(r"(?m)^\s*(h[1-6]|bq)\.", escaped)
