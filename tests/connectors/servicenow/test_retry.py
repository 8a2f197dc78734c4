"""429 honoured, 5xx retried with backoff, attempts bounded, a dropped create made once."""

from __future__ import annotations

import pytest

from zshield_tui.connectors.errors import RateLimitError, UnavailableError
from zshield_tui.connectors.servicenow.retry import RetryPolicy

from .conftest import records


async def test_429_waits_for_retry_after(make_connector, sim, fake_time):
    sim.faults.update({"throttle_next": 2, "retry_after": 7})
    async with make_connector() as connector:
        assert await connector.test_connection()
    assert fake_time.sleeps == [7.0, 7.0]


async def test_429_without_retry_after_uses_the_unix_reset(make_connector, sim, fake_time):
    sim.faults.update({"throttle_next": 1, "retry_after": 0})
    async with make_connector() as connector:
        await connector.test_connection()
    assert fake_time.sleeps == [1.0]   # reset = now + 1 on the shared clock


async def test_429_beyond_the_attempts_is_a_rate_limit_error(make_connector, sim):
    sim.faults.update({"throttle_next": 10, "retry_after": 3})
    async with make_connector() as connector:
        with pytest.raises(RateLimitError) as caught:
            await connector.test_connection()
    assert caught.value.retry_after == 3.0
    assert "Rate limit" in str(caught.value)


async def test_5xx_is_retried_with_growing_jittered_waits(make_connector, sim, fake_time):
    sim.faults.fail_next = 3
    async with make_connector() as connector:
        await connector.test_connection()
    assert fake_time.sleeps == [0.25, 0.5, 1.0]   # random() = 0.5 times 0.5 * 2**n


async def test_attempts_are_bounded(make_connector, sim, fake_time):
    sim.faults.fail_next = 100
    async with make_connector(retry=RetryPolicy(max_attempts=3, sleep=fake_time.sleep,
                                                clock=fake_time.now)) as connector:
        with pytest.raises(UnavailableError, match="503"):
            await connector.test_connection()
    assert len(fake_time.sleeps) == 2


async def test_failed_create_is_not_blindly_repeated(make_connector, sim):
    sim.faults.fail_next = 1
    async with make_connector() as connector:
        result = await connector.create({"short_description": "x"}, correlation_key="ZS-40")
    assert result.created
    assert len(records(sim, "incident")) == 1


async def test_dropped_create_answer_leaves_exactly_one_incident(make_connector, sim):
    sim.faults.update({"drop_next": 1, "drop_hold": 5.0})
    async with make_connector(timeout=0.2) as connector:
        result = await connector.create({"short_description": "x"}, correlation_key="ZS-41")
        again = await connector.create({"short_description": "x"}, correlation_key="ZS-41")
    assert result.created and not again.created
    assert result.ticket.remote_id == again.ticket.remote_id
    assert len(records(sim, "incident")) == 1
