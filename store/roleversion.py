"""The roles version: a counter per municipality that moves whenever who holds which
role changes (a grant or removal in chat, an import, a deputy starting or ending).

Identities are kept between turns to spare the database; each turn reads this counter
(one small query) and reads the identity afresh when it has moved, so a role removed on
one instance is refused on every instance from the next turn.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Municipality

_M = Municipality.__table__.c
# Read on every turn: built once, on the table, so no statement is built and no ORM
# compile state is made per turn (that was a third of this read's CPU).
_VERSION = select(_M.roles_version).where(_M.tenant_id == bindparam("tenant"))


async def roles_version(session: AsyncSession, tenant_id: str) -> int | None:
    """How often roles have changed in the tenant's municipality: an identity kept from
    an earlier turn is still right if this has not moved (one small read per turn)."""
    return await session.scalar(_VERSION, {"tenant": tenant_id})


async def roles_changed(session: AsyncSession, municipality_id: int) -> None:
    """Count a change to who holds which role, so every instance reads identities afresh
    from the next turn. Holds the municipality's row until the transaction ends, which
    serialises changes to roles (the last administrator is counted under it)."""
    await session.execute(
        update(Municipality)
        .where(Municipality.id == municipality_id)
        .values(roles_version=Municipality.roles_version + 1)
    )
