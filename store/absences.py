"""Out of office (fravær): who is away when, and the deputy (stedfortræder) who reports
for their units meanwhile.

A person registers their own absence; the administration may register anyone's, and a
department head the absences of the leaders of their department's units. A deputy gets
the absent leader's units for the days of the absence only (see `deputy_roles`), and
never the absent person's own powers: they cannot change the absence, nor decide what
the absent person decides.

An absence covers whole Danish days, both ends included. A new registration wins over
the days it covers: an earlier absence of the same person with the same deputy is merged
into it, one with another deputy keeps only the days outside it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store import roleversion
from store.dates import LOCAL_TIME
from store.enums import Role
from store.errors import Invalid, NotAllowed
from store.models import Absence, Department, Person, RoleAssignment, Unit
from store.text import danish_order
from store.views import AbsenceView, Actor, Colleague, RoleView

MAX_DAYS = 366  # an absence lasts at most a year (a leap year included)
AHEAD_DAYS = 365  # and begins within a year
DAY = timedelta(days=1)


def today_in_denmark(now: datetime) -> date:
    """The Danish date at `now`: an absence "until Friday" means Friday in Denmark."""
    return now.astimezone(LOCAL_TIME).date()


# --- the rules ------------------------------------------------------------------------------


def check_dates(starts_on: date, ends_on: date, today: date) -> None:
    """An absence ends on or after it begins, is not over already, begins within a year and
    lasts at most a year. It may have begun already (sick since Monday)."""
    if ends_on < starts_on:
        raise Invalid("fravaer.slut_foer_start", starts=starts_on, ends=ends_on)
    if ends_on < today:
        raise Invalid("fravaer.forbi", ends=ends_on)
    if starts_on > today + timedelta(days=AHEAD_DAYS):
        raise Invalid("fravaer.for_langt_ude", latest=today + timedelta(days=AHEAD_DAYS))
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise Invalid("fravaer.for_lang", days=MAX_DAYS)


def may_register_for(actor: Actor, person: Colleague) -> bool:
    """Oneself; anyone, for the administration; the leaders of a department's units, for
    its department head. Only the actor's own roles count: a deputy gains none of this."""
    if person.id == actor.person_id:
        return True
    own = actor.own_roles
    if any(r.role is Role.ADMINISTRATION for r in own):
        return True
    headed = {r.department_id for r in own if r.role is Role.DEPARTMENT_HEAD}
    return bool(headed & person.departments)


def candidates(everyone: Iterable[Colleague], person_id: int) -> tuple[Colleague, ...]:
    """Sensible deputies for `person_id`: the department heads and the other unit leaders of
    the departments they belong to; heads first, then by name."""
    people = {c.id: c for c in everyone}
    absent = people.get(person_id)
    if absent is None:
        return ()
    near = [c for c in people.values() if c.id != person_id and c.belongs_to & absent.belongs_to]
    return tuple(sorted(near, key=lambda c: (not (c.head_of & absent.belongs_to),
                                             danish_order(c.name))))  # fmt: skip


def registrable(actor: Actor, everyone: Iterable[Colleague]) -> tuple[Colleague, ...]:
    """Whom the actor may register an absence for: themselves first, then by name."""
    allowed = [c for c in everyone if may_register_for(actor, c)]
    return tuple(sorted(allowed, key=lambda c: (c.id != actor.person_id, danish_order(c.name))))


# --- who is who -------------------------------------------------------------------------------


async def colleagues(session: AsyncSession, municipality_id: int) -> tuple[Colleague, ...]:
    """Everyone of the municipality, with the units they lead and the departments they
    head, by name: two queries, whatever the size of the municipality."""
    query = select(Person.id, Person.name).where(Person.municipality_id == municipality_id)
    names = {pid: name for pid, name in await session.execute(query)}
    roles = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.role, Unit.name, Unit.department_id,
               Department.id, Department.name)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .outerjoin(Department, Department.id == RoleAssignment.department_id)
        .where(RoleAssignment.municipality_id == municipality_id,
               RoleAssignment.role.in_([Role.UNIT_LEADER, Role.DEPARTMENT_HEAD]))
        .order_by(RoleAssignment.id)
    )  # fmt: skip
    found: dict[int, Colleague] = {pid: Colleague(pid, name) for pid, name in names.items()}
    for pid, role, unit, unit_department, department, department_name in roles:
        c = found[pid]
        if Role(role) is Role.UNIT_LEADER and unit is not None:
            c = _with(c, units=(*c.units, unit), departments=c.departments | {unit_department})
        elif department is not None:
            c = _with(c, heads=(*c.heads, department_name), head_of=c.head_of | {department})
        found[pid] = c
    return tuple(sorted(found.values(), key=lambda c: danish_order(c.name)))


def _with(colleague: Colleague, **changes: object) -> Colleague:
    return replace(colleague, **changes)  # type: ignore[arg-type]


# --- registering and ending ---------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """A registered absence, and the earlier ones it changed (as they were) and what is
    left of those with another deputy."""

    absence: AbsenceView
    replaced: tuple[AbsenceView, ...] = ()
    remaining: tuple[AbsenceView, ...] = ()

    @property
    def former_deputies(self) -> tuple[int, ...]:
        """Deputies of the changed absences who do not stand in for the new one: to be told."""
        kept = self.absence.deputy_id
        return tuple(sorted({a.deputy_id for a in self.replaced if a.deputy_id} - {kept}))


async def register(
    session: AsyncSession,
    actor: Actor,
    person_id: int,
    starts_on: date,
    ends_on: date,
    deputy_id: int | None,
    now: datetime,
) -> Registered:
    """Register `person_id` as away from `starts_on` to `ends_on`, with `deputy_id` (or
    nobody) standing in. Ids may come from card data, so every one is checked here."""
    everyone = {c.id: c for c in await colleagues(session, actor.municipality_id)}
    person = everyone.get(person_id)
    if person is None or not may_register_for(actor, person):
        raise NotAllowed("fravaer.ikke_tilladt")
    check_dates(starts_on, ends_on, today_in_denmark(now))
    days = (starts_on, ends_on)
    await _check_deputy(session, actor.municipality_id, everyone, person_id, deputy_id, days)
    touching = await _touching(session, actor.municipality_id, person_id, *days)
    same = [a for a in touching if a.deputy_id == deputy_id]
    replaced = [_view(a, everyone) for a in touching if a in same or _overlaps(a, *days)]
    remaining = await _trim(session, [a for a in touching if a not in same], *days)
    row = await _merge(session, same, Absence(
        municipality_id=actor.municipality_id, person_id=person_id, starts_on=starts_on,
        ends_on=ends_on, deputy_id=deputy_id, created_by=actor.person_id, created_at=now,
    ))  # fmt: skip
    await roleversion.roles_changed(session, actor.municipality_id)  # a deputy's roles
    views = tuple(_view(a, everyone) for a in remaining)
    return Registered(_view(row, everyone), tuple(replaced), views)


async def _merge(session: AsyncSession, same: list[Absence], row: Absence) -> Absence:
    """`row`, stretched over the absences with the same deputy it overlaps or borders on,
    which go."""
    row.starts_on = min([row.starts_on, *(a.starts_on for a in same)])
    row.ends_on = max([row.ends_on, *(a.ends_on for a in same)])
    if (row.ends_on - row.starts_on).days + 1 > MAX_DAYS:
        raise Invalid("fravaer.for_lang", days=MAX_DAYS)
    for old in same:
        await session.delete(old)
    session.add(row)
    await session.flush()
    return row


async def _check_deputy(
    session: AsyncSession,
    municipality_id: int,
    everyone: Mapping[int, Colleague],
    person_id: int,
    deputy_id: int | None,
    days: tuple[date, date],
) -> None:
    """A deputy is another person of the same municipality, and not away themselves."""
    if deputy_id is None:
        return
    if deputy_id == person_id:
        raise Invalid("fravaer.ikke_sig_selv")
    deputy = everyone.get(deputy_id)
    if deputy is None:
        raise NotAllowed("fravaer.ukendt_stedfortraeder")
    away = await _touching(session, municipality_id, deputy_id, *days, adjacent=False)
    if away:
        first = away[0]
        raise Invalid("fravaer.stedfortraeder_vaek", name=deputy.name,
                      starts=first.starts_on, ends=first.ends_on)  # fmt: skip


async def _touching(
    session: AsyncSession,
    municipality_id: int,
    person_id: int,
    starts_on: date,
    ends_on: date,
    adjacent: bool = True,
) -> list[Absence]:
    """The person's absences that overlap the days (or, `adjacent`, border on them), locked."""
    slack = DAY if adjacent else timedelta(0)
    rows = await session.scalars(
        select(Absence)
        .where(Absence.municipality_id == municipality_id, Absence.person_id == person_id,
               Absence.starts_on <= ends_on + slack, Absence.ends_on >= starts_on - slack)
        .order_by(Absence.starts_on, Absence.id)
        .with_for_update()
    )  # fmt: skip
    return list(rows)


def _overlaps(absence: Absence, starts_on: date, ends_on: date) -> bool:
    return absence.starts_on <= ends_on and absence.ends_on >= starts_on


async def _trim(
    session: AsyncSession, others: list[Absence], starts_on: date, ends_on: date
) -> list[Absence]:
    """Absences with another deputy keep the days before and after the new one (one that
    spans it is split in two); those wholly inside it go."""
    kept: list[Absence] = []
    for row in (a for a in others if _overlaps(a, starts_on, ends_on)):
        before, after = row.starts_on < starts_on, row.ends_on > ends_on
        if after:
            tail = Absence(municipality_id=row.municipality_id, person_id=row.person_id,
                           starts_on=ends_on + DAY, ends_on=row.ends_on, deputy_id=row.deputy_id,
                           created_by=row.created_by, created_at=row.created_at)  # fmt: skip
            session.add(tail)
            kept.append(tail)
        if before:
            row.ends_on = starts_on - DAY
            kept.append(row)
        else:
            await session.delete(row)
    await session.flush()
    return sorted(kept, key=lambda a: a.starts_on)


@dataclass(frozen=True)
class Ended:
    """An absence ended early: as it was, and as it is now (None: it had not begun, or began
    today, so it is gone)."""

    before: AbsenceView
    after: AbsenceView | None


async def end(session: AsyncSession, actor: Actor, absence_id: int, now: datetime) -> Ended:
    """End an absence early: back today, so it ended yesterday. One not yet begun is
    cancelled. Only whoever may register it may end it, never its deputy."""
    row = await session.get(Absence, absence_id, with_for_update=True)
    if row is None or row.municipality_id != actor.municipality_id:
        raise NotAllowed("fravaer.ukendt")
    everyone = {c.id: c for c in await colleagues(session, actor.municipality_id)}
    person = everyone.get(row.person_id)
    if person is None or not may_register_for(actor, person):
        raise NotAllowed("fravaer.ikke_tilladt")
    today = today_in_denmark(now)
    if row.ends_on < today:
        raise Invalid("fravaer.allerede_slut", ends=row.ends_on)
    before = _view(row, everyone)
    await roleversion.roles_changed(session, actor.municipality_id)  # a deputy's roles
    if row.starts_on >= today:
        await session.delete(row)
        await session.flush()
        return Ended(before, None)
    row.ends_on = today - DAY
    await session.flush()
    return Ended(before, _view(row, everyone))


async def end_own(session: AsyncSession, actor: Actor, now: datetime) -> Ended | None:
    """What `fravær slut` does: the actor's current absence ends; with none, the next one
    is cancelled. None when there is neither."""
    mine = (await absences_of(session, actor, today_in_denmark(now))).own
    return await end(session, actor, mine[0].id, now) if mine else None


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Absences:
    """A person's current and coming absences, and those of others they stand in for;
    soonest first."""

    own: tuple[AbsenceView, ...] = ()
    standing_in: tuple[AbsenceView, ...] = ()


async def absences_of(session: AsyncSession, actor: Actor, today: date) -> Absences:
    """The actor's current and coming absences, and the ones they are deputy for."""
    found = await _views(
        session,
        actor.municipality_id,
        (Absence.person_id == actor.person_id) | (Absence.deputy_id == actor.person_id),
        Absence.ends_on >= today,
    )
    own = tuple(a for a in found if a.person_id == actor.person_id)
    return Absences(own, tuple(a for a in found if a.person_id != actor.person_id))


async def current_and_coming(
    session: AsyncSession, municipality_id: int, today: date
) -> list[AbsenceView]:
    """Everyone's current and coming absences in the municipality, soonest first."""
    return await _views(session, municipality_id, Absence.ends_on >= today)


async def _views(session: AsyncSession, municipality_id: int, *where: object) -> list[AbsenceView]:
    deputy = aliased(Person)
    rows = await session.execute(
        select(Absence, Person.name, deputy.name)
        .join(Person, Person.id == Absence.person_id)
        .outerjoin(deputy, deputy.id == Absence.deputy_id)
        .where(Absence.municipality_id == municipality_id, *where)  # type: ignore[arg-type]
        .order_by(Absence.starts_on, Absence.id)
    )
    return [
        AbsenceView(a.id, a.person_id, name, a.starts_on, a.ends_on, a.deputy_id, deputy_name)
        for a, name, deputy_name in rows
    ]


def _view(row: Absence, everyone: Mapping[int, Colleague]) -> AbsenceView:
    deputy = everyone.get(row.deputy_id) if row.deputy_id is not None else None
    return AbsenceView(
        row.id, row.person_id, everyone[row.person_id].name, row.starts_on, row.ends_on,
        row.deputy_id, deputy.name if deputy else None,
    )  # fmt: skip


# --- what other code asks -----------------------------------------------------------------


async def away(
    session: AsyncSession, municipality_id: int, person_ids: Collection[int], on: date
) -> dict[int, int | None]:
    """For each of the people who is away on `on`: their deputy's id, or None when nobody
    stands in. Those not away are left out."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Absence.person_id, Absence.deputy_id)
        .where(Absence.municipality_id == municipality_id,
               Absence.person_id.in_(list(person_ids)),
               Absence.starts_on <= on, Absence.ends_on >= on)
        .order_by(Absence.id)
    )  # fmt: skip
    return {absent: deputy for absent, deputy in rows}


async def deputy_roles(
    session: AsyncSession, municipality_id: int, person_id: int, on: date
) -> tuple[RoleView, ...]:
    """The unit leader roles `person_id` holds on `on` as deputy: one per unit led by an
    absent leader who named them, marked with that leader. Units they lead themselves
    are left out: there they report in their own name."""
    own_units = select(RoleAssignment.unit_id).where(
        RoleAssignment.person_id == person_id, RoleAssignment.role == Role.UNIT_LEADER
    )
    rows = await session.execute(
        select(RoleAssignment.unit_id, Absence.person_id)
        .join(RoleAssignment, RoleAssignment.person_id == Absence.person_id)
        .where(Absence.municipality_id == municipality_id, Absence.deputy_id == person_id,
               Absence.starts_on <= on, Absence.ends_on >= on,
               RoleAssignment.role == Role.UNIT_LEADER, RoleAssignment.unit_id.is_not(None),
               RoleAssignment.unit_id.not_in(own_units))
        .order_by(Absence.starts_on, RoleAssignment.id)
    )  # fmt: skip
    return tuple(RoleView(Role.UNIT_LEADER, unit, deputy_for=absent) for unit, absent in rows)


async def deputising(
    session: AsyncSession, municipality_id: int, person_id: int, on: date
) -> frozenset[int]:
    """The units `person_id` reports for on `on` as deputy for their absent leaders."""
    roles = await deputy_roles(session, municipality_id, person_id, on)
    return frozenset(r.unit_id for r in roles if r.unit_id is not None)


async def standing_in_for(session: AsyncSession, actor: Actor) -> dict[int, str]:
    """Unit id → the name of the absent leader the actor reports for there today, for the
    cards to say so. No query when the actor stands in for nobody."""
    absent = {r.unit_id: r.deputy_for for r in actor.roles if r.deputy_for and r.unit_id}
    if not absent:
        return {}
    query = select(Person.id, Person.name).where(Person.id.in_(set(absent.values())))
    names = {pid: name for pid, name in await session.execute(query)}
    return {unit: names[person] for unit, person in absent.items() if actor.deputy_for(unit)}
