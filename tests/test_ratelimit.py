"""The client-side rate limiter, on a virtual clock: which calls go when.

Nothing here sleeps for real. `VirtualClock.run` runs the callers until all of them wait
on the clock, then moves time on to the earliest wake-up, as an event loop on a virtual
timeline would.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Iterable
from typing import TypeVar

import pytest

from bot.ratelimit import READ_WINDOWS, SEND_WINDOWS, Kind, RateLimiter, Window
from bot.settings import from_environment

T = TypeVar("T")
TENANT = "6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10"
CHAT = "a:1karin"


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), wake))
        await wake

    async def run(self, *calls: Awaitable[T]) -> list[T]:
        """Run the calls together to the end; their results in order."""
        tasks = [asyncio.ensure_future(call) for call in calls]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # let everything that can run, run (locks hand over)
                await asyncio.sleep(0)
            if self._sleepers:
                self.now, _, wake = heapq.heappop(self._sleepers)
                wake.set_result(None)
        return [task.result() for task in tasks]


def limiter(clock: VirtualClock, tenant_rps: float | None = 30) -> RateLimiter:
    return RateLimiter(tenant_rps, slack=0.05, clock=clock, sleep=clock.sleep)


def fits(times: Iterable[float], windows: Iterable[Window], stretch: float = 1.05) -> bool:
    """No window holds more calls than it allows, with the limiter's slack."""
    ordered = sorted(times)
    for window in windows:
        span = window.seconds * stretch
        for first, last in zip(ordered, ordered[window.count :], strict=False):
            if last - first < span - 1e-9:
                return False
    return True


async def test_a_few_messages_to_one_chat_go_at_once() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=None)
    times = await clock.run(*(rate.wait(TENANT, CHAT) for _ in range(7)))
    assert times == [0.0] * 7  # 7 a second is allowed


async def test_one_chat_is_kept_to_teams_limits_per_conversation() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=None)
    times = await clock.run(*(rate.wait(TENANT, CHAT) for _ in range(70)))
    assert fits(times, SEND_WINDOWS)
    assert times[7] == 1.05  # the 8th waits out the one-second window (with 5 % slack)
    assert times[8] == 2.1  # the 9th the two-second window: 8 in 2 s
    assert times[60] >= 31.5  # the 61st the thirty-second window


async def test_the_tenant_is_paced_evenly_at_its_rate() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=20)
    chats = [f"a:{n}" for n in range(100)]
    times = await clock.run(*(rate.wait(TENANT, chat) for chat in chats))
    gaps = {round(b - a, 6) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1.05 / 20, 6)}  # one call every 1/rps s: never a burst
    assert fits(times, [Window(20, 1)])
    assert len(times) / (times[-1] + 1.05 / 20) >= 0.9 * 20  # and close to the cap


async def test_a_busy_chat_does_not_hold_up_other_chats() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=30)
    busy = [rate.wait(TENANT, CHAT) for _ in range(20)]
    others = [rate.wait(TENANT, f"a:{n}") for n in range(5)]
    times = await clock.run(*busy, *others)
    # The busy chat's 8th call waits a second; the others go within the tenant's pace.
    assert max(times[20:]) < 0.5
    assert fits(times[:20], SEND_WINDOWS)


async def test_tenants_have_budgets_of_their_own() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=10)
    first = [rate.wait("tenant-a", f"a:{n}") for n in range(10)]
    second = [rate.wait("tenant-b", f"a:{n}") for n in range(10)]
    times = await clock.run(*first, *second)
    assert times[:10] == times[10:]  # each tenant paced on its own, side by side


async def test_reading_members_has_its_own_larger_budget() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=None)
    sends = [rate.wait(TENANT, "19:team", Kind.SEND) for _ in range(7)]
    reads = [rate.wait(TENANT, "19:team", Kind.READ) for _ in range(14)]
    times = await clock.run(*sends, *reads)
    assert set(times) == {0.0}  # 7 sends and 14 reads in the same second
    assert fits(times[7:], READ_WINDOWS)


async def test_without_a_tenant_cap_only_the_conversations_are_limited() -> None:
    clock = VirtualClock()
    rate = limiter(clock, tenant_rps=0)
    times = await clock.run(*(rate.wait(TENANT, f"a:{n}") for n in range(500)))
    assert set(times) == {0.0}


def test_the_tenant_rate_is_set_in_the_environment() -> None:
    assert from_environment({}).tenant_rps == 30
    assert from_environment({"PEJLING_TENANT_RPS": "50"}).tenant_rps == 50
    assert from_environment({"PEJLING_TENANT_RPS": "0"}).tenant_rps == 0  # no tenant cap
    with pytest.raises(ValueError, match="PEJLING_TENANT_RPS"):
        from_environment({"PEJLING_TENANT_RPS": "-1"})


async def test_a_call_woken_late_takes_a_new_slot_instead_of_going_in_a_bunch() -> None:
    clock, stall = VirtualClock(), {"until": 0.0}

    async def sleep(seconds: float) -> None:  # an event loop that may be busy for a while
        await clock.sleep(seconds)
        clock.now = max(clock.now, stall["until"])

    rate = RateLimiter(20, slack=0.05, clock=clock, sleep=sleep)
    await clock.run(*(rate.wait(TENANT, f"a:{n}") for n in range(3)))
    stall["until"] = clock.now + 0.5
    times = await clock.run(*(rate.wait(TENANT, f"b:{n}") for n in range(3)))
    assert min(times) >= stall["until"]  # none goes at the slot it slept through
    assert fits(times, [Window(1, 1 / 20)])  # and they leave paced, not together
