"""Readers that turn real alert formats into domain Alerts (DESIGN §1, §4).

    stream = read("eve.json")              # format detected from the first record
    for item in stream:                    # Alert, or RecordError for a bad record
        ...
    stream.format, stream.skipped

One module per format (zshield, suricata, wazuh, elastic, ocsf, guardduty, zeek, falco),
each with detect(record) and to_alert(record, ctx); `source` reads files with line
numbers, `detect` picks the format, `fields` reads foreign shapes safely.
"""

from .detect import FORMATS, detect_format
from .errors import IngestError, RecordError
from .stream import AlertStream, convert_record, read

__all__ = [
    "FORMATS", "AlertStream", "IngestError", "RecordError", "convert_record", "detect_format",
    "read",
]
