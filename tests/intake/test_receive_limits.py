"""What a sender cannot make the intake do: read past the body limit, or answer before
the commit; and concurrent senders sharing one transaction."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from urllib.parse import urlsplit

import pytest

from .receive_support import TOKEN, jsonl, native, receiving, stored

LIMIT = 64 * 1024


@pytest.fixture
def intake(tmp_path):
    with receiving(tmp_path / "z.db", max_body_bytes=LIMIT) as running:
        yield running


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return sock


def _head(extra: str) -> bytes:
    return (f"POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\n{extra}\r\n").encode()


def _status(sock: socket.socket) -> int:
    reply = b""
    while b"\r\n" not in reply:
        chunk = sock.recv(4096)
        assert chunk, "connection closed without an answer"
        reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(intake):
    with _connect(intake.url) as sock:
        # 1 GB announced, 1 KB sent: the answer must come without waiting for the rest.
        sock.sendall(_head(f"Content-Length: {1 << 30}\r\n") + b"[" + b" " * 1023)
        assert _status(sock) == 413
    assert "max_body_bytes" in intake.log[-1].reason
    assert stored(intake.db) == []


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(intake):
    with _connect(intake.url) as sock:
        sock.sendall(_head("Transfer-Encoding: chunked\r\n"))
        piece = b" " * 16384
        for _ in range(LIMIT // len(piece) + 1):   # just past the limit, and never ended
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        assert _status(sock) == 413
    assert stored(intake.db) == []


def test_a_body_at_the_limit_is_read(intake):
    body = json.dumps(native(1)).encode()
    response = intake.post(body + b" " * (LIMIT - len(body)))
    assert response.status_code == 202


def _lock(db) -> sqlite3.Connection:
    """Another process's write transaction, holding the database."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_requests_that_arrive_during_a_commit_share_the_next_one(intake):
    intake.post(json.dumps(native(0)))          # the schema exists, the writer is idle
    commits = intake.writer.commits
    blocker = _lock(intake.db)
    answers: list[int] = []
    senders = [threading.Thread(target=lambda n=n: answers.append(intake.post(
        jsonl([native(n * 100 + i) for i in range(1, 11)])).status_code)) for n in range(1, 7)]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 4.5           # the writer waits 5 s for a lock
    # The first batch is inside BEGIN IMMEDIATE, waiting for the lock; the rest queue.
    while intake.writer.pending() < 6:
        assert time.monotonic() < deadline, "the requests did not reach the writer"
        time.sleep(0.01)
    assert answers == []                        # nothing answered before its commit
    blocker.execute("ROLLBACK")
    for sender in senders:
        sender.join(timeout=30)
    assert answers == [202] * 6
    assert intake.writer.commits - commits <= 2  # the one waiting, and all that queued
    assert len(stored(intake.db)) == 61


def test_a_database_that_stays_locked_is_503_and_the_sender_may_retry(intake):
    intake.post(json.dumps(native(0)))
    blocker = _lock(intake.db)
    try:
        response = intake.post(json.dumps(native(1)))   # waits out the 5 s busy timeout
    finally:
        blocker.execute("ROLLBACK")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "database" in response.json()["error"]
    assert intake.post(json.dumps(native(1))).status_code == 202
    assert len(stored(intake.db)) == 2
