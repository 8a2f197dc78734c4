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


def _names_a_sync_module(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("zshield_tui.sync")
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("zshield_tui.sync") for alias in node.names)
    return False


def _function_level_sibling_imports(path: Path) -> list[str]:
    """`from .x import y` (or `import zshield_tui.sync.x`) inside a function body."""
    return [f"{func.name}:{node.lineno}" for func in ast.walk(ast.parse(path.read_text()))
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(func) if _names_a_sync_module(node)]


@pytest.mark.parametrize("path", SYNC, ids=lambda p: p.name)
def test_sync_modules_import_each_other_at_module_level(path: Path):
    assert _function_level_sibling_imports(path) == []


@pytest.mark.parametrize("path", SYNC, ids=lambda p: p.name)
def test_each_sync_module_imports_on_its_own(path: Path):
    """A fresh interpreter per module: an import that only works after another module
    loaded first (a cycle held together by import order) fails here."""
    module = f"zshield_tui.sync.{path.stem}".removesuffix(".__init__")
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, timeout=60,
                   capture_output=True)
