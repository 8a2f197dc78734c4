"""A fresh simulator per test and connectors wired to it over httpx.ASGITransport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from zshield_tui.config import TargetConfig
from zshield_tui.connectors.servicenow import ServiceNowConnector
from zshield_tui.connectors.servicenow.retry import RetryPolicy
from zshield_tui.sim.servicenow.app import create_app
from zshield_tui.sim.servicenow.state import SimClock

URL = "http://127.0.0.1:8765"
ENV = {"SN_PASSWORD": "zshield", "SN_CLIENT_SECRET": "zshield-secret"}
START = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)


def target(auth: str = "basic", **extra) -> TargetConfig:
    """A ServiceNow target for the simulator with basic or OAuth (password grant) auth."""
    methods = {
        "basic": {"method": "basic", "username": "zshield.integration",
                  "password_env": "SN_PASSWORD"},
        "oauth": {"method": "oauth2", "client_id": "zshield-client",
                  "client_secret_env": "SN_CLIENT_SECRET", "username": "zshield.integration",
                  "password_env": "SN_PASSWORD"},
        "client_credentials": {"method": "oauth2", "client_id": "zshield-client",
                               "client_secret_env": "SN_CLIENT_SECRET"},
    }
    return TargetConfig(name="snow", kind="servicenow", url=URL, auth=methods[auth], **extra)


class FakeTime:
    """One clock for the simulator and the connector; sleeping moves it forward."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.clock.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)


class Recorder:
    """An httpx event hook keeping every request the connector sends."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def to(self, method: str, path_part: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and path_part in r.url.path]


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


@pytest.fixture
def fake_time(clock: SimClock) -> FakeTime:
    return FakeTime(clock)


@pytest.fixture
def app(clock: SimClock):
    return create_app(clock=clock)


@pytest.fixture
def sim(app):
    return app.state.sim


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_connector(app, tmp_path: Path, recorder: Recorder, fake_time: FakeTime
                   ) -> Callable[..., ServiceNowConnector]:
    made: list[ServiceNowConnector] = []

    def build(auth: str = "basic", table: str = "incident", *, env=None, target_config=None,
              **kwargs) -> ServiceNowConnector:
        kwargs.setdefault("retry", RetryPolicy(sleep=fake_time.sleep, clock=fake_time.now,
                                               random=lambda: 0.5))
        kwargs.setdefault("clock", fake_time.now)
        kwargs.setdefault("token_file", tmp_path / "tokens" / "snow.json")
        connector = ServiceNowConnector(
            target_config or target(auth), ENV if env is None else env, table=table,
            transport=httpx.ASGITransport(app=app), event_hooks={"request": [recorder]},
            **kwargs)
        made.append(connector)
        return connector

    yield build


@pytest.fixture(params=["basic", "oauth"])
def auth(request) -> str:
    return request.param


@pytest.fixture(params=["incident", "sn_si_incident"])
def table(request) -> str:
    return request.param


@pytest.fixture
async def connector(make_connector, auth: str, table: str):
    async with make_connector(auth, table) as opened:
        yield opened


def records(sim, table: str) -> list[dict[str, str]]:
    return list(sim.state.tables[table].values())
