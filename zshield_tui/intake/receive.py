"""The ASGI app of `zshield receive` (DESIGN §2): `POST /alerts` and `GET /healthz`.

    writer = AlertWriter(database)
    app = create_app(writer, token, max_body_bytes=16 << 20, log=print_line)

`POST /alerts` answers 202 `{"accepted": N, "skipped": K, "errors": [{"index": i,
"error": "..."}]}` only once its alerts are committed, so a sender that saw no 202 can
send the same body again: ids are stable per format, and the upsert never duplicates.
Refusals: 401 without the bearer token, 413 over the body limit (never read past it),
415 for a body that is not JSON, 400 for malformed JSON or an unknown `?format=`, 503
when the database cannot take the alerts now (send again later).
"""

from __future__ import annotations

import asyncio
import hmac
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from zshield_tui.store.db import Database

from .receive_body import BodyError, Converted, check_format, convert_records, parse_records
from .receive_writer import AlertWriter

# Media types senders use for JSON and JSON lines; none at all is taken as JSON too
# (a bare `curl --data-binary` sends a form type, which is refused with a hint).
_JSON_TYPES = {"application/json", "application/x-ndjson", "application/ndjson",
               "application/jsonl", "application/x-jsonlines", "text/json"}


@dataclass
class Received:
    """What happened to one request: one log line each."""

    client: str          # host:port of the sender
    agent: str           # its User-Agent, as sent (hostile text: escape before printing)
    status: int
    accepted: int = 0
    skipped: int = 0
    errors: int = 0
    reason: str = ""     # why it was refused, or the first record error
    seconds: float = 0.0


def create_app(writer: AlertWriter, token: str, *, max_body_bytes: int,
               log: Callable[[Received], None] = lambda _: None) -> Starlette:
    """The app; `token` is the bearer token every `POST /alerts` must carry."""
    expected = token.encode()

    async def post_alerts(request: Request) -> JSONResponse:
        started = time.monotonic()
        event = Received(_client(request), request.headers.get("user-agent", "")[:80], 0)

        def answer(status: int, document: dict, headers: dict | None = None) -> JSONResponse:
            event.status, event.seconds = status, time.monotonic() - started
            log(event)
            return JSONResponse(document, status_code=status, headers=headers)

        if not _authorized(request.headers.get("authorization", ""), expected):
            event.reason = "missing or wrong bearer token"
            return answer(401, {"error": event.reason},
                          {"WWW-Authenticate": 'Bearer realm="zshield"'})
        try:
            fmt = check_format(request.query_params.get("format", "auto"))
            _check_media_type(request.headers.get("content-type", ""))
            body = await _read_body(request, max_body_bytes)
            converted: Converted = await run_in_threadpool(_convert, body, fmt)
        except BodyError as exc:
            event.reason = str(exc)
            # Past the limit the rest of the body is never read: the connection must close.
            closing = {"Connection": "close"} if exc.status == 413 else None
            return answer(exc.status, {"error": event.reason}, closing)
        except ClientDisconnect:
            event.reason = "the sender went away before the whole body arrived"
            return answer(400, {"error": event.reason})
        event.accepted, event.skipped = len(converted.alerts), converted.skipped
        event.errors = converted.error_count
        if converted.errors:
            first = converted.errors[0]
            event.reason = f"[{first['index']}] {first['error']}"
        if converted.alerts:
            try:
                await asyncio.wrap_future(writer.submit(converted.alerts))
            except Exception as exc:
                if _database_fault(exc):
                    # The sender only needs to know to retry; the operator's log line says
                    # why.
                    event.accepted, event.reason = 0, f"not stored: {_first_line(exc)}"
                    return answer(503, {"error": "the database cannot take alerts now; "
                                                 "send them again later"}, {"Retry-After": "5"})
                # A bug of ours: one log line, not a traceback.
                event.accepted, event.reason = 0, f"not stored: {type(exc).__name__}: {exc}"
                return answer(500, {"error": "internal error; the receiver's log says more"})
        document = {"accepted": event.accepted, "skipped": event.skipped,
                    "errors": converted.errors}
        if converted.error_count > len(converted.errors):
            document["errors_omitted"] = converted.error_count - len(converted.errors)
        return answer(202, document)

    async def healthz(request: Request) -> JSONResponse:
        problem = await run_in_threadpool(_database_problem, writer.database)
        if problem is not None:
            log(Received(_client(request), request.headers.get("user-agent", "")[:80], 503,
                         reason=f"healthz: the database is unreachable: {problem}"))
            # No details: this answer needs no token.
            return JSONResponse({"status": "unavailable", "database": "unreachable"},
                                status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return Starlette(routes=[Route("/alerts", post_alerts, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"])])


def _authorized(header: str, expected: bytes) -> bool:
    scheme, _, given = header.partition(" ")
    # Starlette decodes headers as latin-1: encoding back gives the bytes as sent.
    # compare_digest takes as long whatever the first wrong byte, so timing tells nothing.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("latin-1"), expected)


def _check_media_type(header: str) -> None:
    media = header.partition(";")[0].strip().lower()
    if media and media not in _JSON_TYPES and not media.endswith("+json"):
        raise BodyError(415, f"Content-Type {media!r} is not JSON: send application/json "
                             "(or application/x-ndjson for JSON lines)")


async def _read_body(request: Request, limit: int) -> bytes:
    too_big = BodyError(413, f"body over the limit of {limit:,} bytes ([receive] "
                             "max_body_bytes); send smaller batches")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def _convert(body: bytes, fmt: str) -> Converted:
    return convert_records(parse_records(body), fmt)


def _client(request: Request) -> str:
    if request.client is None:
        return "unknown"
    host, port = request.client.host, request.client.port
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _database_problem(database: Database) -> str | None:
    """None when the database opens and answers a query, else what went wrong.
    A fresh read-only connection each time: one kept open would still answer after the
    file was deleted, its disk unmounted or the server restarted."""
    if database.path is None:
        return _server_problem(database)
    try:
        conn = sqlite3.connect(f"{database.path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=2)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None


def _database_fault(exc: BaseException) -> bool:
    """A fault of the database (SQLite's or PostgreSQL's), not of this code."""
    import psycopg

    return isinstance(exc, (sqlite3.Error, psycopg.Error))


def _first_line(exc: BaseException) -> str:
    # PostgreSQL's messages go on with DETAIL and HINT lines; the log takes one line.
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _server_problem(database: Database) -> str | None:
    import psycopg

    try:
        with psycopg.connect(database.conninfo, connect_timeout=2) as conn:
            conn.execute("SELECT 1").fetchone()
    except psycopg.Error as exc:
        return _first_line(exc)
    return None
