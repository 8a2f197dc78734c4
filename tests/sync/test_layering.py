"""The sync layer is core: it never imports Textual, the TUI or the commands. What differs
between ticketing systems is the connectors' to say (no branch on a target's kind above
them), and the sync modules import each other at module level only, so an import cycle
shows at once instead of hiding in a function."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import zshield_tui

PACKAGE = Path(zshield_tui.__file__).parent
SYNC = sorted((PACKAGE / "sync").glob("*.py"))
ABOVE_CONNECTORS = [*SYNC, *sorted((PACKAGE / "automation").glob("*.py"))]


def test_sync_imports_neither_textual_nor_tui_nor_commands():
    probe = (
        "import sys\n"
        "import zshield_tui.sync.engine, zshield_tui.sync.poller, zshield_tui.sync.ops\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith(('zshield_tui.tui', 'zshield_tui.commands', 'zshield_tui.cli'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == ""


def _is_target_kind(node: ast.AST) -> bool:
    """`kind`, or `<a target, connector or its config>.kind` (other things have kinds too:
    an outbox item, a staging run)."""
    if isinstance(node, ast.Name):
        return node.id == "kind"
    return isinstance(node, ast.Attribute) and node.attr == "kind" and any(
        word in ast.unparse(node.value).lower()
        for word in ("target", "connector", "config", "cfg", "spec"))


def _branches_on_kind(node: ast.AST) -> bool:
    """A comparison with a target's kind, or a lookup by it (a dict keyed by kind is a
    branch too)."""
    if isinstance(node, ast.Compare):
        return any(_is_target_kind(side) for side in (node.left, *node.comparators))
    if isinstance(node, ast.Subscript):
        return isinstance(node.ctx, ast.Load) and _is_target_kind(node.slice)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "get" and bool(node.args) and _is_target_kind(node.args[0])
    return False


def _kind_branches(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if _branches_on_kind(node)]


@pytest.mark.parametrize("path", ABOVE_CONNECTORS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_branch_on_a_target_kind_above_the_connectors(path: Path):
    assert _kind_branches(ast.parse(path.read_text())) == []


@pytest.mark.parametrize("path", ABOVE_CONNECTORS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_connectors_are_asked_what_they_can_do_not_probed(path: Path):
    text = path.read_text()
    assert "hasattr(" not in text
    assert "type: ignore[attr-defined]" not in text
    assert "connector: Any" not in text
