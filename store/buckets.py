"""Token buckets shared by every instance on one database: Teams' per-tenant rate and
the per-person turn limit hold for the deployment, not for each process.

A bucket is one row: its tokens and when they were counted. `lease` refills it for the
time passed and takes up to `most` whole tokens in one atomic statement (INSERT … ON
CONFLICT DO UPDATE … RETURNING), so instances racing for the last token cannot both get
it. Callers lease a few at a time and spend them locally (`bot.shared`): most calls
cost no query, and tokens taken but not spent only make the limit stricter.

Times are seconds since the epoch as floats, so the arithmetic is the same on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import RateBucket

KEY_MAX = 300


@dataclass(frozen=True)
class Bucket:
    """`capacity` tokens at most, refilled at `rate` a second."""

    rate: float
    capacity: float


async def lease(session: AsyncSession, key: str, bucket: Bucket, most: int, now: float) -> int:
    """Take up to `most` tokens (at least 1) from the bucket `key` if it has them: `most`
    when it has that many, else 1 when it has one, else none. How many were taken."""
    most = max(1, min(most, int(bucket.capacity)))
    table = RateBucket.__table__
    refilled = table.c.tokens + (literal(now) - table.c.counted_at) * bucket.rate
    full = case((refilled > bucket.capacity, literal(bucket.capacity)), else_=refilled)
    granted = case((full >= most, literal(most)), (full >= 1, literal(1)), else_=literal(0))
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(RateBucket)
        .values(key=key[:KEY_MAX], tokens=bucket.capacity - most, counted_at=now, granted=most)
        .on_conflict_do_update(
            index_elements=[RateBucket.key],
            set_={"tokens": full - granted, "counted_at": now, "granted": granted},
        )
        .returning(RateBucket.granted)
    )
    return int(await session.scalar(statement) or 0)
