"""`create_app()`: the ServiceNow simulator as a Starlette app (zshield sim servicenow)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import routes
from .auth import TokenStore, oauth_token
from .faults import FaultMiddleware, Faults
from .state import SimClock, SimState
from .state import seed as seed_data

DEFAULT_MAX_ATTACHMENT = 1024 * 1024 * 1024   # com.glide.attachment.max_size default


@dataclass
class Sim:
    """Everything a test may reach into: `app.state.sim`."""

    state: SimState
    faults: Faults
    tokens: TokenStore = field(default_factory=TokenStore)
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT
    # Batch API calls run one at a time, first come first served (see routes.batch).
    batch_turn: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)


async def _no_resource(request: Request, exc: Exception) -> JSONResponse:
    """An unknown path answers as an instance does: 400 and its error envelope, never
    Starlette's plain text (clients read `error.message`)."""
    return JSONResponse({"error": {"message": "Requested URI does not represent any resource",
                                   "detail": None}, "status": "failure"}, status_code=400)


def create_app(*, seed: bool = True, faults: Faults | dict[str, Any] | None = None,
               clock: SimClock | None = None, start: datetime | None = None,
               max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT) -> Starlette:
    """A fresh in-memory instance. `faults` may be a Faults or a dict of its settings;
    `clock`/`start` fix the time the SLA clocks and timestamps use."""
    if isinstance(faults, dict):
        settings, faults = faults, Faults()
        faults.update(settings)
    state = SimState(clock=clock or SimClock(start))
    if seed:
        seed_data(state)
    sim = Sim(state=state, faults=faults or Faults(), max_attachment_bytes=max_attachment_bytes)
    methods = ["GET", "POST", "PATCH", "PUT", "DELETE"]
    table_routes = [Route(path, routes.table, methods=methods) for path in (
        "/api/now/table/{table}", "/api/now/table/{table}/{sys_id}",
        "/api/now/{version:str}/table/{table}", "/api/now/{version:str}/table/{table}/{sys_id}")]
    # The Attachment API answers unversioned and as v1 (pysnc calls only /api/now/v1/...).
    attachment_routes = [Route(prefix + path, handler, methods=verbs)
                         for prefix in ("/api/now", "/api/now/v1")
                         for path, handler, verbs in (
        ("/attachment/file", routes.attachment_file, ["POST"]),
        ("/attachment/upload", routes.attachment_upload, ["POST"]),
        ("/attachment", routes.attachment_list, ["GET"]),
        ("/attachment/{sys_id}", routes.attachment_one, ["GET", "DELETE"]),
        ("/attachment/{sys_id}/file", routes.attachment_one, ["GET"]))]
    app = Starlette(routes=[
        *table_routes,
        *attachment_routes,
        Route("/api/now/v1/batch", routes.batch, methods=["POST"]),
        Route("/api/now/batch", routes.batch, methods=["POST"]),
        Route("/oauth_token.do", oauth_token, methods=["POST"]),
        Route("/_sim/faults", routes.sim_faults, methods=["GET", "POST"]),
        Route("/_sim/clock", routes.sim_clock, methods=["GET", "POST"]),
        Route("/_sim/journal", routes.sim_journal, methods=["POST"]),
    ], exception_handlers={404: _no_resource, 405: _no_resource})
    app.state.sim = sim
    app.add_middleware(FaultMiddleware, sim=sim)
    return app
