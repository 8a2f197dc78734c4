"""Format detection from a record's shape."""

from __future__ import annotations

import json

import pytest

from zshield_tui.ingest import detect_format

from .conftest import SAMPLES
from .test_samples import EXPECTED


def first_record(name: str) -> dict:
    text = (SAMPLES / name).read_text()
    if name.endswith(".jsonl"):
        return json.loads(text.splitlines()[0])
    document = json.loads(text)
    return document[0] if isinstance(document, list) else document


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_recognised_from_its_first_record(name):
    assert detect_format(first_record(name)) == EXPECTED[name][0]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "x", "title": "t", "severity": "low", "created_at": "2026-01-01T00:00:00Z"},
         "zshield"),
        ({"title": "t", "severity": "low", "created_at": "x", "colour": "red"}, "zshield"),
        ({"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z"}, "suricata"),
        ({"_source": {"rule": {"level": 5}, "agent": {}}}, "wazuh"),
        # An Elastic alert that copied a Wazuh-like `rule` from its source event.
        ({"kibana.alert.uuid": "u", "rule": {"level": 5}, "agent": {}}, "elastic"),
        ({"kibana": {"alert": {"rule": {"name": "n"}}}}, "elastic"),
        ({"class_uid": "2004"}, "ocsf"),
        ({"classname": "Security Finding", "finding": {}}, "ocsf"),
        ({"SchemaVersion": "2018-10-08", "ProductArn": "arn"}, "guardduty"),
        ({"Findings": [{"SchemaVersion": "2018-10-08", "Id": "x"}]}, "guardduty"),
        ({"detail": {"type": "Recon:EC2/PortProbe", "service": {}}}, "guardduty"),
        ({"note": "Scan::Port_Scan", "ts": 1}, "zeek"),
        ({"rule": "r", "priority": "Notice", "output": "o"}, "falco"),
        # Shapes found in the wild (../shared/samples-wild).
        ({"Type": "Recon:EC2/PortProbeUnprotectedPort", "Service": {}, "SchemaVersion": "2.0",
          "Id": "x"}, "guardduty"),
        ({"detail-type": "AWS API Call via CloudTrail", "source": "aws.guardduty",
          "detail": {"eventName": "CreateSampleFindings"}}, "guardduty"),
        ({"Type": "Notification", "Message": '{"detail-type": "GuardDuty Finding", '
          '"source": "aws.guardduty", "detail": {}}'}, "guardduty"),
        ({"class_uid": 2002, "finding_info": {}}, "ocsf"),
        ({"class_uid": 6003, "metadata": {"version": "1.5.0"}}, "ocsf"),
        ({"@timestamp": "t", "signal": {"rule": {"name": "n"}}}, "elastic"),
        ({"_id": "h", "_source": {"@timestamp": "t", "event": {"kind": "alert"}}}, "elastic"),
        ({"hits": {"hits": [{"_source": {"kibana.alert.uuid": "u"}}]}}, "elastic"),
        ({"wazuh": {}, "event": {"kind": "event"}, "agent": {}, "rule": {"name": "n"}},
         "wazuh"),
        ({"_path": "conn", "ts": 1.5, "uid": "C1"}, "zeek"),
    ],
)
def test_shapes(record, expected):
    assert detect_format(record) == expected


@pytest.mark.parametrize("record", [{}, {"hello": 1}, [], "x", None, {"class_uid": 3002},
                                    {"Findings": []}, {"rule": {"level": 1}},
                                    {"source": "aws.ec2", "detail-type": "EC2 State Change"},
                                    {"event": {"kind": "event"}, "@timestamp": "t"},
                                    {"Records": [{"eventSource": "aws:sqs", "body": "hi"}]}])
def test_unknown_shapes(record):
    assert detect_format(record) is None
