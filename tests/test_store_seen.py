"""Activities already handled (`store.seen`): a copy Teams sends again is known by its
(conversation, activity) ids for a day; a turn that rolled back claimed nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from store import roleversion, seen
from store.models import SeenActivity
from store.orgfile import OrgFile
from store_helpers import NOW, Sessions, municipality_id


async def test_an_activity_is_claimed_once(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        town = await municipality_id(session, demo)
        first = await seen.claim(session, town, "a:mette", "1001", NOW)
    async with sessions.begin() as session:
        again = await seen.claim(session, town, "a:mette", "1001", NOW)
        known = await seen.seen_before(session, "a:mette", "1001")
    assert (first, again, known) == (True, False, True)


async def test_the_same_activity_id_in_another_conversation_is_another_activity(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        town = await municipality_id(session, demo)
        assert await seen.claim(session, town, "a:mette", "1001", NOW)
        assert await seen.claim(session, town, "a:jonas", "1001", NOW)


async def test_a_turn_that_rolled_back_leaves_its_activity_unclaimed(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        town = await municipality_id(session, demo)
        await seen.claim(session, town, "a:mette", "1001", NOW)
        await session.rollback()
    async with sessions() as session:
        assert not await seen.seen_before(session, "a:mette", "1001")


async def test_activities_older_than_a_day_are_forgotten(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        town = await municipality_id(session, demo)
        await seen.claim(session, town, "a:mette", "old", NOW - timedelta(days=1, minutes=1))
        await seen.claim(session, town, "a:mette", "new", NOW - timedelta(hours=23))
        pruned = await seen.prune(session, NOW)
    async with sessions() as session:
        left = await session.scalars(select(SeenActivity.activity_id))
        assert (pruned, list(left)) == (1, ["new"])
        assert await session.scalar(select(func.count()).select_from(SeenActivity)) == 1


async def test_a_claim_can_read_the_roles_version_in_the_same_statement(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        town = await municipality_id(session, demo)
        before = await seen.claim_reading_roles(session, town, "a:mette", "1001", NOW)
        await roleversion.roles_changed(session, town)
        after = await seen.claim_reading_roles(session, town, "a:mette", "1002", NOW)
        copy = await seen.claim_reading_roles(session, town, "a:mette", "1001", NOW)
    assert before[0] and after[0] and after[1] == (before[1] or 0) + 1
    assert copy == (False, None)
