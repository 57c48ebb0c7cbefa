"""Committees and the Teams channels their digests go to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import Invalid, NotAllowed
from store.models import Committee, Municipality
from store.text import fold
from store.views import Actor, ChannelTarget, CommitteeView


def committee_view(row: Committee) -> CommitteeView:
    return CommitteeView(row.id, row.key, row.name, row.digest_schedule, row.channel_id)


async def committees(session: AsyncSession, municipality_id: int) -> list[CommitteeView]:
    rows = await session.scalars(
        select(Committee)
        .where(Committee.municipality_id == municipality_id)
        .order_by(Committee.name)
    )
    return [committee_view(row) for row in rows]


async def match_committees(
    session: AsyncSession, municipality_id: int, query: str
) -> list[CommitteeView]:
    """Committees that `query` names: by key or full name, else by a part of the name.

    People write "børne- og uddannelsesudvalget", "BUU" or just "børne"; an exact hit wins,
    and a part that fits several committees gives all of them, so the caller can ask which.
    """
    wanted = fold(query)
    if not wanted:
        return []
    every = await committees(session, municipality_id)
    exact = [c for c in every if wanted in (fold(c.key), fold(c.name))]
    return exact or [c for c in every if wanted in fold(c.name)]


async def link_channel(
    session: AsyncSession,
    actor: Actor,
    committee_id: int,
    channel_id: str,
    team_id: str | None,
    service_url: str,
    now: datetime,
) -> CommitteeView:
    """Make `channel_id` the committee's channel. Only the administration may do that."""
    if not actor.is_administration:
        raise NotAllowed("tilknyt.not_administration")
    committee = await session.scalar(
        select(Committee).where(
            Committee.id == committee_id, Committee.municipality_id == actor.municipality_id
        )
    )
    if committee is None:
        raise NotAllowed("tilknyt.unknown_committee")
    committee.channel_id = channel_id
    committee.team_id = team_id
    committee.channel_service_url = service_url
    committee.channel_linked_by = actor.person_id
    committee.channel_linked_at = now
    await session.flush()
    return committee_view(committee)


async def for_digest(session: AsyncSession, key: str | None) -> list[int]:
    """Committees for `pejling digest`: all of them, or the one `key` names — by its key or
    full name, as `kommune/udvalg` when several municipalities share the store."""
    rows = (
        await session.execute(
            select(Committee, Municipality.key).join(Municipality).order_by(Committee.id)
        )
    ).all()
    if key is None:
        return [committee.id for committee, _ in rows]
    place, _, name = key.rpartition("/")
    matches = [
        (committee, municipality)
        for committee, municipality in rows
        if fold(name) in (fold(committee.key), fold(committee.name))
        and (not place or fold(place) == fold(municipality))
    ]
    if len({committee.municipality_id for committee, _ in matches}) > 1:
        names = ", ".join(f"{municipality}/{committee.key}" for committee, municipality in matches)
        raise Invalid("cli.udvalg_flertydigt", key=key, names=names)
    return [committee.id for committee, _ in matches]


async def by_id(session: AsyncSession, committee_id: int) -> Committee:
    """The committee with this id; `RowMissing` when there is none."""
    return await session.get_one(Committee, committee_id)


async def by_channel(
    session: AsyncSession, municipality_id: int | None, channel_id: str | None
) -> int | None:
    """The id of the committee whose channel this is, if any."""
    return await session.scalar(
        select(Committee.id).where(
            Committee.municipality_id == municipality_id, Committee.channel_id == channel_id
        )
    )


async def channel_target(session: AsyncSession, committee: Committee) -> ChannelTarget | None:
    if not committee.channel_id or not committee.channel_service_url:
        return None
    tenant = await session.scalar(
        select(Municipality.tenant_id).where(Municipality.id == committee.municipality_id)
    )
    return ChannelTarget(committee.channel_id, committee.channel_service_url, tenant or "")


async def scheduled(session: AsyncSession) -> list[Committee]:
    """Every committee with a digest schedule, whose digests the outbox plans."""
    rows = await session.scalars(
        select(Committee).where(Committee.digest_schedule.is_not(None)).order_by(Committee.id)
    )
    return list(rows)
