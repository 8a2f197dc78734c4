"""Record errors read as file:line: reason, with pydantic's errors made plain."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from zshield_tui.domain import Alert
from zshield_tui.ingest import RecordError
from zshield_tui.ingest.errors import describe_validation_error


def test_record_error_text():
    assert str(RecordError("<stdin>", 7, "severity: missing")) == "<stdin>:7: severity: missing"


def test_several_problems_in_one_record_are_joined_on_one_line():
    with pytest.raises(ValidationError) as caught:
        Alert.model_validate({"id": "", "severity": 3, "created_at": "2026-01-01T00:00:00Z",
                              "iocs": [{"type": "ip"}]})
    text = describe_validation_error(caught.value)
    assert "\n" not in text
    parts = text.split("; ")
    assert "id: String should have at least 1 character (got '')" in parts
    assert "title: missing" in parts
    assert any(p.startswith("severity: Input should be") and p.endswith("(got 3)") for p in parts)
    assert "iocs[0].value: missing" in parts
