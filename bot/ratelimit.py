"""Client-side rate limits for the Bot Connector: Teams' limits kept before a call
leaves, rather than learnt from 429s (TEAMS-FACTS §1).

Teams counts calls in sliding windows. Per conversation ("thread": a 1:1 chat, a group
chat, a channel) a bot may send 7 a second, 8 in two seconds, 60 in thirty seconds and
1,800 an hour, and creating a conversation counts the same; reading members is allowed
twice that. Per app and tenant it allows about 30 calls a second (the current page says
50; we design for 30, set by `PEJLING_TENANT_RPS`). Keeping to this is faster than
meeting it: every 429 costs its Retry-After, a second or more.

How: a log of the times calls went, per conversation and per tenant, checked against
every window (`times[-count]` must be older than the window). A caller first waits for
its conversation, holding that conversation's lock, and only then queues for the
tenant, so a busy chat never holds up anyone else's turn at the tenant's gate. The
tenant's calls are paced evenly (one every 1/rps seconds), not let out in bursts: calls
sent together do not arrive in the order they left, and Teams counts arrivals.

Every window is also stretched by `slack` (5 %) for the same reason. Why not a library:
aiolimiter is one leaky bucket per limiter, with no sliding windows and no keys;
`limits` has moving windows but is built around storage backends. This is the part of
both that Pejling needs.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

DEFAULT_TENANT_RPS = 30.0
DEFAULT_SLACK = 0.05
# An idle conversation's log is dropped after this many grants: it costs a few bytes
# each, and a bot that writes to 10,000 leaders a year should not keep them all.
SWEEP_EVERY = 1000
LATE_TRIES = 3  # how often a call woken late takes a new slot before it goes anyway


@dataclass(frozen=True)
class Window:
    """At most `count` calls in any `seconds`."""

    count: int
    seconds: float


# Per bot, per conversation (TEAMS-FACTS §1 table). Creating a conversation is a send.
SEND_WINDOWS = (Window(7, 1), Window(8, 2), Window(60, 30), Window(1800, 3600))
READ_WINDOWS = (Window(14, 1), Window(16, 2), Window(120, 30), Window(3600, 3600))


class Kind(enum.StrEnum):
    """Which of a conversation's budgets a call draws on."""

    SEND = "send"  # send, reply, update, create a conversation
    READ = "read"  # members, conversations


def tenant_windows(rps: float) -> tuple[Window, ...]:
    """One call every 1/rps seconds: any one-second window Teams looks at sees ≤ rps."""
    return (Window(1, 1 / rps),)


class _Log:
    """When the last calls went, as many as the largest window counts."""

    def __init__(self, windows: Sequence[Window], stretch: float) -> None:
        self._windows = tuple(windows)
        self._stretch = stretch
        self._times: deque[float] = deque(maxlen=max(w.count for w in windows))

    def earliest(self, now: float) -> float:
        """The first moment from `now` on when one more call fits every window."""
        at = now
        for window in self._windows:
            if len(self._times) >= window.count:
                at = max(at, self._times[-window.count] + window.seconds * self._stretch)
        return at

    def add(self, at: float) -> None:
        self._times.append(at)

    def idle_since(self, now: float) -> bool:
        """Nothing in the log counts any more: it may be forgotten."""
        longest = max(w.seconds for w in self._windows) * self._stretch
        return not self._times or self._times[-1] + longest <= now


@dataclass
class _Conversation:
    log: _Log
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateLimiter:
    """Waits until a call to a conversation may go, for every conversation and tenant.

    `tenant_rps` None (or 0) leaves only the per-conversation limits. `clock` and
    `sleep` are for tests, which run it on a virtual clock.
    """

    def __init__(
        self,
        tenant_rps: float | None = DEFAULT_TENANT_RPS,
        *,
        slack: float = DEFAULT_SLACK,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.tenant_rps = tenant_rps or None
        self._stretch = 1 + slack
        self._clock = clock
        self._sleep = sleep
        self._tenants: dict[str, _Log] = {}
        self._conversations: dict[tuple[str, Kind, str], _Conversation] = {}
        self._grants = 0

    async def wait(self, tenant: str, conversation: str, kind: Kind = Kind.SEND) -> float:
        """Wait for a slot for one call; returns the clock time the call may go.

        Call it once per HTTP attempt: a retry is another call to Teams.
        """
        thread = self._conversation(tenant, kind, conversation)
        async with thread.lock:
            await self._until(thread.log.earliest(self._clock()))
            at = await self._tenant_slot(tenant)
            thread.log.add(at)
        self._grants += 1
        if self._grants % SWEEP_EVERY == 0:
            self._sweep()
        return at

    async def _tenant_slot(self, tenant: str) -> float:
        # Taken in the order asked, with no await between looking and taking, so no lock.
        log = self._tenant_log(tenant)
        if log is None:
            return self._clock()
        late = 0.5 / self.tenant_rps if self.tenant_rps else 0.0
        for _ in range(LATE_TRIES):
            at = log.earliest(self._clock())
            log.add(at)
            await self._until(at)
            if self._clock() - at <= late:
                break
            # Woken late (the event loop was busy): every call that waited through the
            # stall would now leave at once, and Teams would count them in one second.
            # The slot is given up, and a new one taken at the end of the queue.
        return at

    async def _until(self, at: float) -> None:
        delay = at - self._clock()
        if delay > 0:
            await self._sleep(delay)

    def _tenant_log(self, tenant: str) -> _Log | None:
        if self.tenant_rps is None:
            return None
        if tenant not in self._tenants:
            self._tenants[tenant] = _Log(tenant_windows(self.tenant_rps), self._stretch)
        return self._tenants[tenant]

    def _conversation(self, tenant: str, kind: Kind, conversation: str) -> _Conversation:
        key = (tenant, kind, conversation)
        found = self._conversations.get(key)
        if found is None:
            windows = SEND_WINDOWS if kind is Kind.SEND else READ_WINDOWS
            found = self._conversations[key] = _Conversation(_Log(windows, self._stretch))
        return found

    def _sweep(self) -> None:
        now = self._clock()
        idle = [
            key
            for key, thread in self._conversations.items()
            if not thread.lock.locked() and thread.log.idle_since(now)
        ]
        for key in idle:
            del self._conversations[key]
