"""The exact create request per deployment, against golden files in tests/fixtures/jira
(what the mapping preview shows as "the exact request")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "jira"


@pytest.mark.parametrize(("auth", "golden"), [("api_token", "create-request-cloud-v3.json"),
                                              ("pat", "create-request-datacenter-v2.json")])
async def test_create_request_matches_the_golden_file(auth, golden, make_connector, recorder):
    payload = json.loads((FIXTURES / "alert-payload.json").read_text())
    async with make_connector(auth) as jira:
        await jira.create(payload, correlation_key="ZS-2026-000123")
    sent = [(method, path, json.loads(body)) for _, method, path, body, *_ in recorder.requests
            if method == "POST" and path.endswith("/issue")]
    expected = json.loads((FIXTURES / golden).read_text())
    assert sent == [(expected["method"], expected["path"], expected["json"])]
    assert recorder.problems() == []


def test_cloud_description_is_adf_and_datacenter_a_string():
    cloud = json.loads((FIXTURES / "create-request-cloud-v3.json").read_text())["json"]
    dc = json.loads((FIXTURES / "create-request-datacenter-v2.json").read_text())["json"]
    assert cloud["fields"]["description"]["type"] == "doc"
    assert cloud["fields"]["assignee"] == {"accountId": "5b10a2844c20165700ede21g"}
    assert isinstance(dc["fields"]["description"], str)
    assert dc["fields"]["assignee"] == {"name": "ana"}
