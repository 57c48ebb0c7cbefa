"""Claims: how a message that must go out once (a committee's digest, a meeting's
request, reminder, pack or summary) is taken by exactly one sender.

The claim is a row with a unique key, inserted before sending. A second sender's insert
fails on the key and finds the row taken; a row left `failed`, or `claimed` longer than
the lease by a sender that crashed, can be taken again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import rowcount
from store.models import Base

CLAIM_LEASE = timedelta(minutes=10)  # a claim older than this was abandoned by its sender
CLAIMED, FAILED = "claimed", "failed"


async def claim(
    session: AsyncSession,
    row: Base,
    same: ColumnElement[bool],
    now: datetime,
    free: ColumnElement[bool] | None = None,
    **retaken: Any,
) -> bool:
    """Insert `row` as a new claim, or take the existing one `same` selects when it is
    `free` — by default failed, or claimed longer ago than the lease — setting `retaken`
    too. False: it is done, or being done."""
    try:
        async with session.begin_nested():
            session.add(row)
        return True
    except IntegrityError:
        pass
    table: Any = type(row)
    if free is None:
        free = (table.state == FAILED) | (
            (table.state == CLAIMED) & (table.claimed_at < now - CLAIM_LEASE)
        )
    taken = await session.execute(
        update(table).where(same, free).values(state=CLAIMED, claimed_at=now, error=None, **retaken)
    )
    return rowcount(taken) == 1
