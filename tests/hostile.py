"""The hostile-alert corpus and the check that nothing in output can act on a terminal."""

from __future__ import annotations

import json
import re
import unicodedata

from tests.conftest import FIXTURES

CORPUS = FIXTURES / "hostile" / "alerts.jsonl"
# Categories a terminal acts on or that hide or reorder text (see domain/terminal.py).
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def corpus_alerts() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines()]


def corpus_ids() -> list[str]:
    return [alert["id"] for alert in corpus_alerts()]


def _joins_emoji(text: str, at: int) -> bool:
    def emoji(char: str) -> bool:
        return char == "\ufe0f" or unicodedata.category(char) in {"So", "Sk"}

    return 0 < at < len(text) - 1 and emoji(text[at - 1]) and emoji(text[at + 1])


def unsafe_characters(text: str, *, allow: str = "",
                      own: re.Pattern[str] | None = None) -> list[str]:
    """Every control, format or separator character in `text`, with a little context.

    `allow`: what the output itself uses (LF between lines, tab between columns). `own`:
    the sequences the program itself writes (colours, cursor moves), removed first."""
    if own is not None:
        text = own.sub("", text)
    found = []
    for at, char in enumerate(text):
        if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
            continue
        if char in allow or (char == "\u200d" and _joins_emoji(text, at)):
            continue
        found.append(f"{char!r} in {text[max(0, at - 20):at + 20]!r}")
    return found

