"""Who is acting: from a Teams tenant and Entra object id to a municipality and a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import absences
from store.dates import LOCAL_TIME
from store.models import Municipality, Person, Role, RoleAssignment, Unit
from store.views import Actor, RoleView


@dataclass(frozen=True)
class Identity:
    """What the store knows of the sender: their municipality (by tenant) and themselves."""

    municipality_id: int | None
    language: str
    actor: Actor | None
    profile: str = "hvidovre"
    roles_version: int = 0  # the municipality's, when this was read (see `roles_version`)


async def identify(
    session: AsyncSession, tenant_id: str, aad_object_id: str | None, on: date | None = None
) -> Identity:
    """The sender's municipality and person, in one query (and two more for the roles).
    `on`: the Danish date whose deputies count (see `_actor`); today by default."""
    row = (
        await session.execute(
            select(Municipality, Person)
            .outerjoin(
                Person,
                (Person.municipality_id == Municipality.id)
                & (Person.aad_object_id == (aad_object_id or "")),
            )
            .where(Municipality.tenant_id == tenant_id)
        )
    ).first()
    if row is None:
        return Identity(None, "da", None)
    municipality, person = row
    version = municipality.roles_version
    if person is None:
        return Identity(municipality.id, municipality.language, None, municipality.profile, version)
    actor = await _actor(session, municipality, person, on)
    return Identity(municipality.id, municipality.language, actor, municipality.profile, version)


async def _actor(
    session: AsyncSession, municipality: Municipality, person: Person, on: date | None = None
) -> Actor:
    """The person with their own roles and, for the day `on`, the units of absent leaders
    who named them deputy: they report for those as the leader would, and each such role
    says whom they stand in for (`RoleView.deputy_for`)."""
    day = on or absences.today_in_denmark(datetime.now(LOCAL_TIME))
    standing_in = await absences.deputy_roles(session, municipality.id, person.id, day)
    return Actor(
        municipality_id=municipality.id,
        municipality_name=municipality.name,
        profile=municipality.profile,
        language=municipality.language,
        midway=municipality.midway,
        person_id=person.id,
        person_name=person.name,
        roles=(*await _roles(session, person.id), *standing_in),
    )


async def _roles(session: AsyncSession, person_id: int) -> tuple[RoleView, ...]:
    rows = await session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.person_id == person_id)
        .order_by(RoleAssignment.id)
    )
    return tuple(RoleView(Role(r.role), r.unit_id, r.department_id, r.committee_id) for r in rows)


async def remember_teams_user_id(session: AsyncSession, actor: Actor, teams_user_id: str) -> None:
    """Keep the person's bot-specific 29: id, which a 1:1 message to them later needs."""
    await session.execute(
        update(Person)
        .where(Person.id == actor.person_id, Person.teams_user_id.is_distinct_from(teams_user_id))
        .values(teams_user_id=teams_user_id)
    )


async def remember_user_id(session: AsyncSession, person_id: int, teams_user_id: str) -> None:
    """The same, for someone found in a team's roster before they ever wrote to the bot."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id, Person.teams_user_id.is_distinct_from(teams_user_id))
        .values(teams_user_id=teams_user_id)
    )


async def units_led_by(
    session: AsyncSession, person_ids: Iterable[int], within: Iterable[int] | None = None
) -> dict[int, tuple[str, ...]]:
    """The names of the units each person leads (only those `within`, when given)."""
    query = (
        select(RoleAssignment.person_id, Unit.name)
        .join(Unit, Unit.id == RoleAssignment.unit_id)
        .where(
            RoleAssignment.role == Role.UNIT_LEADER,
            RoleAssignment.person_id.in_(list(person_ids)),
        )
        .order_by(Unit.name)
    )
    if within is not None:
        query = query.where(Unit.id.in_(list(within)))
    found: dict[int, list[str]] = {}
    for person, name in await session.execute(query):
        found.setdefault(person, []).append(name)
    return {person: tuple(names) for person, names in found.items()}


async def by_key(session: AsyncSession, key: str) -> list[Actor]:
    """The people with the organisation file's key `key` (one per municipality that has
    it), as actors: for commands run by the administration, such as `pejling årshjul`."""
    rows = await session.execute(
        select(Municipality, Person)
        .join(Person, Person.municipality_id == Municipality.id)
        .where(Person.key == key)
        .order_by(Municipality.id)
    )
    return [await _actor(session, municipality, person) for municipality, person in rows]


async def leaders_by_unit(
    session: AsyncSession, unit_ids: Iterable[int]
) -> dict[int, tuple[int, ...]]:
    """Who leads each of the units (person ids): they are invited, asked and told."""
    rows = await session.execute(
        select(RoleAssignment.unit_id, RoleAssignment.person_id).where(
            RoleAssignment.role == Role.UNIT_LEADER, RoleAssignment.unit_id.in_(list(unit_ids))
        )
    )
    found: dict[int, set[int]] = {}
    for unit_id, person_id in rows:
        if unit_id is not None:  # always: see where
            found.setdefault(unit_id, set()).add(person_id)
    return {unit: tuple(sorted(people)) for unit, people in found.items()}


async def leaders(session: AsyncSession, unit_ids: Iterable[int]) -> tuple[int, ...]:
    """The leaders of all the units, each once."""
    by_unit = await leaders_by_unit(session, unit_ids)
    return tuple(sorted({person for people in by_unit.values() for person in people}))


async def actor_on(session: AsyncSession, person_id: int, on: date) -> Actor:
    """The person as they act on the day `on`, deputy roles included: for the time-travel
    run, which acts for its simulated leaders on simulated days."""
    person = await session.get_one(Person, person_id)
    municipality = await session.get_one(Municipality, person.municipality_id)
    return await _actor(session, municipality, person, on)
