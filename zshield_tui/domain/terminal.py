"""Alert text made safe for a terminal: the one door every string from an alert or a
remote system goes through before it is printed or drawn.

Attackers choose host names, titles and file names, and remote systems return whatever
was typed into them. A terminal acts on some characters instead of showing them: ESC
starts sequences that write the clipboard (OSC 52), retitle the window, wipe the screen
or hide a link (OSC 8); C1 U+009B is a one-byte CSI; bidi overrides and invisible
characters make text read differently from what it is. Every such character is shown
as a visible escape instead (`\\x1b`, `\\u202e`), so the analyst sees that it is there.

What is escaped: C0 controls, DEL, C1 controls (U+0080-U+009F), every format character
(category Cf: bidi controls, zero-width characters, U+FEFF, tag characters), the line and
paragraph separators U+2028/U+2029, lone surrogates (they cannot even be encoded for
output), and noncharacters.
Left alone: printable text of every script, emoji and wide CJK, private-use characters
(icon fonts use them; a terminal only draws them), code points this Python does not know
yet (newer emoji), and letters that happen to draw nothing (Hangul fillers): they hide
nothing a terminal acts on, and keeping to what str.isprintable() flags keeps the check
for clean text a single C call. A zero-width joiner between two emoji stays, so family and
profession emoji read as one. Backslashes are not doubled: `C:\\Users` stays readable, and
a literal `\\x1b` in an alert is harmless text either way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

# Kept as literal ranges rather than computed from unicodedata: scanning every code
# point costs a fifth of a second at import. tests/domain/test_terminal.py checks that
# every Cc, Cf, Cs, Zl and Zp character of the running Python is in here.
_C0_KEPT_IN_MULTILINE = "\x00-\x08\x0b-\x1f"  # all of C0 but tab and newline
_OTHER_UNSAFE = (
    "\x7f-\x9f"  # DEL, C1
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # Cf (Unicode 15)
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates
    "\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}"
              for plane in range(0x10000, 0x110000, 0x10000))  # noncharacters
)
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHER_UNSAFE}]")
# Multi-line text keeps its line breaks; a CR before LF is a Windows line end, not an
# overprint, and a tab only indents.
_UNSAFE_MULTILINE = re.compile(f"\r\n|\t|[{_C0_KEPT_IN_MULTILINE}{_OTHER_UNSAFE}]")
# json.dumps already escapes C0.
_JSON_UNSAFE = re.compile(f"[{_OTHER_UNSAFE}]")
_ZWJ = "\u200d"
_EMOJI_SIDE = {"So", "Sk"}
_VARIATION_SELECTOR_16 = "\ufe0f"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def _joins_emoji(text: str, at: int) -> bool:
    """A ZWJ between two emoji (the one before may carry a variation selector)."""
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    return ((before == _VARIATION_SELECTOR_16 or unicodedata.category(before) in _EMOJI_SIDE)
            and unicodedata.category(after) in _EMOJI_SIDE)


def _replace(match: re.Match[str]) -> str:
    found = match.group()
    if found == _ZWJ and _joins_emoji(match.string, match.start()):
        return found
    return _escape(found)


def _replace_multiline(match: re.Match[str]) -> str:
    found = match.group()
    if found == "\r\n":
        return "\n"
    if found == "\t":
        return "    "
    return _replace(match)


def printable(text: str, *, multiline: bool = False) -> str:
    """`text` with every character a terminal would act on, or that would hide or reorder
    text, shown as a visible escape. One-line contexts (list rows, table cells, titles,
    notifications) get newlines and tabs as `\\n` and `\\t` too; `multiline=True` keeps
    line breaks (CRLF becomes LF) and turns tabs into spaces, for descriptions and notes."""
    # Almost every string is clean: str.isprintable() is a C loop that says so without a
    # regex, and everything escaped here is non-printable to it.
    if text.isprintable():
        return text
    if multiline:
        return _UNSAFE_MULTILINE.sub(_replace_multiline, text)
    return _UNSAFE.sub(_replace, text)


def _json_escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x10000:
        return f"\\u{point:04x}"
    high, low = divmod(point - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def printable_json(document: Any, **options: Any) -> str:
    """`json.dumps` whose output is safe on a terminal and still the same data: C0 is
    escaped by json itself; DEL, C1, format characters, separators, surrogates and
    noncharacters become `\\uXXXX` too, while other non-ASCII text stays readable.
    Outside strings JSON holds only ASCII punctuation, so escaping the whole output
    touches string contents only."""
    text = json.dumps(document, ensure_ascii=False, **options)
    if text.isprintable():
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)
