"""Conversation references: where the bot can write to a person or a channel later."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import dialect_name
from store.models import Committee, ConversationRef, Municipality, Person, RoleAssignment


@dataclass(frozen=True)
class ConversationSeen:
    """What an incoming activity says about the conversation it came from."""

    conversation_id: str
    conversation_type: str
    service_url: str
    bot_id: str
    user_id: str | None = None
    person_id: int | None = None
    team_id: str | None = None
    channel_id: str | None = None


async def remember(
    session: AsyncSession, municipality_id: int, seen: ConversationSeen, now: datetime
) -> bool:
    """Store or refresh the reference; True when something was new or changed.

    Teams can move a tenant to another service URL, so the newest one always wins, and a
    conversation that writes again is reachable again. An unchanged reference is not
    rewritten, so an ordinary message costs one read here.
    """
    values = {
        "conversation_type": seen.conversation_type,
        "service_url": seen.service_url,
        "bot_id": seen.bot_id,
        "user_id": seen.user_id,
        "person_id": seen.person_id,
        "team_id": seen.team_id,
        "channel_id": seen.channel_id,
        "unreachable_at": None,
    }
    existing = await session.scalar(
        select(ConversationRef).where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.conversation_id == seen.conversation_id,
        )
    )
    if existing is not None and all(
        getattr(existing, name) == value for name, value in values.items()
    ):
        return False
    # New or changed: one statement that holds under any race (two instances, four
    # mentions at once in a new channel); no row back means another turn wrote the same.
    insert = _dialect(session).insert(ConversationRef)
    changed = or_(
        *(getattr(ConversationRef, name).is_distinct_from(insert.excluded[name]) for name in values)
    )
    statement = (
        insert.values(
            municipality_id=municipality_id,
            conversation_id=seen.conversation_id,
            updated_at=now,
            **values,
        )
        .on_conflict_do_update(
            index_elements=[ConversationRef.municipality_id, ConversationRef.conversation_id],
            set_={**{name: insert.excluded[name] for name in values}, "updated_at": now},
            where=changed,
        )
        .returning(ConversationRef.id)
    )
    written = (await session.execute(statement)).first() is not None
    if existing is not None:
        await session.refresh(existing)  # the identity map would keep the values read above
    if not written:
        return False
    if seen.channel_id:
        await _refresh_committee_channel(session, municipality_id, seen)
    return True


def _dialect(session: AsyncSession) -> Any:
    return postgresql if dialect_name(session) == "postgresql" else sqlite


async def _refresh_committee_channel(
    session: AsyncSession, municipality_id: int, seen: ConversationSeen
) -> None:
    await session.execute(
        update(Committee)
        .where(
            Committee.municipality_id == municipality_id,
            Committee.channel_id == seen.channel_id,
            Committee.channel_service_url.is_distinct_from(seen.service_url),
        )
        .values(channel_service_url=seen.service_url)
    )


async def mark_unreachable(
    session: AsyncSession, municipality_id: int, conversation_id: str, now: datetime
) -> None:
    """Teams said 403: the bot was blocked or removed there. Stop writing until it is back."""
    await session.execute(
        update(ConversationRef)
        .where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.conversation_id == conversation_id,
        )
        .values(unreachable_at=now)
    )


async def mark_reachable(session: AsyncSession, municipality_id: int, conversation_id: str) -> None:
    """A post went through again (the bot is back in the team): writing there works."""
    await session.execute(
        update(ConversationRef)
        .where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.conversation_id == conversation_id,
            ConversationRef.unreachable_at.is_not(None),
        )
        .values(unreachable_at=None)
    )


async def reachable_service_url(
    session: AsyncSession, municipality_id: int, conversation_id: str
) -> str | None:
    """Where to send to a stored conversation; None if unknown or marked unreachable."""
    return await session.scalar(
        select(ConversationRef.service_url).where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.conversation_id == conversation_id,
            ConversationRef.unreachable_at.is_(None),
        )
    )


@dataclass(frozen=True)
class Place:
    """Where a stored conversation lives: its service and its tenant (whose rate budget
    a message to it draws on)."""

    service_url: str
    tenant_id: str


async def reachable_place(
    session: AsyncSession, municipality_id: int, conversation_id: str
) -> Place | None:
    """Like `reachable_service_url`, with the municipality's tenant."""
    row = (
        await session.execute(
            select(ConversationRef.service_url, Municipality.tenant_id)
            .join(Municipality, Municipality.id == ConversationRef.municipality_id)
            .where(
                ConversationRef.municipality_id == municipality_id,
                ConversationRef.conversation_id == conversation_id,
                ConversationRef.unreachable_at.is_(None),
            )
        )
    ).first()
    return Place(row.service_url, row.tenant_id) if row else None


async def personal_conversation(
    session: AsyncSession, municipality_id: int, person_id: int
) -> str | None:
    """The person's personal chat with the bot, if they have one the bot can write to."""
    return await session.scalar(
        select(ConversationRef.conversation_id)
        .where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.person_id == person_id,
            ConversationRef.conversation_type == "personal",
            ConversationRef.unreachable_at.is_(None),
        )
        .order_by(ConversationRef.updated_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Contact:
    """What a message to someone without a usable personal chat can go on."""

    tenant_id: str
    aad_object_id: str
    teams_user_id: str | None  # their 29: id, if the bot has learnt it
    removed: bool  # they had a chat with the bot, and Teams said 403 there


@dataclass(frozen=True)
class Team:
    """A team the bot is installed in: its roster can be read, and a 1:1 chat opened
    with anyone on it (TEAMS-FACTS §3, messaging a user proactively)."""

    team_id: str
    service_url: str


async def contact(session: AsyncSession, municipality_id: int, person_id: int) -> Contact | None:
    """The person's ids and whether they removed the bot; None if no such person."""
    row = (
        await session.execute(
            select(Person.aad_object_id, Person.teams_user_id, Municipality.tenant_id)
            .join(Municipality, Municipality.id == Person.municipality_id)
            .where(Person.id == person_id, Person.municipality_id == municipality_id)
        )
    ).first()
    if row is None:
        return None
    chats = await session.scalars(
        select(ConversationRef.unreachable_at).where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.person_id == person_id,
            ConversationRef.conversation_type == "personal",
        )
    )
    gone = list(chats)
    removed = bool(gone) and all(gone)
    return Contact(row.tenant_id, row.aad_object_id, row.teams_user_id, removed)


async def installed_teams(session: AsyncSession, municipality_id: int) -> list[Team]:
    """The teams of the municipality the bot is installed in (and not removed from), by
    the newest service URL each was seen on, most recently seen first."""
    rows = await session.execute(
        select(ConversationRef.team_id, ConversationRef.service_url)
        .where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.team_id.is_not(None),
            ConversationRef.unreachable_at.is_(None),
        )
        .order_by(ConversationRef.updated_at.desc(), ConversationRef.id.desc())
    )
    found: dict[str, Team] = {}
    for team_id, service_url in rows:
        if team_id is not None:  # always: see where
            found.setdefault(team_id, Team(team_id, service_url))
    return list(found.values())


async def remember_refused(
    session: AsyncSession, municipality_id: int, seen: ConversationSeen, now: datetime
) -> None:
    """Teams answered 403 to opening a 1:1 chat with the person: they blocked or removed
    the bot. There is no conversation id to mark, so a dead personal reference is kept
    under their user id instead: `unreached` then lists them as having removed Pejling,
    and later fan-outs do not ask Teams again. Writing to the bot makes them reachable."""
    await remember(session, municipality_id, seen, now)
    await mark_unreachable(session, municipality_id, seen.conversation_id, now)


async def reachable(
    session: AsyncSession, municipality_id: int, person_ids: Iterable[int]
) -> frozenset[int]:
    """Which of the people have a personal chat the bot can write to now."""
    found = await session.scalars(
        select(ConversationRef.person_id).where(
            ConversationRef.municipality_id == municipality_id,
            ConversationRef.person_id.in_(list(person_ids)),
            ConversationRef.conversation_type == "personal",
            ConversationRef.unreachable_at.is_(None),
        )
    )
    return frozenset(p for p in found if p is not None)


@dataclass(frozen=True)
class Unreached:
    """Someone (or a committee's channel) Pejling cannot write to, and since when: `since`
    is None when they have never opened Pejling at all."""

    municipality: str
    name: str
    since: datetime | None = None
    channel: bool = False


async def unreached(session: AsyncSession, municipality_id: int | None = None) -> list[Unreached]:
    """Everyone with a role who has no personal chat Pejling can write to, and every
    linked channel Pejling was removed from: the administration's list to follow up.
    All municipalities, or the one `municipality_id` names."""
    mine = _of(ConversationRef.municipality_id, municipality_id)
    refs = await session.execute(
        select(ConversationRef.person_id, ConversationRef.unreachable_at).where(
            ConversationRef.conversation_type == "personal",
            ConversationRef.person_id.is_not(None),
            mine,
        )
    )
    chats: dict[int, list[datetime | None]] = {}
    for person_id, gone in refs:
        if person_id is not None:  # always: see where
            chats.setdefault(person_id, []).append(gone)
    people = await session.execute(
        select(Municipality.name, Person.id, Person.name)
        .join(Person, Person.municipality_id == Municipality.id)
        .where(
            Person.id.in_(select(RoleAssignment.person_id)),
            _of(Municipality.id, municipality_id),
        )
        .order_by(Municipality.name, Person.name)
    )
    found = [
        Unreached(municipality, name, max(g for g in chats[pid] if g) if pid in chats else None)
        for municipality, pid, name in people
        if pid not in chats or all(chats[pid])
    ]
    return found + await _lost_channels(session, municipality_id)


def _of(column: Any, municipality_id: int | None) -> Any:
    return true() if municipality_id is None else column == municipality_id


async def _lost_channels(session: AsyncSession, municipality_id: int | None) -> list[Unreached]:
    rows = await session.execute(
        select(Municipality.name, Committee.name, ConversationRef.unreachable_at)
        .join(Committee, Committee.municipality_id == Municipality.id)
        .join(
            ConversationRef,
            (ConversationRef.municipality_id == Committee.municipality_id)
            & (ConversationRef.conversation_id == Committee.channel_id),
        )
        .where(
            ConversationRef.unreachable_at.is_not(None),
            _of(Municipality.id, municipality_id),
        )
        .order_by(Municipality.name, Committee.name)
    )
    return [Unreached(m, name, gone, channel=True) for m, name, gone in rows]
