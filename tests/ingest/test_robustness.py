"""Whatever JSON comes in, each record becomes an Alert, a RecordError or a skip: never a crash."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zshield_tui.domain import Alert
from zshield_tui.ingest import FORMATS, IngestError, RecordError, convert_record, read

from .conftest import SAMPLES
from .test_samples import EXPECTED

# Keys the detectors and converters look for, so generated objects reach deep code paths.
KEYS = [
    "id", "title", "severity", "created_at", "assets", "evidence", "event_type", "timestamp",
    "alert", "signature", "metadata", "src_ip", "dest_ip", "http", "rule", "level", "agent",
    "mitre", "_source", "data", "srcip", "type", "value", "source", "kibana.alert.uuid",
    "kibana.alert.severity", "kibana.alert.rule.threat", "technique", "host", "ip",
    "class_uid", "finding_info", "finding", "severity_id", "attacks", "observables",
    "schemaVersion", "service", "detail", "action", "remoteIpDetails", "Findings",
    "SchemaVersion", "ProductArn", "Severity", "Resources", "note", "ts", "priority", "output",
    "tags", "output_fields", "resource", "instanceDetails", "time", "uuid",
]

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
           | st.sampled_from(["2024-02-15T16:07:34.606-0300", "{timestamp}", "T1078", "high",
                              "alert", "10.0.0.1", "8.8.8.8", "000.111.222.10", "Critical",
                              "1", "doc"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6),
    max_leaves=30,
)
json_objects = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values,
                               max_size=8)


def assert_converted(results: list) -> None:
    assert results
    for result in results:
        assert result is None or isinstance(result, Alert | RecordError)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(json_objects)
def test_auto_detection_and_conversion_never_raise(record):
    assert_converted(convert_record(record))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FORMATS), json_objects)
def test_every_converter_copes_with_any_object(fmt, record):
    assert_converted(convert_record(record, fmt))


def _sample_records() -> list[tuple[str, dict]]:
    records = []
    for name, (fmt, _, _) in sorted(EXPECTED.items()):
        text = (SAMPLES / name).read_text()
        docs = ([json.loads(line) for line in text.splitlines()[:3]] if name.endswith(".jsonl")
                else [json.loads(text)])
        for doc in docs:
            records += [(fmt, d) for d in (doc if isinstance(doc, list) else [doc])]
    return records


SAMPLE_RECORDS = _sample_records()


def _mutate(value, path: list[int], replacement):
    """A copy of `value` with the node that `path` steers to replaced."""
    if not path or not isinstance(value, dict | list) or not value:
        return replacement
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _mutate(value[key], path[1:], replacement)
    return copy


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLE_RECORDS), st.lists(st.integers(0, 50), min_size=1, max_size=6),
       json_values)
def test_real_records_with_one_part_replaced_never_raise(sample, path, replacement):
    fmt, record = sample
    mutated = _mutate(record, path, replacement)
    assert_converted(convert_record(mutated, fmt))
    assert_converted(convert_record(mutated))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_input_bytes_give_items_or_one_ingest_error(data):
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace")
    try:
        stream = read("-", stdin=stdin)
    except IngestError as exc:
        assert "\n" not in str(exc)
        return
    for item in stream:
        assert isinstance(item, Alert | RecordError)
