"""Shared fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from zshield_tui.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "zshield.db") as opened:
        yield opened
