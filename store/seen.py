"""Activities already handled. Teams re-delivers an activity, with the same id, when the
bot is slow to answer (TEAMS-FACTS §6); the copy must not report a status twice.

A turn claims its activity in its own transaction. A copy that arrives after the first
has committed finds the row (`seen_before`) and is not handled at all; a copy handled at
the same moment fails to claim it when it commits, and its writes are rolled back. A
turn that failed leaves no row, so its copy is handled as if it were the first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import rowcount
from store.models import SeenActivity

# Teams retries within a minute; a day leaves room for a clock that is off, and is small.
KEPT = timedelta(days=1)

# Both run on every turn: built once, with bind parameters, as the other hot-path
# statements are. The claim is one INSERT … ON CONFLICT DO NOTHING: no savepoint and no
# ORM flush (those made this a quarter of a turn's CPU).
_SEEN = (
    select(SeenActivity.id)
    .where(
        SeenActivity.conversation_id == bindparam("conversation"),
        SeenActivity.activity_id == bindparam("activity"),
    )
    .limit(1)
)
_CLAIM: dict[str, Any] = {
    name: dialect.insert(SeenActivity).on_conflict_do_nothing(
        index_elements=[SeenActivity.conversation_id, SeenActivity.activity_id]
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def seen_before(session: AsyncSession, conversation_id: str, activity_id: str) -> bool:
    found = await session.scalar(_SEEN, {"conversation": conversation_id, "activity": activity_id})
    return found is not None


async def claim(
    session: AsyncSession,
    municipality_id: int,
    conversation_id: str,
    activity_id: str,
    now: datetime,
) -> bool:
    """Mark the activity handled by this transaction. False: another turn has handled it.

    On PostgreSQL a concurrent claim waits for the other transaction: if it commits, the
    key is taken (False); if it rolls back, this claim goes through."""
    row = {
        "municipality_id": municipality_id,
        "conversation_id": conversation_id,
        "activity_id": activity_id,
        "seen_at": now,
    }
    # On the connection: a plain INSERT, not the ORM's bulk path, so its row count is known.
    connection = await session.connection()
    result = await connection.execute(_CLAIM[connection.dialect.name], row)
    return result.rowcount == 1


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget activities handled more than `KEPT` ago; Teams will not send those again."""
    result = await session.execute(delete(SeenActivity).where(SeenActivity.seen_at < now - KEPT))
    return max(rowcount(result), 0)
