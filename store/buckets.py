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

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import dialect_name
from store.models import RateBucket

KEY_MAX = 300


@dataclass(frozen=True)
class Bucket:
    """`capacity` tokens at most, refilled at `rate` a second."""

    rate: float
    capacity: float


async def lease(
    session: AsyncSession, wanted: Sequence[tuple[str, Bucket, int]], now: float
) -> list[int]:
    """For each (key, bucket, most): take up to `most` tokens (at least 1) if the bucket
    has them: `most` when it has that many, else 1 when it has one, else none. All in
    one statement; how many were taken from each, in order."""
    rows = [_row(key[:KEY_MAX], bucket, most, now) for key, bucket, most in wanted]
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    insert = dialect.insert(RateBucket)
    table, new = RateBucket.__table__.c, insert.excluded
    refilled = table.tokens + (literal(now) - table.counted_at) * new.rate
    full = case((refilled > new.capacity, new.capacity), else_=refilled)
    # A new row's `granted` is what this lease asks for at most.
    granted = case((full >= new.granted, new.granted), (full >= 1, literal(1.0)), else_=0.0)
    statement = (
        insert.values(rows)
        .on_conflict_do_update(
            index_elements=[RateBucket.key],
            set_={
                "tokens": full - granted,
                "counted_at": now,
                "granted": granted,
                "rate": new.rate,
                "capacity": new.capacity,
            },
        )
        .returning(RateBucket.key, RateBucket.granted)
    )
    taken = {key: int(got) for key, got in await session.execute(statement)}
    return [taken.get(row["key"], 0) for row in rows]


def _row(key: str, bucket: Bucket, most: int, now: float) -> dict[str, object]:
    most = max(1, min(most, int(bucket.capacity)))
    return {
        "key": key,
        "tokens": bucket.capacity - most,  # a new bucket starts full, less this lease
        "counted_at": now,
        "granted": float(most),
        "rate": bucket.rate,
        "capacity": bucket.capacity,
    }
