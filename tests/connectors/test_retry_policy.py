"""The one retry policy both connectors use, with each system's parameters."""

from __future__ import annotations

import httpx
import pytest

from zshield_tui.connectors.jira.http import RetryPolicy as JiraRetry
from zshield_tui.connectors.retry import Outcome, RetryPolicy, send_with_retry
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry


class Script:
    """Answers (or raises) from a list, recording the waits in between."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.slept: list[float] = []

    async def send(self) -> httpx.Response:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def _policy(cls, script: Script, **kw) -> RetryPolicy:
    return cls(sleep=script.sleep, clock=lambda: 1_000.0, random=lambda: 1.0, **kw)


def test_both_systems_are_the_shared_policy_with_their_own_parameters():
    jira, snow = JiraRetry(), SnowRetry()
    assert isinstance(jira, RetryPolicy) and isinstance(snow, RetryPolicy)
    assert 503 in jira.retry_always and 409 in jira.retry_always
    assert 503 not in snow.retry_always and 503 in snow.retry_if_idempotent
    assert (jira.reset_format, snow.reset_format) == ("iso", "unix")


def test_the_reset_header_is_read_in_each_systems_format():
    unix = httpx.Response(429, headers={"X-RateLimit-Reset": "1030"})
    iso = httpx.Response(429, headers={"X-RateLimit-Reset": "1970-01-01T00:17:10Z"})
    assert SnowRetry(clock=lambda: 1_000.0).server_delay(unix) == 30.0
    assert JiraRetry(clock=lambda: 1_000.0).server_delay(iso) == 30.0
    assert JiraRetry(clock=lambda: 1_000.0).server_delay(unix) is None


@pytest.mark.parametrize("cls", [JiraRetry, SnowRetry])
async def test_a_429_is_retried_after_retry_after_even_for_a_create(cls):
    script = Script(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(201))
    result = await send_with_retry(script.send, _policy(cls, script), idempotent=False)
    assert isinstance(result, httpx.Response) and result.status_code == 201
    assert script.slept == [3.0]


@pytest.mark.parametrize("cls", [JiraRetry, SnowRetry])
async def test_a_wait_longer_than_the_limit_is_handed_back(cls):
    script = Script(httpx.Response(429, headers={"Retry-After": "600"}))
    result = await send_with_retry(script.send, _policy(cls, script), idempotent=True)
    assert isinstance(result, Outcome) and result.wait == 600.0 and not result.sent
    assert script.slept == [] and script.calls == 1


async def test_a_503_repeats_a_create_on_jira_only():
    # Jira documents 503 as not done; on ServiceNow a 5xx may come after the insert.
    jira = Script(httpx.Response(503), httpx.Response(201))
    assert (await send_with_retry(jira.send, _policy(JiraRetry, jira), idempotent=False)
            ).status_code == 201
    snow = Script(httpx.Response(503), httpx.Response(201))
    outcome = await send_with_retry(snow.send, _policy(SnowRetry, snow), idempotent=False)
    assert isinstance(outcome, Outcome) and outcome.sent and snow.calls == 1


@pytest.mark.parametrize("cls", [JiraRetry, SnowRetry])
async def test_no_answer_to_a_create_is_not_repeated_but_no_connection_is(cls):
    request = httpx.Request("POST", "http://127.0.0.1/x")
    sent = Script(httpx.ReadTimeout("slow", request=request))
    outcome = await send_with_retry(sent.send, _policy(cls, sent), idempotent=False)
    assert isinstance(outcome, Outcome) and outcome.sent and sent.calls == 1
    unsent = Script(httpx.PoolTimeout("busy", request=request),
                    httpx.ConnectError("refused", request=request), httpx.Response(201))
    result = await send_with_retry(unsent.send, _policy(cls, unsent), idempotent=False)
    assert isinstance(result, httpx.Response) and unsent.calls == 3


@pytest.mark.parametrize("cls", [JiraRetry, SnowRetry])
async def test_attempts_are_bounded_and_back_off(cls):
    script = Script(*[httpx.Response(502)] * 10)
    policy = _policy(cls, script, max_attempts=3, base_delay=1.0)
    outcome = await send_with_retry(script.send, policy, idempotent=True)
    assert isinstance(outcome, Outcome) and script.calls == 3
    assert script.slept == [policy.backoff(1), policy.backoff(2)]
    assert script.slept[1] == 2 * script.slept[0]
