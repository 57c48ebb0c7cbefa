"""How fast one person may drive the bot: a token bucket per person, in this process.

Every turn costs a database transaction and often calls to Teams, so one person (or a
script holding someone's client) sending hundreds of messages would slow every other
municipality's turns. A person gets `per_minute` turns a minute, refilled evenly, with a
full minute's worth as a burst: a leader who clicks through a form quickly never meets it.

Over the limit, the first refused turn is told so in Danish and the rest are dropped
quietly until the bucket has a turn again. Dropped turns are still answered 2xx at the
HTTP level, so Teams does not deliver them again.

This is the process's own count; `bot.shared.SharedTurnLimit` adds the count all
instances share through the database.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache

DEFAULT_PER_MINUTE = 30
# A bucket untouched for a full refill is full again, the same as no bucket: it can go.
# The cap bounds memory if someone makes up ids; an evicted bucket only starts full.
MAX_PEOPLE = 100_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first turn over the limit: say so once
    DROP = "drop"  # later turns over the limit: say nothing


@dataclass(frozen=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class TurnLimit:
    """`check(key)` once per turn. `clock` is for tests, which move time by hand."""

    def __init__(
        self, per_minute: int = DEFAULT_PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be 1 or more; leave the limit out to turn it off")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        refill = 60.0  # seconds from empty to full
        self._buckets: TTLCache[tuple[str, str], _Bucket] = TTLCache(
            MAX_PEOPLE, refill, timer=clock
        )

    def check(self, key: tuple[str, str]) -> Verdict:
        now = self._clock()
        bucket = self._refilled(self._buckets.get(key), now)
        if bucket.tokens >= 1:
            self._buckets[key] = _Bucket(bucket.tokens - 1, now)
            return Verdict.ALLOW
        # Stored again (renewing its time to live) so a steady flood stays counted.
        self._buckets[key] = _Bucket(bucket.tokens, now, warned=True)
        return Verdict.DROP if bucket.warned else Verdict.WARN

    def refuse(self, key: tuple[str, str]) -> Verdict:
        """A turn refused elsewhere (the person's shared bucket is empty), counted here as
        one over the limit: told once, then dropped."""
        now = self._clock()
        warned = key in self._buckets and self._buckets[key].warned
        # Empty here too: the next turns are refused without asking the database again.
        self._buckets[key] = _Bucket(0.0, now, warned=True)
        return Verdict.DROP if warned else Verdict.WARN

    def _refilled(self, bucket: _Bucket | None, now: float) -> _Bucket:
        if bucket is None:
            return _Bucket(float(self.per_minute), now)
        tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * self._rate)
        # A turn earned back ends the warning: the next flood is told again.
        return _Bucket(tokens, now, warned=bucket.warned and tokens < 1)
