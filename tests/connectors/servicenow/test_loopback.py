"""A few operations over real HTTP: uvicorn on 127.0.0.1, an ephemeral port, a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from zshield_tui.connectors.servicenow import ServiceNowConnector
from zshield_tui.connectors.servicenow.retry import RetryPolicy
from zshield_tui.sim.servicenow.app import create_app

from .conftest import ENV, target


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, object]]:
    app = create_app()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error",
                                           lifespan="off", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the simulator did not start on 127.0.0.1")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", app.state.sim
    server.should_exit = True
    thread.join(timeout=10)


def connector_for(url: str, auth: str, tmp_path, **kwargs) -> ServiceNowConnector:
    config = target(auth).model_copy(update={"url": url})
    return ServiceNowConnector(config, ENV, table="incident", token_file=tmp_path / "t.json",
                               retry=RetryPolicy(base_delay=0.01), **kwargs)


@pytest.mark.parametrize("auth", ["basic", "oauth"])
async def test_create_note_and_resolve_over_http(served, auth, tmp_path):
    url, sim = served
    async with connector_for(url, auth, tmp_path) as connector:
        created = await connector.create({"short_description": "over the wire",
                                          "severity": "low"}, correlation_key=f"LB-{auth}")
        note = await connector.add_comment(created.ticket.key, "checked")
        resolved = await connector.transition(created.ticket.key, "Resolved")
        again = await connector.create({"short_description": "over the wire"},
                                       correlation_key=f"LB-{auth}")
    assert created.ticket.fields["priority"] == "4"
    assert note.id in sim.state.tables["sys_journal_field"]
    assert resolved.status == "Resolved" and not again.created


async def test_dropped_answer_over_http_still_makes_one_incident(served, tmp_path):
    url, sim = served
    sim.faults.update({"drop_next": 1, "drop_hold": 1.0})
    async with connector_for(url, "basic", tmp_path, timeout=0.3) as connector:
        result = await connector.create({"short_description": "dropped"},
                                        correlation_key="LB-drop")
    assert result.created
    matching = [r for r in sim.state.tables["incident"].values()
                if r["correlation_id"] == "LB-drop"]
    assert len(matching) == 1
