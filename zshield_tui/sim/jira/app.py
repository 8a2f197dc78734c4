"""A local Jira (Cloud REST v3 and v2, Data Center REST v2) for tests and `zshield sim`.

Real paths, shapes, status codes and error bodies for what the connector uses; see
state.py for the test credentials. Loopback only: it accepts test credentials by design.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import routes_issues, routes_links, routes_meta, routes_oauth, routes_work
from .gate import Faults, Gate
from .state import JiraState


async def _faults(request: Request) -> Response:
    """GET shows the switches; POST/PUT merges a JSON object of them (test-only)."""
    faults: Faults = request.app.state.faults
    if request.method in {"POST", "PUT"}:
        try:
            faults.update(json.loads(await request.body() or b"{}"))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"errorMessages": [str(exc)], "errors": {}}, status_code=400)
    return JSONResponse(faults.as_dict())


async def _no_resource(request: Request, exc: Exception) -> JSONResponse:
    """An unknown path or method answers in Jira's ErrorCollection, as the real REST API
    does, not Starlette's plain text: clients parse `errorMessages`."""
    status = getattr(exc, "status_code", 404)
    what = "No resource" if status == 404 else f"Method {request.method} not allowed"
    return JSONResponse({"errorMessages": [f"{what} for {request.url.path}"], "errors": {}},
                        status_code=status)


def create_app(*, seed: bool = True, faults: dict[str, Any] | None = None,
               clock: Callable[[], float] = time.time) -> Starlette:
    """The simulator with fresh in-memory state; `faults` presets the fault switches."""
    state = JiraState(seed=seed)
    switches = Faults()
    switches.update(faults or {})
    # routes_meta first: its `issue/createmeta` would otherwise be read as an issue key.
    app = Starlette(routes=[*routes_meta.routes, *routes_issues.routes, *routes_links.routes,
                            *routes_work.routes,
                            *routes_oauth.routes,
                            Route("/_sim/faults", _faults, methods=["GET", "POST", "PUT"])],
                    exception_handlers={404: _no_resource, 405: _no_resource})
    app.state.jira = state
    app.state.faults = switches
    app.state.clock = clock
    app.add_middleware(Gate, state=state, faults=switches, clock=clock)
    return app
