"""The fixture alert of DESIGN §4 and the two documented example mappings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from zshield_tui.domain import Alert
from zshield_tui.mapping.files import EXAMPLE_JIRA, EXAMPLE_SNOW, parse_mapping
from zshield_tui.mapping.target import EXAMPLE_TARGETS


@pytest.fixture
def alert() -> Alert:
    return Alert.model_validate(json.loads((FIXTURES / "mapping" / "alert.json").read_text()))


@pytest.fixture
def jira_mapping():
    return parse_mapping(EXAMPLE_JIRA)


@pytest.fixture
def snow_mapping():
    return parse_mapping(EXAMPLE_SNOW)


@pytest.fixture
def jira_target():
    return EXAMPLE_TARGETS["example-jira"]


@pytest.fixture
def snow_target():
    return EXAMPLE_TARGETS["example-snow"]
