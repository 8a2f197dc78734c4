"""Tiny but valid evidence files for demo alerts: a PCAP excerpt, a screenshot and an IOC
list. They are built byte by byte so the demo needs no capture tool or image library, and
so attachment uploads in the simulators carry real file formats."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

PCAP_NAME = "capture.pcap"
PNG_NAME = "screenshot.png"
IOC_LIST_NAME = "iocs.txt"

_CLIENT = (10, 40, 2, 17)        # lt-eng-... in the demo inventory
_RESOLVER = (10, 10, 0, 10)      # dc-01
_SERVER = (203, 0, 113, 7)       # RFC 5737
_DOMAIN = "cdn-update.example.net"
_T0 = 1_795_000_000              # a fixed time keeps the files byte-identical between runs


def write_evidence_files(evidence_dir: Path) -> dict[str, Path]:
    """Write the demo evidence files into `evidence_dir` (created if missing) and return
    file name -> absolute path. Writing again produces identical bytes."""
    evidence_dir = Path(evidence_dir).expanduser()
    evidence_dir.mkdir(parents=True, exist_ok=True)
    evidence_dir = evidence_dir.resolve()
    files = {PCAP_NAME: pcap_bytes(), PNG_NAME: png_bytes(), IOC_LIST_NAME: ioc_list_bytes()}
    paths = {}
    for name, data in files.items():
        path = evidence_dir / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _ipv4(src: tuple[int, ...], dst: tuple[int, ...], proto: int, payload: bytes,
          ident: int) -> bytes:
    header = struct.pack("!BBHHHBBH4B4B", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto,
                         0, *src, *dst)
    header = header[:10] + struct.pack("!H", _checksum(header)) + header[12:]
    return header + payload


def _l4_checksum(src: tuple[int, ...], dst: tuple[int, ...], proto: int, segment: bytes) -> int:
    pseudo = struct.pack("!4B4BBBH", *src, *dst, 0, proto, len(segment))
    return _checksum(pseudo + segment)


def _udp(src: tuple[int, ...], dst: tuple[int, ...], sport: int, dport: int, data: bytes,
         ident: int) -> bytes:
    segment = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    csum = _l4_checksum(src, dst, 17, segment) or 0xFFFF
    segment = segment[:6] + struct.pack("!H", csum) + segment[8:]
    return _ipv4(src, dst, 17, segment, ident)


def _tcp(src: tuple[int, ...], dst: tuple[int, ...], sport: int, dport: int, seq: int,
         ack: int, flags: int, data: bytes, ident: int) -> bytes:
    segment = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    segment += data
    csum = _l4_checksum(src, dst, 6, segment)
    segment = segment[:16] + struct.pack("!H", csum) + segment[18:]
    return _ipv4(src, dst, 6, segment, ident)


def _ethernet(packet: bytes, outbound: bool) -> bytes:
    host, gateway = bytes.fromhex("02420a280211"), bytes.fromhex("02005e100001")
    dst, src = (gateway, host) if outbound else (host, gateway)
    return dst + src + b"\x08\x00" + packet


def _dns_name(name: str) -> bytes:
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def pcap_bytes() -> bytes:
    """A classic libpcap file (Ethernet link type): a DNS lookup of the C2 domain, its
    answer, then the TCP SYN and the HTTP request that fetched the payload."""
    question = _dns_name(_DOMAIN) + struct.pack("!HH", 1, 1)
    query = struct.pack("!HHHHHH", 0x1A2B, 0x0100, 1, 0, 0, 0) + question
    answer = (struct.pack("!HHHHHH", 0x1A2B, 0x8180, 1, 1, 0, 0) + question
              + struct.pack("!HHHIH4B", 0xC00C, 1, 1, 300, 4, *_SERVER))
    request = (f"GET /a/ps.txt HTTP/1.1\r\nHost: {_DOMAIN}\r\n"
               "User-Agent: Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) "
               "WindowsPowerShell/5.1\r\nConnection: Keep-Alive\r\n\r\n").encode()
    frames = [
        _ethernet(_udp(_CLIENT, _RESOLVER, 53211, 53, query, 0x1001), outbound=True),
        _ethernet(_udp(_RESOLVER, _CLIENT, 53, 53211, answer, 0x2001), outbound=False),
        _ethernet(_tcp(_CLIENT, _SERVER, 49812, 80, 1000, 0, 0x02, b"", 0x1002), outbound=True),
        _ethernet(_tcp(_CLIENT, _SERVER, 49812, 80, 1001, 5001, 0x18, request, 0x1003),
                  outbound=True),
    ]
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, frame in enumerate(frames):
        out.append(struct.pack("<IIII", _T0, 120_000 * i, len(frame), len(frame)) + frame)
    return b"".join(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack("!I", len(data)) + kind + data
            + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bytes(width: int = 160, height: int = 90) -> bytes:
    """An RGB PNG that looks like a thumbnail of an alert console: a red banner and grey
    text lines on a dark background."""
    background, banner, text = b"\x1e\x1e\x24", b"\xc8\x28\x28", b"\x8c\x8c\x96"
    rows = []
    for y in range(height):
        if y < 12:
            row = banner * width
        elif y % 10 in (4, 5) and y < height - 8:
            # Lines of "text" with ragged right edges, as a real screenshot has.
            length = width - 20 - (y * 37 % 60)
            row = background * 8 + text * length + background * (width - 8 - length)
        else:
            row = background * width
        rows.append(b"\0" + row)  # filter type 0 (None) for every scanline
    header = struct.pack("!IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + _png_chunk(b"IEND", b""))


def ioc_list_bytes() -> bytes:
    """A plain IOC list as a threat-intel team would hand it over: type, value, comment."""
    lines = [
        "# IOC list - zshield demo data. Documentation addresses and reserved domains only.",
        "# type\tvalue\tcomment",
        f"ip\t{'.'.join(map(str, _SERVER))}\tpayload host seen in capture.pcap",
        "ip\t198.51.100.23\tbeacon fallback",
        f"domain\t{_DOMAIN}\tfirst-stage download",
        "domain\tlogin-yourorg-sso.example.com\tcredential-harvesting page",
        f"url\thttp://{_DOMAIN}/a/ps.txt\tPowerShell stager",
        "sha256\t" + "9f2b" * 16 + "\tstager script",
        "email\tbilling@invoice-portal.example.org\tphishing sender",
    ]
    return ("\n".join(lines) + "\n").encode()
