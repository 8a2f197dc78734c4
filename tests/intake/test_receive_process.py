"""`zshield receive` as a process: it starts only when it can serve safely, a SIGTERM
lets the request in flight finish, and a SIGKILL before the commit costs the sender a
re-send, never a duplicate."""

from __future__ import annotations

import json
import random
import signal
import socket
import sqlite3
import ssl
import subprocess
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from .receive_support import JSON, TOKEN, Receiver, jsonl, native, stored


def _one_line_exit_2(receiver: Receiver, *expected: str) -> None:
    assert receiver.wait() == 2, receiver.stderr
    lines = receiver.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in receiver.stderr, receiver.stderr
    for text in expected:
        assert text in lines[0]


@pytest.mark.parametrize("token", [None, ""])
def test_without_its_token_it_refuses_to_start(tmp_path, token):
    receiver = Receiver(tmp_path, tmp_path / "z.db", "--listen", "127.0.0.1:0", token=token)
    _one_line_exit_2(receiver, "token_env names ZSHIELD_RECEIVE_TOKEN", "unset or empty")


def test_the_token_variable_is_the_one_the_config_names(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[receive]\ntoken_env = "MY_INTAKE_TOKEN"\n')
    receiver = Receiver(tmp_path, tmp_path / "z.db", config=config)
    _one_line_exit_2(receiver, "token_env names MY_INTAKE_TOKEN")


@pytest.mark.parametrize("listen", ["0.0.0.0:8765", "[::]:8765", "10.1.2.3:8765",
                                    "intake.example.com:8765"])
def test_an_address_beyond_loopback_needs_tls(tmp_path, listen):
    receiver = Receiver(tmp_path, tmp_path / "z.db", "--listen", listen)
    _one_line_exit_2(receiver, "not a loopback address", "tls")


def test_a_malformed_listen_address_is_named(tmp_path):
    receiver = Receiver(tmp_path, tmp_path / "z.db", "--listen", "8765")
    _one_line_exit_2(receiver, "--listen '8765': expected HOST:PORT")


def test_a_certificate_that_does_not_load_is_named(tmp_path):
    config = tmp_path / "config.toml"
    (tmp_path / "cert.pem").write_text("not a certificate\n")
    config.write_text('[receive]\nlisten = "0.0.0.0:8765"\n'
                      'tls = { cert = "cert.pem", key = "key.pem" }\n')
    receiver = Receiver(tmp_path, tmp_path / "z.db", config=config)
    _one_line_exit_2(receiver, "[receive] tls:", "key.pem")


def _certificate(folder) -> tuple[str, str]:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return str(folder / "cert.pem"), str(folder / "key.pem")


def test_with_tls_it_serves_https_only(tmp_path):
    cert, _ = _certificate(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text('[receive]\ntls = { cert = "cert.pem", key = "key.pem" }\n')
    receiver = Receiver(tmp_path, tmp_path / "z.db", "--listen", "127.0.0.1:0", config=config)
    try:
        url = receiver.url()
        assert url.startswith("https://127.0.0.1:")
        trusting = ssl.create_default_context(cafile=cert)
        response = httpx.post(f"{url}/alerts", content=json.dumps(native(1)), headers=JSON,
                              verify=trusting, timeout=30)
        assert response.status_code == 202
        with pytest.raises(httpx.HTTPError):
            httpx.post(f"{url.replace('https', 'http')}/alerts", content="{}", headers=JSON,
                       timeout=5)
    finally:
        receiver.kill()
    assert len(stored(tmp_path / "z.db")) == 1


def _lock(db) -> sqlite3.Connection:
    """Another process's write transaction: the intake's commit waits behind it."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def _send_raw(url: str, body: bytes, agent: str = "test-sender") -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    sock.sendall(f"POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}"
                 f"\r\nContent-Type: application/json\r\nUser-Agent: {agent}\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode("latin-1") + body)
    return sock


def _answer(sock: socket.socket) -> bytes:
    reply = b""
    while chunk := sock.recv(65536):
        reply += chunk
    return reply


def test_sigterm_lets_the_request_in_flight_commit_and_exits_0(tmp_path):
    db = tmp_path / "z.db"
    receiver = Receiver(tmp_path, db, "--listen", "127.0.0.1:0")
    try:
        url = receiver.url()
        blocker = _lock(db)
        sock = _send_raw(url, jsonl([native(n) for n in range(1, 101)]).encode(),
                         agent="sender/1.0 \x9b31m")
        time.sleep(0.5)                          # received; its commit waits on the lock
        receiver.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert receiver.process.poll() is None   # still finishing the request
        blocker.execute("ROLLBACK")
        reply = _answer(sock)
        assert reply.startswith(b"HTTP/1.1 202"), reply
        assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["accepted"] == 100
        assert receiver.wait() == 0, receiver.stderr
    finally:
        receiver.kill()
    assert len(stored(db)) == 100
    lines = receiver.stderr.strip().splitlines()
    request = [line for line in lines if " receive 127.0.0.1:" in line]
    assert len(request) == 1, lines
    assert "202 accepted 100, skipped 0, errors 0" in request[0]
    assert "\x9b" not in receiver.stderr and "sender/1.0 \\x9b31m" in request[0]
    assert lines[-1] == "zshield receive: stopped; 100 alerts stored"


def test_sigkill_before_the_commit_then_a_resend_stores_each_alert_once(tmp_path):
    db = tmp_path / "z.db"
    body = jsonl([native(n) for n in range(1, 201)]).encode()
    first = Receiver(tmp_path, db, "--listen", "127.0.0.1:0")
    try:
        url = first.url()
        blocker = _lock(db)
        sock = _send_raw(url, body)
        time.sleep(0.5)                          # received; its commit waits on the lock
        first.process.send_signal(signal.SIGKILL)
        first.wait()
        blocker.execute("ROLLBACK")
        assert not _answer(sock).startswith(b"HTTP/1.1 202")   # the sender saw no 202
    finally:
        first.kill()
    assert stored(db) == []

    second = Receiver(tmp_path, db, "--listen", "127.0.0.1:0")
    try:
        url = second.url()
        for _ in range(2):                       # the re-send, and a needless second one
            response = httpx.post(f"{url}/alerts", content=body, headers=JSON, timeout=30)
            assert response.json()["accepted"] == 200
    finally:
        second.kill()
    ids = [alert_id for alert_id, _ in stored(db)]
    assert len(ids) == 200 == len(set(ids))


def test_sigkill_at_a_random_moment_of_a_stream_of_posts_loses_and_duplicates_nothing(
        tmp_path):
    db = tmp_path / "z.db"
    batches = [jsonl([native(b * 1000 + i) for i in range(50)]) for b in range(60)]
    acknowledged: set[int] = set()
    first = Receiver(tmp_path, db, "--listen", "127.0.0.1:0")

    def send_all(url: str) -> None:
        with httpx.Client(headers=JSON, timeout=30) as client:
            for n, body in enumerate(batches):
                try:
                    if client.post(f"{url}/alerts", content=body).status_code == 202:
                        acknowledged.add(n)
                except httpx.HTTPError:
                    return                       # the server died: the rest is re-sent

    try:
        sender = threading.Thread(target=send_all, args=(first.url(),))
        sender.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 5:
            assert time.monotonic() < deadline and sender.is_alive(), first.stderr
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.2))
        first.process.send_signal(signal.SIGKILL)
        first.wait()
        sender.join(timeout=30)
    finally:
        first.kill()
    assert len(acknowledged) < len(batches), "the kill must land mid-stream"
    kept = {alert_id for alert_id, _ in stored(db)}
    for n in acknowledged:                       # a 202 means committed, kill or not
        assert {f"ZS-{n * 1000 + i:06d}" for i in range(50)} <= kept

    second = Receiver(tmp_path, db, "--listen", "127.0.0.1:0")
    try:
        url = second.url()
        with httpx.Client(headers=JSON, timeout=30) as client:
            for n, body in enumerate(batches):
                if n not in acknowledged:
                    assert client.post(f"{url}/alerts", content=body).status_code == 202
    finally:
        second.kill()
    ids = [alert_id for alert_id, _ in stored(db)]
    assert len(ids) == 3000 == len(set(ids))
