"""Fixtures for the CLI tests: an isolated user with their own config, data and state."""

from __future__ import annotations

import pytest


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An isolated user: own config dir, data dir and state dir; no ZSHIELD_* overrides."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ZSHIELD_DB", raising=False)
    monkeypatch.delenv("ZSHIELD_CONFIG", raising=False)
    return tmp_path
