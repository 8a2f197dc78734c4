"""Fixtures for driving the simulators with third-party HTTP clients."""

from __future__ import annotations

import pytest

_ENVIRONMENT = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "REQUESTS_CA_BUNDLE",
                "CURL_CA_BUNDLE")


@pytest.fixture
def direct_requests(monkeypatch):
    """`requests` as configured by the client under test: no proxy and no CA bundle from
    the environment (requests lets REQUESTS_CA_BUNDLE override a session's `verify`)."""
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
