"""Small helpers the store tests share: fixed times, edited organisation files, lookups by
key, row counts and a counter of the SQL statements a piece of code sends."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from databases import PREPARED
from store import goals, status
from store.digests import build_digest, digest_window
from store.enums import PeriodKind
from store.goalviews import GoalContent, GoalDetail
from store.importer import import_org
from store.models import Base, Bearing, Committee, GoalEvent, Municipality, Period, Unit
from store.orgfile import OrgFile, parse_org
from store.people import identify
from store.profiles import profile
from store.views import Actor, DigestView

# A Sunday in the demo's election period 2026–2029, after every status in the demo file.
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)

OrgDict = dict[str, Any]
Sessions = async_sessionmaker[AsyncSession]


def edited(org: OrgFile, change: Callable[[OrgDict], object]) -> OrgFile:
    """`org` with `change` applied to its plain-dict form, parsed and checked again."""
    raw = copy.deepcopy(org.model_dump(mode="json"))
    change(raw)
    return parse_org(raw)


def by_key(items: list[OrgDict], key: str) -> OrgDict:
    """The item of a list in an organisation file whose key is `key`."""
    return next(item for item in items if item["key"] == key)


def second_municipality(org: OrgFile) -> OrgFile:
    """Another municipality with the same structure as `org`: its own key, tenant and Entra
    object ids, but the same committee, unit and goal keys, as two municipalities may well
    both have a `buu`."""

    def rename(raw: OrgDict) -> None:
        raw["municipality"] |= {"key": "nordby", "name": "Nordby Kommune", "tenant_id": "t-nordby"}
        for person in raw["people"]:
            person["aad_object_id"] = "nordby-" + person["aad_object_id"]

    return edited(org, rename)


async def actor_of(session: AsyncSession, org: OrgFile, person_key: str) -> Actor:
    """The person `person_key` of `org` as the store sees them when they write in Teams."""
    person = org.find_person(person_key)
    assert person is not None, person_key
    identity = await identify(session, org.municipality.tenant_id, person.aad_object_id)
    assert identity.actor is not None, person_key
    return identity.actor


async def id_of(session: AsyncSession, model: Any, key: str, org: OrgFile) -> int:
    """The id of the row of `model` (a model with a key) with `key` in `org`'s municipality."""
    found = await session.scalar(
        select(model.id)
        .join(Municipality, Municipality.id == model.municipality_id)
        .where(
            model.key == key,
            Municipality.tenant_id == org.municipality.tenant_id,
        )
    )
    assert found is not None, f"no {model.__tablename__} {key!r}"
    return int(found)


async def municipality_id(session: AsyncSession, org: OrgFile) -> int:
    found = await session.scalar(
        select(Municipality.id).where(Municipality.tenant_id == org.municipality.tenant_id)
    )
    assert found is not None
    return int(found)


async def row_counts(session: AsyncSession) -> dict[str, int]:
    """How many rows every table holds."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        counts[table.name] = await session.scalar(select(func.count()).select_from(table)) or 0
    return counts


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the `with` block, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def writes(sent: list[str]) -> list[str]:
    """The statements among `sent` that change data."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [s for s in sent if s.lstrip().upper().startswith(verbs)]


# --- goals ------------------------------------------------------------------------------

# The committee of the demo's Børne- og Uddannelsesudvalget approves goals at this meeting.
MEETING = date(2026, 12, 3)


def with_profile(org: OrgFile, key: str) -> OrgFile:
    """`org` working by the municipality profile `key` (hvidovre, jammerbugt, dragoer).
    A profile without goals gets a file without them, as the importer takes no others."""

    def change(raw: OrgDict) -> None:
        raw["municipality"].update(profile=key)
        if not profile(key).uses_goals:
            for unit in raw["units"]:
                unit["goals"] = []

    return edited(org, change)


async def imported(sessions: Sessions, org: OrgFile) -> OrgFile:
    """`org` imported (or updated) in a transaction of its own. Into a database no one
    has used yet (a fixture's first step), a prepared copy of what importing it there
    writes is put in place instead (tests/databases.py): the same rows, ids and sequences."""
    if not PREPARED.import_onto(sessions.kw["bind"], org):
        async with sessions.begin() as session:
            await import_org(session, org)
    return org


async def new_period(
    session: AsyncSession, org: OrgFile, key: str, starts: date, ends: date
) -> Period:
    """A period of `org`'s municipality besides the one its file names."""
    period = Period(
        municipality_id=await municipality_id(session, org),
        key=key,
        name=key,
        kind=PeriodKind.AGREEMENT,
        starts_on=starts,
        ends_on=ends,
    )
    session.add(period)
    await session.flush()
    return period


async def bearing_ids(session: AsyncSession, org: OrgFile, *keys: str) -> tuple[int, ...]:
    return tuple([await id_of(session, Bearing, key, org) for key in keys])


def goal_content(bearings: tuple[int, ...] = (), **changes: Any) -> GoalContent:
    """A goal with every field of every shipped template answered, following `bearings`
    (or, with none, saying why not); `changes` replace single answers."""
    content = GoalContent(
        title="Flere elever deltager i fællesskaber i frikvartererne",
        bearing_ids=bearings,
        no_bearing_reason=None if bearings else "Målet kommer fra skolebestyrelsen.",
        goal_type="development",
        perspective="quality",
        expected_effect="Færre konflikter, og flere elever har nogen at være sammen med.",
        success_criteria=("Mindst 80 % af eleverne svarer »ofte god« i frikvartersmålingen",),
        evaluation_method="survey",
        data_source="Skolens frikvartersmåling to gange om året",
        sub_goals=("Legepatrulje på mellemtrinnet",),
        deadline=date(2027, 6, 1),
        responsible="Mette Kjærgaard, skoleleder",
        extra={"national_goal": "wellbeing", "grades": ["middle"]},
    )
    return replace(content, **changes)


async def save_goal(
    sessions: Sessions,
    org: OrgFile,
    person: str,
    unit: str,
    content: GoalContent,
    *,
    submit: bool,
    now: datetime = NOW,
    origin: str | None = None,
    goal_id: int | None = None,
) -> goals.Saved:
    """`person` saves `content` for the unit with key `unit`, in a transaction of its own."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        unit_id = await id_of(session, Unit, unit, org)
        return await goals.save(
            session, actor, unit_id, content, submit=submit, now=now, origin=origin,
            goal_id=goal_id,
        )  # fmt: skip


async def submit_goal(
    sessions: Sessions,
    org: OrgFile,
    person: str = "mette",
    unit: str = "boegeskov-skole",
    *,
    bearings: tuple[str, ...] = ("buu-trivsel",),
    now: datetime = NOW,
    **changes: Any,
) -> GoalDetail:
    """A complete goal, following the bearings with keys `bearings`, sent for approval."""
    async with sessions() as session:
        ids = await bearing_ids(session, org, *bearings)
    saved = await save_goal(
        sessions, org, person, unit, goal_content(ids, **changes), submit=True, now=now
    )
    return saved.goal


async def approve_as(
    sessions: Sessions, org: OrgFile, person: str, goal: GoalDetail, now: datetime = NOW
) -> GoalDetail:
    """`person` approves `goal` as their card shows it (its id and revision)."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await goals.approve(session, actor, goal.id, goal.revision, now)


async def return_as(
    sessions: Sessions,
    org: OrgFile,
    person: str,
    goal: GoalDetail,
    comment: str,
    now: datetime = NOW,
) -> GoalDetail:
    """`person` sends `goal` back to its leader with `comment`."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await goals.return_to_leader(session, actor, goal.id, goal.revision, comment, now)


async def committee_approves(
    sessions: Sessions,
    org: OrgFile,
    *approved: GoalDetail,
    person: str = "camilla",
    meeting: date = MEETING,
    now: datetime = NOW,
) -> list[GoalDetail]:
    """`person` (the administration) records that the committee approved these goals."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        ids = [goal.id for goal in approved]
        return await goals.approve_in_committee(session, actor, ids, meeting, now)


async def detail_for(sessions: Sessions, org: OrgFile, person: str, goal_id: int) -> GoalDetail:
    """The goal as `person` of `org` may see it, with its history."""
    async with sessions() as session:
        return await goals.goal_detail(session, await actor_of(session, org, person), goal_id)


async def events_of(sessions: Sessions, goal_id: int) -> list[GoalEvent]:
    """The goal's history as stored, oldest first."""
    async with sessions() as session:
        found = await session.scalars(
            select(GoalEvent).where(GoalEvent.goal_id == goal_id).order_by(GoalEvent.id)
        )
        return list(found)


async def reported_titles(sessions: Sessions, org: OrgFile, person: str) -> list[str]:
    """The titles of the goals `person` is asked to report status on."""
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return [g.title for g in await status.goals_of_leader(session, actor, TODAY)]


async def committee_digest(
    sessions: Sessions, org: OrgFile, key: str = "buu", now: datetime = NOW
) -> DigestView:
    """The digest committee `key` of `org` would get at `now`."""
    async with sessions() as session:
        row = await session.get_one(Committee, await id_of(session, Committee, key, org))
        return await build_digest(session, row, digest_window(row.digest_schedule, now), now)
