"""A closed-loop asyncio load generator that plays Teams users over HTTP.

`concurrency` workers share one pooled aiohttp client. Each worker owns its own users, so
no two requests in flight ever come from the same person, as in Teams, where one person's
messages reach the bot one after the other. A worker plays a *cycle* for each of its users
in turn — by default the two messages `status` then `annullér` — and checks the deadline
only between cycles, so every person is left as they started (no dialogue active).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import aiohttp
from bigorg import Leader

from bot.devtools.chat.wire import TeamsWire, Where, Who

CYCLE = ("status", "annullér")
TENANT = "6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10"  # the demo municipality's Entra tenant
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class User:
    """A person the driver plays, and the personal chat they write in."""

    who: Who
    where: Where


@dataclass
class PhaseResult:
    """What one timed phase saw from the client side."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # seconds, by message
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    first_error: str | None = None
    elapsed: float = 0.0
    driver_cpu: float = 0.0

    @property
    def requests(self) -> int:
        """Requests completed, successful or not."""
        return sum(len(v) for v in self.latencies.values()) + self.errors

    def all_latencies(self) -> list[float]:
        """Latencies of the successful requests, every message kind together."""
        return [v for values in self.latencies.values() for v in values]

    def note(self, text: str, status: int | str, seconds: float) -> None:
        """Record one answer: a 2xx is a latency, anything else an error."""
        self.statuses[str(status)] += 1
        if isinstance(status, int) and 200 <= status < 300:
            self.latencies.setdefault(text, []).append(seconds)
            return
        self.errors += 1
        self.first_error = self.first_error or f"{text!r} -> {status}"


def users(leaders: Iterable[Leader], tenant: str = TENANT) -> list[User]:
    """The virtual users: each leader, writing in their personal chat with the bot."""
    found = []
    for leader in leaders:
        who = Who(f"29:{leader.key}", leader.name, leader.aad_object_id)
        found.append(User(who, Where.personal(tenant, who)))
    return found


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile `q` (0–100) of `values`; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def session(concurrency: int) -> aiohttp.ClientSession:
    """One pooled client: keep-alive connections, at most one per worker."""
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))


async def run_phase(
    http: aiohttp.ClientSession,
    url: str,
    wire: TeamsWire,
    users: Sequence[User],
    concurrency: int,
    duration: float,
    cycle: Sequence[str] = CYCLE,
) -> PhaseResult:
    """Run `concurrency` workers for about `duration` seconds; their combined result."""
    if len(users) < concurrency:
        raise ValueError(f"{concurrency} workers need at least as many users ({len(users)})")
    result = PhaseResult()
    deadline = time.perf_counter() + duration
    started, cpu = time.perf_counter(), time.process_time()
    shares = [users[i::concurrency] for i in range(concurrency)]
    player = _Player(http, url + "/api/messages", wire, cycle, result)
    await asyncio.gather(*(player.work(share, deadline) for share in shares))
    result.elapsed = time.perf_counter() - started
    result.driver_cpu = time.process_time() - cpu
    return result


@dataclass
class _Player:
    http: aiohttp.ClientSession
    url: str
    wire: TeamsWire
    cycle: Sequence[str]
    result: PhaseResult

    async def work(self, users: Sequence[User], deadline: float) -> None:
        """Play whole cycles, user after user, until the deadline has passed."""
        for user in itertools.cycle(users):
            if time.perf_counter() >= deadline:
                return
            for text in self.cycle:
                await self.send(user, text)

    async def send(self, user: User, text: str) -> None:
        """POST one message activity and time it until the answer's body is read."""
        body = json.dumps(self.wire.message(user.who, user.where, text)).encode()
        began = time.perf_counter()
        try:
            async with self.http.post(self.url, data=body, headers=JSON) as response:
                await response.read()
                status: int | str = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            status = type(error).__name__
        self.result.note(text, status, time.perf_counter() - began)
