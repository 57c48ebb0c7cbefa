"""Activities already handled. Teams re-delivers an activity, with the same id, when the
bot is slow to answer (TEAMS-FACTS §6); the copy must not report a status twice.

A turn claims its activity first, in its own transaction: one INSERT … ON CONFLICT DO
NOTHING, which is both the check and the claim. A copy that arrives after the first has
committed finds the key taken and is not handled at all. A copy that arrives while the
first is still under way waits for it on the key (PostgreSQL; SQLite runs one
transaction at a time): if the first commits, the copy is not handled; if it rolls back,
the copy is handled as if it were the first. A turn that failed leaves no row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import dialect_name, rowcount
from store.models import Municipality, SeenActivity
from store.prepared import Prepared

# Teams retries within a minute; a day leaves room for a clock that is off, and is small.
KEPT = timedelta(days=1)

_TABLE = SeenActivity.__table__
_C = _TABLE.c
_SEEN = (
    select(_C.id)
    .where(_C.conversation_id == bindparam("conversation"), _C.activity_id == bindparam("activity"))
    .limit(1)
)
# Run on every turn: built once, on the driver (store/prepared.py).
_CLAIM_KEYS = ("municipality_id", "conversation_id", "activity_id", "seen_at")
_CLAIM_SQL: dict[str, Any] = {
    name: dialect.insert(_TABLE).on_conflict_do_nothing(
        index_elements=[_C.conversation_id, _C.activity_id]
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_CLAIM = {name: Prepared(claim, _CLAIM_KEYS, only=name) for name, claim in _CLAIM_SQL.items()}
# The same claim, answering with the municipality's roles version (store/roleversion.py)
# when it goes through: a turn needs both, and they cost one round trip together.
_MUNICIPALITY = Municipality.__table__.c
_ROLES_VERSION = (
    select(_MUNICIPALITY.roles_version)
    .where(_MUNICIPALITY.id == bindparam("of_municipality"))
    .scalar_subquery()
    .label("roles_version")
)
_CLAIM_READING_ROLES = {
    name: Prepared(claim.returning(_ROLES_VERSION), _CLAIM_KEYS, only=name)
    for name, claim in _CLAIM_SQL.items()
}


async def seen_before(session: AsyncSession, conversation_id: str, activity_id: str) -> bool:
    """Whether a committed turn has claimed this activity (a read only: turns claim)."""
    found = await session.scalar(_SEEN, {"conversation": conversation_id, "activity": activity_id})
    return found is not None


async def claim(
    session: AsyncSession,
    municipality_id: int,
    conversation_id: str,
    activity_id: str,
    now: datetime,
) -> bool:
    """Mark the activity handled by this transaction. False: another turn has handled it,
    and this one must not.

    On PostgreSQL a concurrent claim waits for the other transaction: if it commits, the
    key is taken (False); if it rolls back, this claim goes through."""
    row = {
        "municipality_id": municipality_id,
        "conversation_id": conversation_id,
        "activity_id": activity_id,
        "seen_at": now,
    }
    return await _CLAIM[dialect_name(session)].run(session, row) == 1


async def claim_reading_roles(
    session: AsyncSession,
    municipality_id: int,
    conversation_id: str,
    activity_id: str,
    now: datetime,
) -> tuple[bool, int | None]:
    """`claim`, and with it the municipality's roles version as this transaction sees
    it: (True, version) when claimed; (False, None) when another turn has handled it."""
    row = {
        "municipality_id": municipality_id,
        "conversation_id": conversation_id,
        "activity_id": activity_id,
        "seen_at": now,
        "of_municipality": municipality_id,
    }
    found = await _CLAIM_READING_ROLES[dialect_name(session)].first(session, row)
    return (False, None) if found is None else (True, found[0])


async def prune(session: AsyncSession, now: datetime) -> int:
    """Forget activities handled more than `KEPT` ago; Teams will not send those again."""
    result = await session.execute(delete(SeenActivity).where(SeenActivity.seen_at < now - KEPT))
    return max(rowcount(result), 0)
