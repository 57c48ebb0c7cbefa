"""Who may do what, as the store enforces it: each operation tried as each role, and as a
leader of another unit, on SQLite and PostgreSQL. One row of the table per attempt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from meetingkit import a_plan
from store import committees, goals, meetings, roles
from store.enums import Color, Role
from store.errors import DomainError
from store.goalviews import GoalDetail
from store.models import Committee, Goal, Person, Unit
from store.orgfile import OrgFile
from store.status import record_status
from store.views import Actor
from store_helpers import MEETING, NOW, Sessions, actor_of, bearing_ids, goal_content, id_of

Operation = Callable[[AsyncSession, Actor, OrgFile], Awaitable[Any]]


async def report_on_mettes_goal(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    goal = await id_of(session, Goal, "boegeskov-skole-trivsel", org)
    return await record_status(session, actor, goal, Color.GREEN, "Godt.", None, NOW)


async def link_buu(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    buu = await id_of(session, Committee, "buu", org)
    return await committees.link_channel(session, actor, buu, "19:x", "19:t", "https://s", NOW)


async def list_roles(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    return await roles.holdings(session, actor)


async def make_lise_leader(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    lise = await id_of(session, Person, "lise", org)
    unit = await id_of(session, Unit, "boegeskov-skole", org)
    return await roles.grant(session, actor, lise, Role.UNIT_LEADER, unit)


async def submitted_by_mette(session: AsyncSession, org: OrgFile) -> GoalDetail:
    mette = await actor_of(session, org, "mette")
    unit = await id_of(session, Unit, "boegeskov-skole", org)
    content = goal_content(await bearing_ids(session, org, "buu-trivsel"))
    return (await goals.save(session, mette, unit, content, submit=True, now=NOW)).goal


async def approve_mettes_goal(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    goal = await submitted_by_mette(session, org)
    return await goals.approve(session, actor, goal.id, goal.revision, NOW)


async def record_committee_approval(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    goal = await submitted_by_mette(session, org)
    henrik = await actor_of(session, org, "henrik")
    await goals.approve(session, henrik, goal.id, goal.revision, NOW)
    return await goals.approve_in_committee(session, actor, [goal.id], MEETING, NOW)


async def plan_a_meeting(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    wanted = await a_plan(session, org, "boegeskov-skole", "maelkeboetten")
    return await meetings.plan(session, actor, wanted, NOW)


async def read_mettes_goal(session: AsyncSession, actor: Actor, org: OrgFile) -> Any:
    goal = await id_of(session, Goal, "boegeskov-skole-trivsel", org)
    return await goals.goal_detail(session, actor, goal)


OPERATIONS: dict[str, Operation] = {
    "status on a unit's goal": report_on_mettes_goal,
    "link a committee's channel": link_buu,
    "list roles": list_roles,
    "grant a role": make_lise_leader,
    "approve a goal": approve_mettes_goal,
    "record the committee's approval": record_committee_approval,
    "plan a dialogue meeting": plan_a_meeting,
    "read a unit's goal": read_mettes_goal,
}
# (operation, person, allowed): mette leads the goal's unit, karin another unit, henrik is
# its department head, camilla the administration, jens a politician.
TABLE = [
    ("status on a unit's goal", "mette", True),
    ("status on a unit's goal", "karin", False),
    ("status on a unit's goal", "henrik", False),
    ("status on a unit's goal", "camilla", False),
    ("status on a unit's goal", "jens", False),
    ("link a committee's channel", "camilla", True),
    ("link a committee's channel", "henrik", False),
    ("link a committee's channel", "mette", False),
    ("link a committee's channel", "jens", False),
    ("list roles", "camilla", True),
    ("list roles", "henrik", False),
    ("list roles", "mette", False),
    ("list roles", "jens", False),
    ("grant a role", "camilla", True),
    ("grant a role", "henrik", False),
    ("grant a role", "karin", False),
    ("grant a role", "jens", False),
    # Only the unit's own department head approves; birgitte heads other departments.
    ("approve a goal", "henrik", True),
    ("approve a goal", "birgitte", False),
    ("approve a goal", "camilla", False),
    ("approve a goal", "mette", False),
    ("approve a goal", "jens", False),
    ("record the committee's approval", "camilla", True),
    ("record the committee's approval", "henrik", False),
    ("record the committee's approval", "jens", False),
    ("record the committee's approval", "mette", False),
    ("plan a dialogue meeting", "camilla", True),
    ("plan a dialogue meeting", "henrik", False),
    ("plan a dialogue meeting", "mette", False),
    ("plan a dialogue meeting", "jens", False),
    # Politicians read their own committee's data: jens sits on buu, inger on ssu.
    ("read a unit's goal", "mette", True),
    ("read a unit's goal", "henrik", True),
    ("read a unit's goal", "camilla", True),
    ("read a unit's goal", "jens", True),
    ("read a unit's goal", "inger", False),
    ("read a unit's goal", "karin", False),
]


@pytest.mark.parametrize(("operation", "person", "allowed"), TABLE)
async def test_who_may_do_what(
    sessions: Sessions, demo: OrgFile, operation: str, person: str, allowed: bool
) -> None:
    async with sessions() as session:
        actor = await actor_of(session, demo, person)
        try:
            await OPERATIONS[operation](session, actor, demo)
            done = True
        except DomainError:
            done = False
        await session.rollback()
    assert done is allowed, (operation, person)


async def test_the_last_administration_role_stays(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        camilla = await actor_of(session, demo, "camilla")
        me = await id_of(session, Person, "camilla", demo)
        with pytest.raises(DomainError) as refused:
            await roles.remove(session, camilla, me, Role.ADMINISTRATION, None)
    assert refused.value.key == "roller.sidste_administration"


async def test_a_role_names_a_scope_of_its_own_kind(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        camilla = await actor_of(session, demo, "camilla")
        lise = await id_of(session, Person, "lise", demo)
        buu = await id_of(session, Committee, "buu", demo)
        with pytest.raises(DomainError) as refused:
            await roles.grant(session, camilla, lise, Role.UNIT_LEADER, buu + 10_000)
        with pytest.raises(DomainError) as missing:
            await roles.grant(session, camilla, lise, Role.POLITICIAN, None)
    assert refused.value.key == "roller.mangler_unit_leader"
    assert missing.value.key == "roller.mangler_politician"
