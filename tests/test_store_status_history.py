"""A leader corrects or withdraws her own latest status; the history keeps both versions.
On SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store import status_history
from store.enums import Color
from store.models import Goal, StatusRevision, StatusUpdate
from store.orgfile import OrgFile
from store.status import record_status
from store.views import CORRECTED, WITHDRAWN
from store_helpers import NOW, TODAY, Sessions, actor_of, id_of


async def _reported(sessions: Sessions, demo: OrgFile, color: Color, text: str) -> int:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        await record_status(session, mette, goal_id, color, text, None, NOW)
    return goal_id


async def test_a_correction_changes_the_status_and_keeps_the_earlier_version(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal_id = await _reported(sessions, demo, Color.RED, "Forkert farve")
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        own = await status_history.latest_own(session, mette, TODAY)
        assert own is not None and own.goal_id == goal_id
        later = NOW + timedelta(hours=1)
        await status_history.correct(session, mette, own, Color.YELLOW, "Gul", None, later)

    async with sessions() as session:
        history = await status_history.history(session, own.municipality_id, goal_id, None)
        [earlier] = await session.scalars(select(StatusRevision))
    assert [(e.color, e.narrative, e.change) for e in history[-2:]] == [
        (Color.RED, "Forkert farve", CORRECTED),
        (Color.YELLOW, "Gul", None),
    ]
    assert history[-1].corrected_at == later
    assert (earlier.changed_by, earlier.status_update_id) == (mette.person_id, own.id)


async def test_a_withdrawn_status_is_gone_and_kept_in_the_history(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal_id = await _reported(sessions, demo, Color.RED, "Sendt ved en fejl")
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        own = await status_history.latest_own(session, mette, TODAY, goal_id)
        assert own is not None
        await status_history.withdraw(session, mette, own, NOW)

    async with sessions() as session:
        left = await session.scalars(
            select(StatusUpdate.narrative).where(StatusUpdate.goal_id == goal_id)
        )
        history = await status_history.history(session, own.municipality_id, goal_id, None)
    assert "Sendt ved en fejl" not in list(left)
    assert (history[-1].narrative, history[-1].change) == ("Sendt ved en fejl", WITHDRAWN)


async def test_only_her_own_newest_status_can_be_changed(sessions: Sessions, demo: OrgFile) -> None:
    goal_id = await _reported(sessions, demo, Color.RED, "Mettes")
    async with sessions() as session:
        jonas = await actor_of(session, demo, "jonas")
        mette = await actor_of(session, demo, "mette")
        assert await status_history.latest_own(session, jonas, TODAY, goal_id) is None
        own = await status_history.latest_own(session, mette, TODAY, goal_id)
    assert own is not None and own.narrative == "Mettes"


async def test_trends_are_each_goals_colours_oldest_first(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal_id = await _reported(sessions, demo, Color.GREEN, "Godt")
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        found = await status_history.trends(session, mette.municipality_id, [goal_id], None)
    assert found[goal_id][-2:] == [Color.YELLOW, Color.GREEN]  # the demo file's, then hers
