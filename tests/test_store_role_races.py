"""Roles changed at the same moment in several turns, as two instances on one database
see them: the database keeps one row per grant and at least one administrator.

On SQLite (one writer at a time) and on PostgreSQL (the turns really overlap)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from store import roles
from store.enums import Role
from store.errors import DomainError
from store.models import Person, RoleAssignment, Unit
from store.orgfile import OrgFile
from store_helpers import Sessions, actor_of, id_of


async def grant(
    sessions: Sessions, demo: OrgFile, by: str, to: str, role: Role, scope: int | None
) -> bool:
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, by)
        person = await id_of(session, Person, to, demo)
        return await roles.grant(session, actor, person, role, scope)


async def remove(sessions: Sessions, demo: OrgFile, by: str, whom: str) -> bool:
    """`by` takes `whom`'s administration role; False when the store refused."""
    try:
        async with sessions.begin() as session:
            actor = await actor_of(session, demo, by)
            person = await id_of(session, Person, whom, demo)
            await roles.remove(session, actor, person, Role.ADMINISTRATION, None)
        return True
    except DomainError as refused:
        # The last one left, or (read after the other turn) no administrator any more.
        assert refused.key in ("roller.sidste_administration", "roller.kun_administration")
        return False


async def count(
    sessions: Sessions, role: Role, person: str | None = None, demo: OrgFile | None = None
) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(RoleAssignment).where(RoleAssignment.role == role)
        if person is not None and demo is not None:
            query = query.where(
                RoleAssignment.person_id == await id_of(session, Person, person, demo)
            )
        return await session.scalar(query) or 0


async def test_two_administrators_removing_each_other_at_once_leave_one(
    sessions: Sessions, demo: OrgFile
) -> None:
    for _ in range(5):
        await grant(sessions, demo, "camilla", "jens", Role.ADMINISTRATION, None)
        assert await count(sessions, Role.ADMINISTRATION) == 2

        done = await asyncio.gather(
            remove(sessions, demo, "camilla", "jens"), remove(sessions, demo, "jens", "camilla")
        )

        assert sorted(done) == [False, True]
        assert await count(sessions, Role.ADMINISTRATION) == 1
        if done[1]:  # jens removed camilla: give her the role back for the next round
            await grant(sessions, demo, "jens", "camilla", Role.ADMINISTRATION, None)
            await remove(sessions, demo, "camilla", "jens")


async def test_the_same_role_granted_four_times_at_once_is_one_row(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        unit = await id_of(session, Unit, "engholm-skole", demo)

    done = await asyncio.gather(
        *(grant(sessions, demo, "camilla", "lise", Role.UNIT_LEADER, unit) for _ in range(4))
    )

    assert sorted(done) == [False, False, False, True]
    async with sessions() as session:
        lise = await id_of(session, Person, "lise", demo)
        rows = await session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .where(RoleAssignment.person_id == lise, RoleAssignment.unit_id == unit)
        )
    assert rows == 1


async def test_the_same_administration_role_twice_is_one_row(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The administration names no scope: NULLs must count as equal for the grant."""
    done = await asyncio.gather(
        *(grant(sessions, demo, "camilla", "jens", Role.ADMINISTRATION, None) for _ in range(2))
    )

    assert sorted(done) == [False, True]
    assert await count(sessions, Role.ADMINISTRATION, "jens", demo) == 1
