"""Dialogue meetings (dialogmøder): planning, the leaders' preparation and the meeting pack.

The administration plans a meeting for one committee and some of its units, in one of
the three meeting models; the leaders of those units are told, asked to prepare a
set number of days before (the profile's `meetings`), reminded once, and the committee
gets the pack in its channel. The summary and what it agrees live in `store.summaries`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import people
from store.dates import LOCAL_TIME
from store.enums import MeetingModel, MeetingState, Role, SummaryState
from store.errors import Invalid, NotAllowed
from store.limits import NOTE_MAX, PLACE_MAX
from store.meetingviews import (
    PREPARATION_FIELDS,
    MeetingChange,
    MeetingPlan,
    MeetingUnitView,
    MeetingView,
    PlanningCommittee,
    PreparationContent,
    PreparationView,
    UnitChoice,
)
from store.models import (
    Committee,
    Department,
    Meeting,
    MeetingCommittee,
    MeetingUnit,
    Person,
    Preparation,
    Summary,
    Unit,
)
from store.status import current_period
from store.text import danish_order
from store.views import Actor

# Meetings that took place this long ago are still listed (their summaries are written after).
RECENT = timedelta(days=60)


def require_administration(actor: Actor) -> None:
    """Planning meetings and writing their summaries is the administration's work."""
    if not actor.is_administration:
        raise NotAllowed("moede.kun_administration")


# --- planning --------------------------------------------------------------------------


async def planning_committees(session: AsyncSession, actor: Actor) -> tuple[PlanningCommittee, ...]:
    """Every committee of the municipality with the units it can invite."""
    require_administration(actor)
    rows = await session.execute(
        select(Committee.id, Committee.name, Unit.id, Unit.name, Unit.unit_type, Unit.area)
        .outerjoin(Department, Department.committee_id == Committee.id)
        .outerjoin(Unit, Unit.department_id == Department.id)
        .where(Committee.municipality_id == actor.municipality_id)
        .order_by(Committee.id)
    )
    found: dict[int, tuple[str, list[UnitChoice]]] = {}
    for committee_id, committee_name, unit_id, name, unit_type, area in rows:
        _, units = found.setdefault(committee_id, (committee_name, []))
        if unit_id is not None:
            units.append(UnitChoice(unit_id, name, unit_type, area))
    return tuple(
        PlanningCommittee(cid, name, tuple(sorted(units, key=lambda u: danish_order(u.name))))
        for cid, (name, units) in found.items()
    )


def check_plan(plan: MeetingPlan, committee: PlanningCommittee, now: datetime) -> MeetingPlan:
    """The rules of a meeting plan, with the plan cleaned up. Raises Invalid."""
    if plan.starts_at <= now:
        raise Invalid("moede.tid_forbi", when=plan.starts_at)
    units = [committee.unit(unit_id) for unit_id in dict.fromkeys(plan.unit_ids)]
    if not units:
        raise Invalid("moede.ingen_enheder")
    if any(unit is None for unit in units):
        raise Invalid("moede.enhed_udenfor", committee=committee.name)
    chosen = [u for u in units if u is not None]
    if plan.model is MeetingModel.ONE_TYPE and len({u.unit_type for u in chosen}) > 1:
        raise Invalid("moede.model1_en_type")
    if plan.model is MeetingModel.ONE_UNIT and len(chosen) != 1:
        raise Invalid("moede.model3_en_enhed")
    theme = _text(plan.theme, "theme", NOTE_MAX)
    place = _text(plan.place, "place", PLACE_MAX)
    return replace(plan, unit_ids=tuple(u.id for u in chosen), theme=theme, place=place)


def _text(value: str | None, name: str, limit: int) -> str | None:
    value = (value or "").strip() or None
    if value and len(value) > limit:
        raise Invalid("moede.for_lang", field=name, limit=limit)
    return value


async def _committee(session: AsyncSession, actor: Actor, committee_id: int) -> PlanningCommittee:
    for committee in await planning_committees(session, actor):
        if committee.id == committee_id:
            return committee
    raise NotAllowed("moede.udvalg_ukendt")


async def plan(
    session: AsyncSession, actor: Actor, wanted: MeetingPlan, now: datetime
) -> MeetingChange:
    """Plan a new meeting; every leader of a participating unit is to be invited."""
    committee = await _committee(session, actor, wanted.committee_id)
    checked = check_plan(wanted, committee, now)
    meeting = Meeting(
        municipality_id=actor.municipality_id,
        committee_id=committee.id,
        period_id=await _period_of(session, actor, checked.starts_at),
        model=int(checked.model),
        starts_at=checked.starts_at,
        place=checked.place,
        theme=checked.theme,
        created_by=actor.person_id,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    session.add_all(MeetingUnit(meeting_id=meeting.id, unit_id=u) for u in checked.unit_ids)
    await session.flush()
    view = await meeting_view(session, meeting)
    return MeetingChange(view, invited=await people.leaders(session, checked.unit_ids))


async def _period_of(session: AsyncSession, actor: Actor, starts_at: datetime) -> int:
    """The period of the meeting's Danish date, whatever zone the time was given in."""
    period = await current_period(
        session, actor.municipality_id, starts_at.astimezone(LOCAL_TIME).date()
    )
    if period is None:
        raise Invalid("maal.ingen_periode")
    return period.id


async def change(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    revision: int,
    wanted: MeetingPlan,
    now: datetime,
) -> MeetingChange:
    """Change a planned meeting. Leaders of added units are invited, of removed ones told
    they are off, and of the others told when time, place or theme moved."""
    meeting = await _planned(session, actor, meeting_id, revision)
    committee = await _committee(session, actor, meeting.committee_id)
    checked = check_plan(replace(wanted, committee_id=meeting.committee_id), committee, now)
    before = await unit_ids(session, meeting.id)
    after = set(checked.unit_ids)
    moved = (meeting.starts_at, meeting.place, meeting.theme, meeting.model) != (
        checked.starts_at, checked.place, checked.theme, int(checked.model),
    )  # fmt: skip
    previous_start = meeting.starts_at
    meeting.starts_at, meeting.place, meeting.theme = (
        checked.starts_at,
        checked.place,
        checked.theme,
    )
    meeting.model, meeting.updated_at = int(checked.model), now
    meeting.period_id = await _period_of(session, actor, checked.starts_at)
    meeting.revision += 1
    await session.execute(
        delete(MeetingUnit).where(
            MeetingUnit.meeting_id == meeting.id, MeetingUnit.unit_id.in_(before - after)
        )
    )
    session.add_all(MeetingUnit(meeting_id=meeting.id, unit_id=u) for u in after - before)
    await session.flush()
    return MeetingChange(
        await meeting_view(session, meeting),
        invited=await people.leaders(session, after - before),
        uninvited=await people.leaders(session, before - after),
        told_of_change=await people.leaders(session, after & before) if moved else (),
        previous_start=previous_start if previous_start != meeting.starts_at else None,
    )


async def cancel(
    session: AsyncSession, actor: Actor, meeting_id: int, revision: int, now: datetime
) -> MeetingChange:
    """Cancel a planned meeting; every invited leader is to be told."""
    meeting = await _planned(session, actor, meeting_id, revision)
    meeting.state, meeting.updated_at = MeetingState.CANCELLED, now
    meeting.revision += 1
    await session.flush()
    units = await unit_ids(session, meeting.id)
    return MeetingChange(
        await meeting_view(session, meeting), uninvited=await people.leaders(session, units)
    )


async def _planned(session: AsyncSession, actor: Actor, meeting_id: int, revision: int) -> Meeting:
    require_administration(actor)
    meeting = await own(session, actor, meeting_id)
    if meeting.state != MeetingState.PLANNED:
        raise Invalid("moede.aflyst")
    if meeting.revision != revision:
        raise Invalid("moede.aendret_siden")
    summary = await session.scalar(select(Summary.state).where(Summary.meeting_id == meeting.id))
    if summary == SummaryState.APPROVED:
        raise Invalid("moede.afholdt")
    return meeting


async def own(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    """A meeting of the actor's municipality; any other id is unknown to them."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.municipality_id != actor.municipality_id:
        raise NotAllowed("moede.ukendt")
    return meeting


# --- reading ---------------------------------------------------------------------------


async def by_id(session: AsyncSession, meeting_id: int) -> Meeting:
    """The meeting with this id, whoever asks (the outbox); `RowMissing` when gone."""
    return await session.get_one(Meeting, meeting_id)


async def meeting_view(session: AsyncSession, meeting: Meeting) -> MeetingView:
    return (await views(session, [meeting]))[0]


async def joint_committees(
    session: AsyncSession, meeting_ids: Collection[int]
) -> dict[int, list[tuple[int, str]]]:
    """Meeting id → the other committees taking part in it, (id, name): joint meetings only."""
    if not meeting_ids:
        return {}
    found: dict[int, list[tuple[int, str]]] = {}
    for meeting_id, committee_id, name in await session.execute(
        select(MeetingCommittee.meeting_id, Committee.id, Committee.name)
        .join(Committee, Committee.id == MeetingCommittee.committee_id)
        .where(MeetingCommittee.meeting_id.in_(meeting_ids))
    ):
        found.setdefault(meeting_id, []).append((committee_id, name))
    return found


async def views(session: AsyncSession, meetings: Sequence[Meeting]) -> list[MeetingView]:
    """Meetings as shown, with their units and who has prepared: three statements."""
    ids = [m.id for m in meetings]
    units: dict[int, list[MeetingUnitView]] = {i: [] for i in ids}
    prepared = set(
        (
            await session.execute(
                select(Preparation.meeting_id, Preparation.unit_id).where(
                    Preparation.meeting_id.in_(ids)
                )
            )
        ).all()
    )
    rows = await session.execute(
        select(MeetingUnit.meeting_id, Unit.id, Unit.name, Unit.unit_type, Unit.area)
        .join(Unit, Unit.id == MeetingUnit.unit_id)
        .where(MeetingUnit.meeting_id.in_(ids))
    )
    for meeting_id, unit_id, name, unit_type, area in rows:
        done = (meeting_id, unit_id) in prepared
        units[meeting_id].append(MeetingUnitView(unit_id, name, unit_type, area, done))
    names = dict(
        (await session.execute(select(Committee.id, Committee.name).where(
            Committee.id.in_({m.committee_id for m in meetings})
        ))).all()
    )  # fmt: skip
    summaries = dict(
        (await session.execute(select(Summary.meeting_id, Summary.state).where(
            Summary.meeting_id.in_(ids)
        ))).all()
    )  # fmt: skip
    joint = await joint_committees(session, ids)
    return [
        MeetingView(
            id=m.id,
            committee_id=m.committee_id,
            committee_name=names[m.committee_id],
            model=MeetingModel(m.model),
            starts_at=m.starts_at,
            units=tuple(sorted(units[m.id], key=lambda u: danish_order(u.name))),
            state=MeetingState(m.state),
            theme=m.theme,
            place=m.place,
            revision=m.revision,
            summary_state=SummaryState(summaries[m.id]) if m.id in summaries else None,
            joint=tuple(sorted(joint.get(m.id, ()), key=lambda c: danish_order(c[1]))),
        )
        for m in meetings
    ]


def of_committee(committee_id: int) -> ColumnElement[bool]:
    """A condition on Meeting: the committee's own dialogue meetings and the joint
    meetings it takes part in."""
    joined = select(MeetingCommittee.meeting_id).where(
        MeetingCommittee.committee_id == committee_id
    )
    return or_(Meeting.committee_id == committee_id, Meeting.id.in_(joined))


def may_see(actor: Actor, meeting: MeetingView, departments: dict[int, int]) -> bool:
    """The administration, the politicians of the committee and of those taking part with
    it, and the leaders and department heads of the participating units see a meeting.
    `departments`: unit → department."""
    if actor.is_administration:
        return True
    unit_ids = {u.id for u in meeting.units}
    return any(
        (r.role is Role.POLITICIAN and r.committee_id in meeting.committee_ids)
        or (r.role is Role.UNIT_LEADER and r.unit_id in unit_ids)
        or (
            r.role is Role.DEPARTMENT_HEAD
            and r.department_id in {departments.get(u) for u in unit_ids}
        )
        for r in actor.roles
    )


async def meeting(session: AsyncSession, actor: Actor, meeting_id: int) -> MeetingView:
    """One meeting, for someone allowed to see it."""
    found = await visible(session, actor, [await own(session, actor, meeting_id)])
    if not found:
        raise NotAllowed("moede.ukendt")
    return found[0]


async def visible(
    session: AsyncSession, actor: Actor, meetings: Sequence[Meeting]
) -> list[MeetingView]:
    shown = await views(session, meetings)
    unit_ids = {u.id for m in shown for u in m.units}
    departments = dict(
        (await session.execute(select(Unit.id, Unit.department_id).where(
            Unit.id.in_(unit_ids)
        ))).all()
    )  # fmt: skip
    return [m for m in shown if may_see(actor, m, departments)]


async def meetings_of(session: AsyncSession, actor: Actor, now: datetime) -> list[MeetingView]:
    """The meetings the actor takes part in or follows: coming ones first (soonest first),
    then those held in the last two months (newest first)."""
    found = await session.scalars(
        select(Meeting)
        .where(Meeting.municipality_id == actor.municipality_id, Meeting.starts_at >= now - RECENT)
        .order_by(Meeting.starts_at)
    )
    shown = await visible(session, actor, list(found))
    coming = [m for m in shown if m.starts_at >= now]
    held = [m for m in shown if m.starts_at < now]
    return coming + held[::-1]


async def unit_ids(session: AsyncSession, meeting_id: int) -> set[int]:
    found = await session.scalars(
        select(MeetingUnit.unit_id).where(MeetingUnit.meeting_id == meeting_id)
    )
    return set(found)


# --- preparation -----------------------------------------------------------------------


async def to_prepare(
    session: AsyncSession, actor: Actor, now: datetime
) -> list[tuple[MeetingView, MeetingUnitView]]:
    """The coming meetings where one of the actor's units takes part, each with the unit:
    unprepared ones first, so `forbered` starts with what is missing."""
    mine = [
        (m, u)
        for m in await meetings_of(session, actor, now)
        if m.state is MeetingState.PLANNED and m.starts_at >= now
        for u in m.units
        if u.id in actor.led_unit_ids
    ]
    return sorted(mine, key=lambda pair: (pair[1].prepared, pair[0].starts_at))


async def preparing(
    session: AsyncSession, actor: Actor, meeting_id: int, unit_id: int
) -> tuple[MeetingView, MeetingUnitView, PreparationView | None]:
    """What a leader prepares for: the meeting, their unit in it, and the note so far."""
    shown = await meeting(session, actor, meeting_id)
    unit = shown.unit(unit_id)
    if unit is None or unit_id not in actor.led_unit_ids:
        raise NotAllowed("forbered.ikke_din_enhed")
    if shown.state is MeetingState.CANCELLED:
        raise Invalid("moede.aflyst")
    return shown, unit, await preparation(session, meeting_id, unit_id)


async def save_preparation(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    unit_id: int,
    content: PreparationContent,
    now: datetime,
) -> PreparationView:
    """Save (or rewrite) the unit's preparation note. At least one field must say something."""
    await preparing(session, actor, meeting_id, unit_id)
    values = {name: _text(getattr(content, name), name, NOTE_MAX) for name in PREPARATION_FIELDS}
    if not any(values.values()):
        raise Invalid("forbered.tom")
    note = await session.scalar(
        select(Preparation).where(
            Preparation.meeting_id == meeting_id, Preparation.unit_id == unit_id
        )
    )
    if note is None:
        note = Preparation(
            municipality_id=actor.municipality_id, meeting_id=meeting_id, unit_id=unit_id
        )
        session.add(note)
    for name, value in values.items():
        setattr(note, name, value)
    note.written_by, note.written_at = actor.person_id, now
    await session.flush()
    found = await preparation(session, meeting_id, unit_id)
    assert found is not None  # just written
    return found


async def preparation(
    session: AsyncSession, meeting_id: int, unit_id: int
) -> PreparationView | None:
    return (await preparations(session, meeting_id, [unit_id])).get(unit_id)


async def preparations(
    session: AsyncSession, meeting_id: int, unit_ids: Sequence[int]
) -> dict[int, PreparationView]:
    rows = await session.execute(
        select(Preparation, Unit.name, Person.name)
        .join(Unit, Unit.id == Preparation.unit_id)
        .outerjoin(Person, Person.id == Preparation.written_by)
        .where(Preparation.meeting_id == meeting_id, Preparation.unit_id.in_(list(unit_ids)))
    )
    return {
        note.unit_id: PreparationView(
            meeting_id,
            note.unit_id,
            unit_name,
            PreparationContent(**{name: getattr(note, name) for name in PREPARATION_FIELDS}),
            writer,
            note.written_at,
        )
        for note, unit_name, writer in rows
    }
