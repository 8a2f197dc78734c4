"""Evidence files the demo attaches: real file formats, referenced by absolute path."""

from __future__ import annotations

import ipaddress
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

from zshield_tui.demodata import generate_alerts, write_evidence_files

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                               "203.0.113.0/24")]
SAFE_NETS = [*DOC_NETS, ipaddress.ip_network("10.0.0.0/8")]


def _ones_complement_sum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def test_files_are_written_with_absolute_paths(tmp_path: Path) -> None:
    paths = write_evidence_files(tmp_path / "evidence")
    assert set(paths) == {"capture.pcap", "screenshot.png", "iocs.txt"}
    for name, path in paths.items():
        assert path.is_absolute() and path.is_file() and path.name == name
        assert 0 < path.stat().st_size < 10_000


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = {n: p.read_bytes() for n, p in write_evidence_files(tmp_path / "a").items()}
    second = {n: p.read_bytes() for n, p in write_evidence_files(tmp_path / "b").items()}
    assert first == second


def test_pcap_has_a_libpcap_header_and_valid_ipv4_packets(tmp_path: Path) -> None:
    data = write_evidence_files(tmp_path)["capture.pcap"].read_bytes()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    assert (magic, major, minor, linktype) == (0xA1B2C3D4, 2, 4, 1)
    offset, packets = 24, []
    while offset < len(data):
        _, _, incl_len, orig_len = struct.unpack("<IIII", data[offset:offset + 16])
        assert incl_len == orig_len <= snaplen
        packets.append(data[offset + 16:offset + 16 + incl_len])
        offset += 16 + incl_len
    assert offset == len(data) and len(packets) >= 2
    for frame in packets:
        assert frame[12:14] == b"\x08\x00"           # IPv4 over Ethernet
        header = frame[14:34]
        assert _ones_complement_sum(header) == 0xFFFF  # header checksum holds
        assert struct.unpack("!H", header[2:4])[0] == len(frame) - 14
        for raw in (header[12:16], header[16:20]):
            address = ipaddress.ip_address(raw)
            assert any(address in net for net in SAFE_NETS), address
    assert b"GET /a/ps.txt" in data


def test_png_has_signature_and_checksummed_chunks(tmp_path: Path) -> None:
    data = write_evidence_files(tmp_path)["screenshot.png"].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack("!I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack("!I", data[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        offset += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack("!IIBB", chunks[0][1][:10])
    assert (depth, colour) == (8, 2)
    assert len(zlib.decompress(chunks[1][1])) == height * (1 + 3 * width)


def test_ioc_list_is_tab_separated_and_harmless(tmp_path: Path) -> None:
    text = write_evidence_files(tmp_path)["iocs.txt"].read_text()
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert rows and all(len(row) == 3 for row in rows)
    for kind, value, _ in rows:
        if kind == "ip":
            assert any(ipaddress.ip_address(value) in net for net in DOC_NETS), value
        if kind == "domain":
            assert value.endswith((".example.com", ".example.net", ".example.org", ".test",
                                   ".invalid")), value
        if kind in ("url", "email"):
            assert "example." in value, value


def test_alerts_reference_evidence_files_that_exist(tmp_path: Path) -> None:
    evidence_dir = tmp_path / "ev"
    alerts = list(generate_alerts(3000, now=NOW, evidence_dir=evidence_dir))
    with_evidence = [a for a in alerts if a.evidence]
    assert 0.05 * len(alerts) < len(with_evidence) < 0.3 * len(alerts)
    names = set()
    for alert in with_evidence:
        for item in alert.evidence:
            path = Path(item.path)
            assert path.is_absolute() and path.is_file()
            assert path.parent == evidence_dir.resolve()
            assert path.name == item.name
            names.add(item.name)
    assert names == {"capture.pcap", "screenshot.png", "iocs.txt"}
    pcaps = [a for a in with_evidence if any(e.name == "capture.pcap" for e in a.evidence)]
    assert all(a.source in {"Suricata", "Zeek", "zshield"} for a in pcaps)


def test_evidence_does_not_change_the_rest_of_the_stream_shape(tmp_path: Path) -> None:
    plain = list(generate_alerts(500, now=NOW))
    with_files = list(generate_alerts(500, now=NOW, evidence_dir=tmp_path))
    assert [a.id for a in plain] == [a.id for a in with_files]
    assert len({a.parent_id for a in with_files}) > 1
