"""Retries, rate limits, auth errors and idempotency under dropped responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from zshield_tui.connectors.errors import (
    AuthError,
    RateLimitError,
    UnavailableError,
    UncertainError,
)
from zshield_tui.connectors.jira import JiraConnector
from zshield_tui.connectors.jira.http import RetryPolicy
from zshield_tui.sim.jira.app import create_app

from .jira_spec import check_request
from .jira_testkit import ENV, fast_policy, target


def payload(summary: str = "Brute force against vpn-gw") -> dict:
    return {"fields": {"project": {"key": "SEC"}, "issuetype": {"name": "Task"},
                       "summary": summary}}


class FakeClock:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def clocked(clock: FakeClock, **kw) -> RetryPolicy:
    return RetryPolicy(sleep=clock.sleep, clock=lambda: clock.now.timestamp(),
                       random=lambda: 0.5, read_timeout=2.0, **kw)


def test_the_spec_checker_refuses_what_jira_does_not_have():
    assert check_request("cloud", "GET", "/rest/api/3/search/jql", b"", "")  == []
    with pytest.raises(AssertionError):
        check_request("datacenter", "GET", "/rest/api/3/myself", b"", "")
    bad = json.dumps({"jql": "x", "startAt": 5}).encode()
    assert check_request("cloud", "POST", "/rest/api/3/search/jql", bad, "application/json")


async def test_429_waits_for_retry_after_then_succeeds(make_connector, app):
    clock = FakeClock()
    app.state.faults.update({"throttle_next": 2, "retry_after": 7})
    async with make_connector("api_token", retry=clocked(clock)) as jira:
        assert "SOC Bot" in await jira.test_connection()
    assert clock.slept == [7.0, 7.0]


async def test_429_after_all_attempts_is_a_rate_limit_error(make_connector, app):
    clock = FakeClock()
    app.state.faults.update({"throttle_next": 10, "retry_after": 3})
    async with make_connector("pat", retry=clocked(clock, max_attempts=3)) as jira:
        with pytest.raises(RateLimitError) as caught:
            await jira.test_connection()
    assert caught.value.retry_after == 3.0 and len(clock.slept) == 2


def test_retry_after_as_http_date_and_ratelimit_reset():
    clock = FakeClock()
    policy = clocked(clock)
    date = httpx.Response(429, headers={"Retry-After": "Wed, 25 Nov 2026 12:00:30 GMT"})
    assert policy.server_delay(date) == 30.0
    reset = httpx.Response(429, headers={"X-RateLimit-Reset": "2026-11-25T12:02Z"})
    assert policy.server_delay(reset) == 120.0
    assert policy.server_delay(httpx.Response(503)) is None


def test_backoff_is_exponential_with_jitter_and_capped():
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0, jitter=0.5, random=lambda: 1.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [1.5, 3.0, 6.0, 10.0, 10.0]


async def test_503_without_retry_after_backs_off_then_gives_up(make_connector, app):
    clock = FakeClock()
    app.state.faults.update({"error_rate": 1.0})
    async with make_connector("api_token", retry=clocked(clock, max_attempts=4,
                                                          base_delay=1.0)) as jira:
        with pytest.raises(UnavailableError, match="503"):
            await jira.get("SEC-1")
    assert clock.slept == [1.25, 2.5, 5.0]


@pytest.mark.parametrize("auth", ["api_token", "pat"])
async def test_wrong_credential_names_the_setting_never_the_token(auth, app):
    env = {**ENV, "ZSHIELD_JIRA_TOKEN": "wrong-token-value", "ZSHIELD_JIRA_PAT": "wrong-pat"}
    jira = JiraConnector(target(auth), env, transport=httpx.ASGITransport(app=app),
                         retry=fast_policy())
    async with jira:
        with pytest.raises(AuthError) as caught:
            await jira.test_connection()
    message = str(caught.value)
    assert "auth.token_env" in message and ("ZSHIELD_JIRA_TOKEN" in message
                                            or "ZSHIELD_JIRA_PAT" in message)
    for secret in ("wrong-token-value", "wrong-pat"):
        assert secret not in message and secret not in repr(jira)
        assert secret not in repr(jira.client.auth)


def test_missing_secret_variable_is_named():
    with pytest.raises(AuthError, match="ZSHIELD_JIRA_TOKEN"):
        JiraConnector(target("api_token"), {})


async def test_pat_against_cloud_only_api_is_not_found(make_connector):
    """Data Center has no /rest/api/3 and no /search/jql: the DC connector uses v2."""
    async with make_connector("pat") as jira:
        response = await jira.client.get("http://127.0.0.1:8089/rest/api/3/myself")
        assert response.status_code == 404


@pytest.mark.parametrize("auth", ["api_token", "pat", "oauth2"])
async def test_dropped_create_response_still_makes_exactly_one_issue(auth, make_connector,
                                                                       app):
    app.state.faults.update({"drop_after_change": 1, "drop_hang": 5})
    async with make_connector(auth, retry=fast_policy(read_timeout=0.2,
                                                      connect_timeout=0.1)) as jira:
        result = await jira.create(payload(), correlation_key="ZS-DROP")
        again = await jira.create(payload(), correlation_key="ZS-DROP")
    assert result.created and not again.created
    assert result.ticket.key == again.ticket.key
    assert len(app.state.jira.issues) == 1


async def test_dropped_comment_is_uncertain_not_repeated(make_connector, app):
    async with make_connector("api_token", retry=fast_policy(read_timeout=0.2,
                                                             connect_timeout=0.1)) as jira:
        key = (await jira.create(payload(), correlation_key="ZS-C")).ticket.key
        app.state.faults.update({"drop_after_change": 1, "drop_hang": 5})
        with pytest.raises(UncertainError):
            await jira.add_comment(key, "note")
    assert len(app.state.jira.issues[key].comments) == 1




async def test_property_is_written_when_create_ignored_it(make_connector, app, recorder):
    app.state.faults.update({"ignore_create_properties": True})
    async with make_connector("pat") as jira:
        made = await jira.create(payload(), correlation_key="ZS-PROP")
        assert made.ticket.correlation_key == "ZS-PROP"
    assert app.state.jira.issues[made.ticket.key].properties == {"zshield": {"alert_id": "ZS-PROP"}}
    assert any(r[1] == "PUT" and r[2].endswith("/properties/zshield") for r in recorder.requests)
    assert recorder.problems() == []


async def test_409_conflict_is_retried(make_connector, app):
    clock = FakeClock()
    app.state.faults.update({"error_rate": 1.0, "error_status": 409})
    async with make_connector("api_token", retry=clocked(clock, max_attempts=2)) as jira:
        with pytest.raises(Exception, match="409"):
            await jira.update("SEC-1", {"summary": "x"})
    assert len(clock.slept) == 1


def test_the_spec_checker_refuses_unknown_query_parameters():
    assert check_request("datacenter", "GET", "/rest/api/2/user/search", b"", "",
                         ("query",))
    assert check_request("cloud", "GET", "/rest/api/3/user/search", b"", "", ("query",)) == []


async def test_retry_after_longer_than_the_cap_is_handed_back(make_connector, app):
    clock = FakeClock()
    app.state.faults.update({"throttle_next": 1, "retry_after": 600})
    async with make_connector("api_token", retry=clocked(clock, max_delay=60)) as jira:
        with pytest.raises(RateLimitError) as caught:
            await jira.test_connection()
    assert caught.value.retry_after == 600.0 and clock.slept == []


@pytest.mark.parametrize(("looks", "issues"), [(3, 1), (1, 2)])
async def test_uncertain_create_waits_for_lagging_search_instead_of_duplicating(looks, issues):
    """Cloud search lags fresh writes: the connector looks again after a pause (a single
    immediate look would miss the issue and create a duplicate)."""
    now = [1000.0]

    async def advance(seconds: float) -> None:
        now[0] += seconds

    app = create_app(clock=lambda: now[0],
                     faults={"drop_after_change": 1, "drop_hang": 5, "search_lag": 1.0})
    jira = JiraConnector(target("api_token"), ENV, transport=httpx.ASGITransport(app=app),
                         projects=["SEC"], uncertain_looks=looks, retry=RetryPolicy(
                             sleep=advance, random=lambda: 0.5, read_timeout=0.2,
                             connect_timeout=0.1))
    async with jira:
        result = await jira.create(payload(), correlation_key="ZS-LAG")
    assert result.created and len(app.state.jira.issues) == issues


class Override(httpx.AsyncBaseTransport):
    """The simulator, except for paths that answer a canned response."""

    def __init__(self, app, answers: dict[str, httpx.Response]) -> None:
        self.inner, self.answers = httpx.ASGITransport(app=app), answers

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for suffix, response in self.answers.items():
            if request.url.path.endswith(suffix):
                return response
        return await self.inner.handle_async_request(request)


async def test_unreadable_attachment_settings_fall_back_to_the_configured_limit(app, tmp_path):
    missing = httpx.Response(404, json={"errorMessages": ["Not found"], "errors": {}})
    jira = JiraConnector(target("pat"), ENV, transport=Override(app, {"/attachment/meta":
                                                                        missing}),
                         retry=fast_policy(), projects=["SEC"])
    evidence = tmp_path / "notes.txt"
    evidence.write_text("ioc list")
    async with jira:
        key = (await jira.create(payload(), correlation_key="ZS-META")).ticket.key
        assert await jira.attach(key, evidence)
