"""Limits shared by every instance on one database (store/buckets.py), in front of the
per-process ones: with N instances Pejling still keeps to Teams' rate for a tenant and
to the turn limit for a person, instead of N times each.

- `SharedRateLimiter`: the process's own limiter first (Teams' per-conversation windows
  and even pacing), then one token from the tenant's and the conversation's shared
  buckets per call, both in one statement. The tenant's bucket holds a fifth of a
  second's calls and refills at the rest, so no second anywhere sees more than the
  tenant's rate from all instances together.
- `SharedTurnLimit`: the process's own bucket first (a flood is refused without a
  query), then the person's shared bucket, leased a few turns at a time so most turns
  cost no query.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable

from bot.ratelimit import Kind, RateLimiter
from bot.turnlimit import TurnLimit, Verdict
from store import buckets
from store.buckets import Bucket
from store.db import Sessions

TURNS_LEASED = 5  # turns one instance takes from a person's bucket at once
BURST_SHARE = 0.2  # of a tenant's rate, what its bucket may hold as a burst


class Leases:
    """Tokens leased from the shared buckets and not yet spent in this process."""

    def __init__(self, sessions: Sessions, clock: Callable[[], float] = time.time) -> None:
        self._sessions = sessions
        self._clock = clock
        self._held: dict[str, int] = {}

    async def take(self, *wanted: tuple[str, Bucket, int]) -> bool:
        """One token from each (key, bucket, chunk): from those held here, else leased
        (all that are missing in one statement); False unless every one was had. A
        token had for one key while another has none is spent all the same: the limits
        only get stricter."""
        missing = [w for w in wanted if self._held.get(w[0], 0) <= 0]
        for key, _, _ in wanted:
            if self._held.get(key, 0) > 0:
                self._held[key] -= 1
        if not missing:
            return True
        async with self._sessions.begin() as session:
            got = await buckets.lease(session, missing, self._clock())
        for (key, _, _), count in zip(missing, got, strict=True):
            if count > 1:
                self._held[key] = self._held.get(key, 0) + count - 1
        return all(got)


# One conversation, from all instances: any second sees at most 4 + 1.8 (Teams: 7), any
# two 7.6 (8), any thirty 58 (60). The hour's 1,800 is kept by each process's own log.
CONVERSATION_BUCKET = Bucket(rate=1.8, capacity=4.0)


def tenant_bucket(rps: float) -> Bucket:
    """Any one second sees at most `rps` calls: the burst plus a second's refill."""
    burst = max(1.0, rps * BURST_SHARE)
    return Bucket(rate=max(rps - burst, 0.5), capacity=burst)


class SharedRateLimiter(RateLimiter):
    def __init__(self, tenant_rps: float, leases: Leases) -> None:
        super().__init__(tenant_rps)
        self._leases = leases
        self._bucket = tenant_bucket(tenant_rps)

    async def wait(self, tenant: str, conversation: str, kind: Kind = Kind.SEND) -> float:
        at = await super().wait(tenant, conversation, kind)
        wanted = [(f"tenant:{tenant}", self._bucket, 1)]
        if kind is Kind.SEND:  # reads have twice the room; the process's own log keeps them
            wanted.append((f"conversation:{tenant}:{conversation}", CONVERSATION_BUCKET, 1))
        while not await self._leases.take(*wanted):
            await asyncio.sleep(1 / self._bucket.rate)  # another instance used the slot
            at = time.monotonic()
        return at


class SharedTurnLimit:
    """`check(key)` once per turn, as `TurnLimit`, counted across instances."""

    def __init__(self, local: TurnLimit, leases: Leases) -> None:
        self.local = local
        self._leases = leases
        per_minute = local.per_minute
        self._bucket = Bucket(rate=per_minute / 60.0, capacity=float(per_minute))

    async def check(self, key: tuple[str, str]) -> Verdict:
        verdict = self.local.check(key)
        if verdict is not Verdict.ALLOW:
            return verdict
        if await self._leases.take((_person(key), self._bucket, TURNS_LEASED)):
            return Verdict.ALLOW
        return self.local.refuse(key)  # the other instances used the person's turns


def _person(key: tuple[str, str]) -> str:
    # Hashed: the bucket table is not the place for a person's ids (erasure finds none).
    return "turn:" + hashlib.sha256("|".join(key).encode()).hexdigest()[:40]
