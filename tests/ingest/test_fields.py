"""Safe lookups and timestamp parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from zshield_tui.ingest.fields import as_number, dig, first_time, lookup, parse_time, text


def test_lookup_reads_flat_nested_and_mixed_keys():
    doc = {
        "kibana.alert.rule.name": "flat",
        "host": {"name": "nested", "os.name": "mixed"},
        "kibana": {"alert.uuid": "partly-flat"},
    }
    assert lookup(doc, "kibana.alert.rule.name") == "flat"
    assert lookup(doc, "host.name") == "nested"
    assert lookup(doc, "host.os.name") == "mixed"
    assert lookup(doc, "kibana.alert.uuid") == "partly-flat"
    assert lookup(doc, "host.missing") is None
    assert lookup("not a dict", "a.b") is None


def test_dig_stops_at_anything_that_is_not_an_object():
    assert dig({"a": {"b": 1}}, "a", "b") == 1
    assert dig({"a": [1]}, "a", "b") is None
    assert dig(None, "a") is None


def test_text_and_numbers():
    assert text("  x ") == "x"
    assert text(3852) == "3852"
    assert text(True) == "" and text(None) == "" and text({"a": 1}) == ""
    assert as_number("6.800000") == 6.8
    assert as_number("NaN") is None and as_number(False) is None and as_number("x") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Suricata: microseconds, offset without a colon.
        ("2023-09-03T00:02:08.288432+0300", datetime(2023, 9, 2, 21, 2, 8, 288432, tzinfo=UTC)),
        # Wazuh: milliseconds, offset without a colon.
        ("2024-02-15T16:07:34.606-0300", datetime(2024, 2, 15, 19, 7, 34, 606000, tzinfo=UTC)),
        # Logstash and Falco: nine fractional digits.
        ("2024-02-15T19:08:00.335172897Z", datetime(2024, 2, 15, 19, 8, 0, 335172, tzinfo=UTC)),
        ("2016-08-04T16:17:57.881781397+0000",
         datetime(2016, 8, 4, 16, 17, 57, 881781, tzinfo=UTC)),
        # Prowler: no zone at all means UTC.
        ("2024-10-04T09:49:02.698985", datetime(2024, 10, 4, 9, 49, 2, 698985, tzinfo=UTC)),
        ("2024-10-04 09:49:02 +05", datetime(2024, 10, 4, 4, 49, 2, tzinfo=UTC)),
        ("2024-10-04T09:49:02,5 UTC", datetime(2024, 10, 4, 9, 49, 2, 500000, tzinfo=UTC)),
        # Epochs by magnitude: seconds (Okta, Zeek), ms (OCSF), ns (Falco), numeric text.
        (1723564700, datetime(2024, 8, 13, 15, 58, 20, tzinfo=UTC)),
        (1695135922487, datetime(2023, 9, 19, 15, 5, 22, 487000, tzinfo=UTC)),
        (1470327477881781397, datetime(2016, 8, 4, 16, 17, 57, 881781, tzinfo=UTC)),
        (1332008617.25, datetime(2012, 3, 17, 18, 23, 37, 250000, tzinfo=UTC)),
        ("1332008617", datetime(2012, 3, 17, 18, 23, 37, tzinfo=UTC)),
    ],
)
def test_parse_time(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["{timestamp}", "", "yesterday", None, True, [], {},
                                   float("nan"), 1e300, "9999-12-31T23:59:59-23:59"])
def test_unusable_times_are_none(value):
    assert parse_time(value) is None


def test_first_time_skips_placeholders():
    assert first_time("{timestamp}", None, 0) == datetime(1970, 1, 1, tzinfo=UTC)
