"""The Bot Connector REST API over one pooled, async HTTP client.

botbuilder builds a new msrest client (and a new `requests` session and TCP connection)
for every turn; that costs ~10 ms of CPU each time. Pejling keeps botbuilder's activity
model and authentication but sends through this: one aiohttp session, cached tokens
(`bot.tokens`), and the retry rules Teams asks for — 429, 412, 502 and 504 are retried
with jittered exponential backoff, honouring Retry-After; 403 means the bot was blocked
or removed there, and is never retried. Before every attempt the call waits for a slot under
Teams' rate limits (`bot.ratelimit`), per conversation and per tenant.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from bot.ratelimit import Kind, RateLimiter

if TYPE_CHECKING:  # bot.tokens raises this module's ConnectorError
    from bot.tokens import TokenSource

log = logging.getLogger(__name__)
RETRIED = frozenset({412, 429, 502, 504})
# A channel's reply chains are `<channel>;messageid=<root>`; Teams limits the channel as one.
THREAD_MARKER = ";messageid="


class ConnectorError(Exception):
    def __init__(self, status: int, body: str = "") -> None:
        super().__init__(f"Bot Connector answered {status}")
        self.status = status
        self.body = body[:500]


class Unreachable(ConnectorError):
    """403: the person blocked or uninstalled the bot, or it was removed from the team."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base: float = 1.0
    cap: float = 20.0
    jitter: float = 0.2

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt number `attempt + 1`."""
        if retry_after is not None:
            return min(retry_after, self.cap)
        jittered = self.base * 2**attempt * random.uniform(1 - self.jitter, 1 + self.jitter)
        return min(self.cap, jittered)


# A reply inside a turn must be done before Teams gives up on the turn (~15 s).
REPLY_POLICY = RetryPolicy(attempts=3, base=0.5, cap=4.0)
# Proactive posts (digests) have time; Teams' own example is 3 retries, 2–20 s.
PROACTIVE_POLICY = RetryPolicy(attempts=4, base=2.0, cap=20.0)
MEMBERS_PAGE = 500  # the most the paged members API returns at once


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class _Slot:
    """What a call counts against: the tenant's budget and one conversation's."""

    tenant: str | None
    conversation: str
    kind: Kind = Kind.SEND


class Connector:
    """Sends, updates and creates conversations on the Bot Connector service, and reads
    team rosters; every call within Teams' rate limits when given a `limiter`.

    `tenant_id` is the tenant the conversation lives in: the tenant's budget is shared by
    every call to it. Without one, the call still keeps to its conversation's limits and
    shares one budget with every other call that named no tenant.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        tokens: TokenSource | None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._limiter = limiter

    async def send(
        self,
        service_url: str,
        conversation_id: str,
        activity: Mapping[str, Any],
        reply_to_id: str | None = None,
        policy: RetryPolicy = REPLY_POLICY,
        tenant_id: str | None = None,
    ) -> str | None:
        """Post a message; a reply when `reply_to_id` is given. Returns its message id."""
        path = f"v3/conversations/{_segment(conversation_id)}/activities"
        if reply_to_id:
            path += f"/{_segment(reply_to_id)}"
        slot = _Slot(tenant_id, conversation_id)
        body = await self._call("POST", service_url, path, activity, policy, slot)
        return body.get("id")

    async def update(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        activity: Mapping[str, Any],
        policy: RetryPolicy = REPLY_POLICY,
        tenant_id: str | None = None,
    ) -> None:
        path = f"v3/conversations/{_segment(conversation_id)}/activities/{_segment(activity_id)}"
        payload = {**activity, "id": activity_id}
        await self._call(
            "PUT", service_url, path, payload, policy, _Slot(tenant_id, conversation_id)
        )

    async def create_conversation(
        self,
        service_url: str,
        parameters: Mapping[str, Any],
        policy: RetryPolicy = PROACTIVE_POLICY,
        tenant_id: str | None = None,
    ) -> tuple[str, str | None]:
        """A new conversation: a new post in a channel, or a 1:1 chat. (id, first message id)"""
        slot = _Slot(tenant_id, _created_in(parameters))
        body = await self._call("POST", service_url, "v3/conversations", parameters, policy, slot)
        return body["id"], body.get("activityId")

    async def paged_members(
        self,
        service_url: str,
        conversation_id: str,
        tenant_id: str | None = None,
        policy: RetryPolicy = PROACTIVE_POLICY,
    ) -> list[dict[str, Any]]:
        """Everyone in a team (its id) or conversation, read a page at a time: the paged
        API, since the old whole-roster one allows five calls a minute (TEAMS-FACTS §1)."""
        base = f"v3/conversations/{_segment(conversation_id)}/pagedmembers"
        slot = _Slot(tenant_id, conversation_id, Kind.READ)
        members: list[dict[str, Any]] = []
        query: dict[str, str] = {"pageSize": str(MEMBERS_PAGE)}
        while True:
            page = await self._call(
                "GET", service_url, f"{base}?{urlencode(query)}", None, policy, slot
            )
            members += [m for m in page.get("members") or [] if isinstance(m, dict)]
            token = page.get("continuationToken")
            if not token:
                return members
            query["continuationToken"] = str(token)

    async def _call(
        self,
        method: str,
        service_url: str,
        path: str,
        payload: Mapping[str, Any] | None,
        policy: RetryPolicy,
        slot: _Slot,
    ) -> dict[str, Any]:
        # Every segment of `path` is percent-encoded already (`_segment`): the URL is
        # taken as it is, not parsed and quoted again on each call.
        url = URL(service_url.rstrip("/") + "/" + path, encoded=True)
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            if self._limiter is not None:  # each attempt is a call Teams counts
                thread = slot.conversation.split(THREAD_MARKER, 1)[0]
                await self._limiter.wait(slot.tenant or "", thread, slot.kind)
            try:
                async with self._http.request(
                    method, url, json=payload, headers=await self._headers()
                ) as response:
                    if response.status < 300:
                        return await _json(response)
                    wait = await _refusal(response, policy, attempt, last)
            except aiohttp.ClientConnectorError as error:
                # No connection was made, so nothing was sent: as safe to retry as a 502.
                if last:
                    raise ConnectorError(0, f"cannot connect: {error}") from error
                wait = policy.backoff(attempt, None)
            except (aiohttp.ClientError, TimeoutError) as error:
                # The request may have arrived; sending it again could post it twice.
                raise ConnectorError(0, f"{type(error).__name__}: {error}") from error
            log.warning("connector %s %s failed; retrying in %.1fs", method, path, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _headers(self) -> dict[str, str]:
        if self._tokens is None:  # local mode: the local connector asks for no token
            return {}
        return {"Authorization": f"Bearer {await self._tokens.token()}"}


async def _refusal(
    response: aiohttp.ClientResponse, policy: RetryPolicy, attempt: int, last: bool
) -> float:
    """Raise for an answer not worth retrying; else how long to wait before the next try."""
    body = await response.text()
    if response.status == 403:
        raise Unreachable(403, body)
    if response.status not in RETRIED or last:
        raise ConnectorError(response.status, body)
    return policy.backoff(attempt, retry_after_seconds(response.headers.get("Retry-After")))


def _created_in(parameters: Mapping[str, Any]) -> str:
    """The conversation a creation counts against: the channel a post opens in, or the
    user a 1:1 chat is with (its id is not known before it exists)."""
    channel = (parameters.get("channelData") or {}).get("channel") or {}
    members = parameters.get("members") or [{}]
    return str(channel.get("id") or members[0].get("id") or "")


@lru_cache(maxsize=4096)
def _segment(value: str) -> str:
    # Conversation ids hold ':', ';' and '@'; they go in the path percent-encoded. The
    # same few conversations are written to turn after turn: kept, not quoted each time.
    return quote(value, safe="")


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    raw = await response.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)  # Teams answers JSON in UTF-8, whatever its header says
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
