"""The Bot Connector client's manners, against the fake Bot Framework service: which
answers are retried and how long it waits, and which are not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.connector import (
    Connector,
    ConnectorError,
    RetryPolicy,
    Unreachable,
    retry_after_seconds,
)
from bot.ratelimit import RateLimiter

QUICK = RetryPolicy(attempts=4, base=0.01, cap=0.05, jitter=0.2)
CONVERSATION = "a:personal-1"
MESSAGE = {"type": "message", "text": "Husk status"}


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with aiohttp.ClientSession() as http:
        yield Connector(http, tokens=None)


def posts(fake_bf) -> list:  # type: ignore[no-untyped-def]
    return fake_bf.requests_to("POST", f"/v3/conversations/{CONVERSATION}/activities")


@pytest.mark.parametrize("status", [412, 429, 502, 504])
async def test_throttling_and_gateway_answers_are_retried(
    fake_bf, connector: Connector, status: int
) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[status, status])
    sent = await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=QUICK)
    assert fake_bf.message(sent).text == "Husk status"
    assert [r.status for r in posts(fake_bf)] == [status, status, 201]


async def test_retry_after_in_seconds_is_honoured(fake_bf, connector: Connector) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[429], retry_after="1")
    started = time.monotonic()
    await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=RetryPolicy(3, 0.01, 5))
    assert time.monotonic() - started >= 0.95


async def test_retry_after_is_never_longer_than_the_policys_cap(
    fake_bf, connector: Connector
) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[429], retry_after="3600")
    started = time.monotonic()
    await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=QUICK)
    assert time.monotonic() - started < 1


async def test_a_blocked_bot_is_not_retried(fake_bf, connector: Connector) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[403])
    with pytest.raises(Unreachable):
        await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=QUICK)
    assert len(posts(fake_bf)) == 1


async def test_other_refusals_are_not_retried(fake_bf, connector: Connector) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[400])
    with pytest.raises(ConnectorError) as refused:
        await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=QUICK)
    assert refused.value.status == 400
    assert len(posts(fake_bf)) == 1


async def test_it_gives_up_after_the_last_attempt(fake_bf, connector: Connector) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[429] * 4)
    with pytest.raises(ConnectorError) as refused:
        await connector.send(fake_bf.url, CONVERSATION, MESSAGE, policy=QUICK)
    assert refused.value.status == 429
    assert len(posts(fake_bf)) == 4


async def test_a_service_that_is_not_there_is_tried_again_then_reported(
    connector: Connector,
) -> None:
    with pytest.raises(ConnectorError) as refused:
        await connector.send("http://127.0.0.1:9/", CONVERSATION, MESSAGE, policy=QUICK)
    assert refused.value.status == 0


async def test_an_update_replaces_the_message(fake_bf, connector: Connector) -> None:
    sent = await connector.send(fake_bf.url, CONVERSATION, MESSAGE)
    await connector.update(fake_bf.url, CONVERSATION, sent, {"type": "message", "text": "Ny"})
    assert fake_bf.message(sent).text == "Ny"


async def test_replies_in_a_channels_threads_are_limited_as_the_channel(fake_bf) -> None:
    """Teams counts a channel and its reply chains as one thread (TEAMS-FACTS §1)."""
    fake_bf.cap_rates(tenant_rps=None)  # Teams' per-thread limits only
    threads = ["19:buu@thread.tacv2;messageid=1", "19:buu@thread.tacv2;messageid=2"]
    async with aiohttp.ClientSession() as http:
        connector = Connector(http, None, RateLimiter(tenant_rps=None))
        await asyncio.gather(
            *(connector.send(fake_bf.url, t, MESSAGE, tenant_id="t") for t in threads * 5)
        )
    assert fake_bf.rate_counts == (10, 0)  # ten accepted, none refused


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert retry_after_seconds("i morgen") is None
    assert retry_after_seconds(None) is None


def test_backoff_grows_with_jitter_and_stops_at_the_cap() -> None:
    policy = RetryPolicy(attempts=6, base=1.0, cap=20.0, jitter=0.2)
    for attempt, middle in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0)]:
        waits = {policy.backoff(attempt, None) for _ in range(50)}
        assert all(middle * 0.8 <= wait <= middle * 1.2 for wait in waits)
        assert len(waits) > 1  # jittered: retries from many bots do not arrive together
    assert max(policy.backoff(10, None) for _ in range(50)) == 20.0  # never beyond the cap
    assert policy.backoff(0, 3.0) == 3.0  # Retry-After wins over the backoff
