"""A committee's digest asks the database the same number of questions whatever the
committee's size, with every part of the digest in play: goals and their statuses, the
committee's bearings and the goals that follow them, open matters, goals waiting for the
committee. Run on SQLite and on PostgreSQL (the `engine` fixture). How fast the build is
at 1,000 units is bench/digest_build.py's business, not a test's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.enums import GoalState, MatterState
from store.importer import import_org
from store.models import Committee, Goal, Matter, Municipality, Period, Unit
from store.orgfile import OrgFile
from store.status import goals_of_leader
from store.views import DigestView
from store_helpers import (
    NOW,
    TODAY,
    OrgDict,
    Sessions,
    actor_of,
    committee_digest,
    edited,
    id_of,
    statements,
)


def with_committee(raw: OrgDict, key: str, units: int) -> None:
    """Committee `key` with two bearings of its own and `units` units, each with three goals
    following them (every goal the first, one goal a unit the second too), two statuses
    a goal: one from before the digest period and one in it."""
    bearings = [f"{key}-trivsel", f"{key}-sprog"]
    raw["committees"].append(
        {"key": key, "name": f"Udvalget {key}",
         "bearings": [{"key": b, "title": f"Pejlemærke {b}"} for b in bearings]}
    )  # fmt: skip
    raw["departments"].append({"key": f"{key}-center", "name": f"Center {key}", "committee": key})
    for u in range(units):
        unit = f"{key}-unit-{u}"
        goals = [
            {"key": f"{unit}-goal-{g}", "title": f"Mål {g}", "bearings": bearings[: 1 + g % 2],
             "status": [
                 {"color": "red", "date": "2026-09-01", "by": "mette", "narrative": "Før."},
                 {"color": "green", "date": "2026-11-20", "by": "mette", "narrative": "Nu."},
             ]}
            for g in range(3)
        ]  # fmt: skip
        raw["units"].append(
            {"key": unit, "name": f"Enhed {u}", "type": "skole", "department": f"{key}-center",
             "goals": goals}
        )  # fmt: skip


async def add_matter_and_new_goal(sessions: Sessions, org: OrgFile, key: str) -> None:
    """An open matter for committee `key`, and a new goal waiting for its approval."""
    async with sessions.begin() as session:
        committee = await session.get_one(Committee, await id_of(session, Committee, key, org))
        unit = await session.get_one(Unit, await id_of(session, Unit, f"{key}-unit-0", org))
        municipality = await session.get_one(Municipality, committee.municipality_id)
        period = await session.scalar(
            select(Period.id).where(Period.municipality_id == municipality.id).limit(1)
        )
        session.add(
            Matter(municipality_id=municipality.id, committee_id=committee.id,
                   title=f"Sag for {key}", state=MatterState.OPEN)
        )  # fmt: skip
        session.add(
            Goal(municipality_id=municipality.id, key=f"{key}-ny", unit_id=unit.id,
                 period_id=period, title="Nyt mål", state=GoalState.DEPARTMENT_APPROVED,
                 reportable_version=None, created_at=NOW - timedelta(days=1))
        )  # fmt: skip


async def small_and_large(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """The demo with a committee of 2 units and one of 30, each with a matter and a new goal."""

    def add(raw: OrgDict) -> None:
        with_committee(raw, "small", 2)
        with_committee(raw, "large", 30)
        mette = next(person for person in raw["people"] if person["key"] == "mette")
        mette["roles"] += [
            {"unit_leader": unit["key"]}
            for unit in raw["units"]
            if unit["key"].startswith(("small-", "large-"))
        ]

    org = edited(demo, add)
    async with sessions.begin() as session:
        await import_org(session, org)
    for key in ("small", "large"):
        await add_matter_and_new_goal(sessions, org, key)
    return org


def in_play(digest: DigestView) -> None:
    """Every part of the digest has something in it."""
    assert digest.goals and digest.open_matters
    assert any(unit.awaiting for unit in digest.units)
    assert digest.bearings and all(bearing.colors for bearing in digest.bearings)
    assert any(goal.previous for goal in digest.goals) and any(g.changed for g in digest.goals)


async def test_a_larger_committee_takes_the_same_statements_as_a_small_one(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    org = await small_and_large(sessions, demo)

    with statements(engine) as small:
        small_digest = await committee_digest(sessions, org, "small")
    with statements(engine) as large:
        large_digest = await committee_digest(sessions, org, "large")

    in_play(small_digest)
    in_play(large_digest)
    assert (len(small_digest.goals), len(large_digest.goals)) == (6, 90)
    assert len(large) == len(small)


async def test_the_digest_shows_each_goal_as_its_leader_sees_it(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The digest reads its goals with a statement of its own; what it makes of a row must
    stay what `goal_from_row` makes of the leader's."""
    org = await small_and_large(sessions, demo)
    digest = await committee_digest(sessions, org, "large")
    async with sessions() as session:
        actor = await actor_of(session, org, "mette")
        seen = {goal.id: goal for goal in await goals_of_leader(session, actor, TODAY)}

    assert [entry.goal for entry in digest.goals] == [seen[e.goal.id] for e in digest.goals]


async def test_the_bearings_colours_follow_the_goals_in_unit_order(
    sessions: Sessions, demo: OrgFile
) -> None:
    org = await small_and_large(sessions, demo)
    digest = await committee_digest(sessions, org, "large")
    trivsel, sprog = digest.bearings

    assert (len(trivsel.colors), len(sprog.colors)) == (90, 30)  # every goal, every third
    assert {color.value for color in trivsel.colors if color} == {"green"}
