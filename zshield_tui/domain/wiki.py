"""Plain text <-> Jira wiki markup (the rich text of Data Center and REST v2).

Alert text is plain text. Sent as it is to a wiki-markup field, `*x*` turns bold, `[x]`
a link, `{code}` a macro, `|a|b|` a table and `(x)` an icon; attacker-written text could
even forge links. Escaped, every character shows as written, as ADF does on Cloud.
"""

from __future__ import annotations

import re

# A backslash keeps the next markup character literal (Jira's text formatting notation:
# "\X escapes special character X"). `(` and `)` because of emoticons: (x), (i), :).
SPECIAL = "*_-+^~?{}[]|!#()"
# A backslash itself cannot be escaped with one (`\\` is a forced line break), and
# heading / quote prefixes are words, not characters: both go as numeric entities.
_BACKSLASH = "&#92;"
_DOT = "&#46;"
_LINE_PREFIX = re.compile(r"^(\s*)(h[1-6]|bq)\.", re.MULTILINE)
_UNESCAPE = re.compile(r"\\([" + re.escape(SPECIAL) + r"])|&#(92|46);")


def escape_wiki(text: str) -> str:
    """`text` as wiki markup that renders exactly as `text`."""
    out = "".join(_BACKSLASH if c == "\\" else "\\" + c if c in SPECIAL else c for c in text)
    return _LINE_PREFIX.sub(lambda m: f"{m.group(1)}{m.group(2)}{_DOT}", out)


def unescape_wiki(markup: str) -> str:
    """The plain text of escaped markup: undoes `escape_wiki` exactly. Markup a person
    wrote (`*bold*`) keeps its markup characters."""
    return _UNESCAPE.sub(lambda m: m.group(1) or ("\\" if m.group(2) == "92" else "."),
                         markup)
