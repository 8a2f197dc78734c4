"""Runs `zshield` in-process the way a shell would, capturing what it prints."""

from __future__ import annotations

from zshield_tui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `zshield ARGV...`."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
