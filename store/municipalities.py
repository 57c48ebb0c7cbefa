"""A municipality's own settings as the senders need them: its language and profile."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Municipality


async def by_id(session: AsyncSession, municipality_id: int) -> Municipality:
    """The municipality with this id; `RowMissing` when there is none."""
    return await session.get_one(Municipality, municipality_id)


async def language(session: AsyncSession, municipality_id: int) -> str:
    """The language its people are written to in ("da" when none is set)."""
    found = await session.scalar(
        select(Municipality.language).where(Municipality.id == municipality_id)
    )
    return found or "da"
