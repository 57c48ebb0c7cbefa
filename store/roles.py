"""Who holds which role, and the administration granting and removing roles in chat.

The rules: only the administration manages roles; a role names a unit, department or
committee of the same municipality as the person (the administration names none); the
municipality always keeps at least one administration role.

The organisation file stays the source of truth: `pejling import` sets a person's roles
to exactly those the file lists, so a role granted or removed in chat lasts until the
next import of a file that says otherwise (README, "Roles in chat").
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store import roleversion
from store.enums import Role
from store.errors import Invalid, NotAllowed
from store.models import Committee, Department, Person, RoleAssignment, Unit
from store.roleviews import Choices, Holding
from store.views import Actor

# Which table a role's scope is a row of; the administration has no scope.
_SCOPES: dict[Role, type[Unit] | type[Department] | type[Committee] | None] = {
    Role.UNIT_LEADER: Unit,
    Role.DEPARTMENT_HEAD: Department,
    Role.POLITICIAN: Committee,
    Role.ADMINISTRATION: None,
}


def _require_administration(actor: Actor) -> None:
    if not actor.is_administration:
        raise NotAllowed("roller.kun_administration")


async def holdings(session: AsyncSession, actor: Actor) -> list[Holding]:
    """Every role in the actor's municipality, by person name."""
    _require_administration(actor)
    rows = await session.execute(
        select(RoleAssignment, Person.name, Unit.name, Department.name, Committee.name)
        .join(Person, Person.id == RoleAssignment.person_id)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .outerjoin(Department, Department.id == RoleAssignment.department_id)
        .outerjoin(Committee, Committee.id == RoleAssignment.committee_id)
        .where(RoleAssignment.municipality_id == actor.municipality_id)
        .order_by(Person.name, RoleAssignment.role, RoleAssignment.id)
    )
    return [
        Holding(r.person_id, person, Role(r.role), _scope_id(r), unit or department or committee)
        for r, person, unit, department, committee in rows
    ]


def _scope_id(row: RoleAssignment) -> int | None:
    return row.unit_id or row.department_id or row.committee_id


async def choices(session: AsyncSession, actor: Actor) -> Choices:
    _require_administration(actor)
    people = await _named(session, Person, actor.municipality_id)
    scopes = {
        role: await _named(session, model, actor.municipality_id)
        for role, model in _SCOPES.items()
        if model is not None
    }
    return Choices(people, scopes)


async def _named(
    session: AsyncSession,
    model: type[Person] | type[Unit] | type[Department] | type[Committee],
    municipality_id: int,
) -> tuple[tuple[int, str], ...]:
    rows = await session.execute(
        select(model.id, model.name)
        .where(model.municipality_id == municipality_id)
        .order_by(model.name)
    )
    return tuple((row_id, name) for row_id, name in rows)


async def grant(
    session: AsyncSession, actor: Actor, person_id: int, role: Role, scope_id: int | None
) -> bool:
    """Give the person the role. False: they held it already (nothing changed)."""
    _require_administration(actor)
    await _person(session, actor, person_id)
    columns = await _scope_columns(session, actor, role, scope_id)
    if await _find(session, person_id, role, columns) is not None:
        return False
    row = RoleAssignment(
        municipality_id=actor.municipality_id, person_id=person_id, role=role.value, **columns
    )
    try:
        # The unique index holds when the same grant is made at once in several turns.
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    await roleversion.roles_changed(session, actor.municipality_id)
    return True


async def remove(
    session: AsyncSession, actor: Actor, person_id: int, role: Role, scope_id: int | None
) -> None:
    """Take the role from the person; the municipality's last administration role stays."""
    _require_administration(actor)
    await _person(session, actor, person_id)
    columns = await _scope_columns(session, actor, role, scope_id)
    # Taken first: it locks the municipality's row (PostgreSQL; SQLite has one writer),
    # so two administrators removing each other at once count one after the other.
    await roleversion.roles_changed(session, actor.municipality_id)
    found = await _find(session, person_id, role, columns)
    if found is None:
        raise Invalid("roller.har_ikke_rollen")
    if role is Role.ADMINISTRATION and await _administrators(session, actor) <= 1:
        raise NotAllowed("roller.sidste_administration")
    await session.execute(delete(RoleAssignment).where(RoleAssignment.id == found))


async def _person(session: AsyncSession, actor: Actor, person_id: int) -> None:
    found = await session.scalar(
        select(Person.id).where(
            Person.id == person_id, Person.municipality_id == actor.municipality_id
        )
    )
    if found is None:
        raise NotAllowed("roller.ukendt_person")


async def _scope_columns(
    session: AsyncSession, actor: Actor, role: Role, scope_id: int | None
) -> dict[str, int | None]:
    """The role's scope as columns, checked to be a row of the actor's municipality."""
    model = _SCOPES[role]
    if model is None:
        return {"unit_id": None, "department_id": None, "committee_id": None}
    if scope_id is None:
        raise Invalid(f"roller.mangler_{role.value}")
    found = await session.scalar(
        select(model.id).where(model.id == scope_id, model.municipality_id == actor.municipality_id)
    )
    if found is None:
        raise NotAllowed(f"roller.mangler_{role.value}")
    column = {Unit: "unit_id", Department: "department_id", Committee: "committee_id"}[model]
    return {"unit_id": None, "department_id": None, "committee_id": None, column: scope_id}


async def _find(
    session: AsyncSession, person_id: int, role: Role, columns: dict[str, int | None]
) -> int | None:
    same = [
        getattr(RoleAssignment, name).is_(None)
        if value is None
        else getattr(RoleAssignment, name) == value
        for name, value in columns.items()
    ]
    return await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == person_id, RoleAssignment.role == role.value, *same
        )
    )


async def _administrators(session: AsyncSession, actor: Actor) -> int:
    count = await session.scalar(
        select(func.count()).where(
            RoleAssignment.municipality_id == actor.municipality_id,
            RoleAssignment.role == Role.ADMINISTRATION.value,
        )
    )
    return count or 0
