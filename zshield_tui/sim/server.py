"""`zshield sim jira|servicenow --port N`: a simulator on 127.0.0.1 for staging tests."""

from __future__ import annotations

from importlib import import_module

APPS = {"jira": "zshield_tui.sim.jira.app", "servicenow": "zshield_tui.sim.servicenow.app"}


def create_app(kind: str):
    """The ASGI app of one simulator, with its default seed data."""
    return import_module(APPS[kind]).create_app()


def serve(kind: str, port: int) -> None:
    import uvicorn

    # Loopback only: the simulators accept any test credential by design.
    uvicorn.run(create_app(kind), host="127.0.0.1", port=port, log_level="warning")
