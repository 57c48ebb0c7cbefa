"""Joint dialogue meetings in the store, on SQLite and PostgreSQL ("fælles udvalgmøder ml.
enkelte udvalg"): the administration lets another committee take part in a committee's
dialogue meeting; its politicians are invited, see the meeting, get the summary for
comments, and find the meeting's summary in their own committee's digest."""

from __future__ import annotations

from datetime import timedelta

from meetingkit import (
    HELD,
    WHEN,
    approve_summary,
    content_for,
    person_ids,
    plan_meeting,
    refusal,
    write_summary,
)
from store import joint_meetings, meetings, summaries
from store.joint_meetings import JointChange
from store.models import Committee, Meeting
from store.orgfile import OrgFile
from store_helpers import (
    NOW,
    Sessions,
    actor_of,
    committee_digest,
    id_of,
    imported,
    with_profile,
)


async def joint(
    sessions: Sessions, org: OrgFile, meeting_id: int, *keys: str, person: str = "camilla"
) -> JointChange:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        ids = [await id_of(session, Committee, key, org) for key in keys]
        return await joint_meetings.set_joint(session, actor, meeting_id, ids)


async def titles_seen_by(sessions: Sessions, org: OrgFile, person: str) -> list[str]:
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return [m.committee_name for m in await meetings.meetings_of(session, actor, NOW)]


async def test_another_committees_politicians_are_invited_and_see_the_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo)
    assert await titles_seen_by(sessions, demo, "inger") == []  # ssu's politician

    done = await joint(sessions, demo, planned.meeting.id, "ssu")

    assert done.invited == await person_ids(sessions, demo, "inger")
    assert [name for _, name in done.meeting.joint] == ["Social- og Sundhedsudvalget"]
    assert await titles_seen_by(sessions, demo, "inger") == ["Børne- og Uddannelsesudvalget"]
    async with sessions() as session:
        held = await session.get_one(Meeting, planned.meeting.id)
        told = await summaries.participants(session, held)
    assert set(await person_ids(sessions, demo, "jens", "inger")) <= set(told)


async def test_taking_a_committee_off_uninvites_its_politicians(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo)
    await joint(sessions, demo, planned.meeting.id, "ssu", "oeu")

    done = await joint(sessions, demo, planned.meeting.id, "oeu")
    again = await joint(sessions, demo, planned.meeting.id, "oeu")

    assert done.uninvited == await person_ids(sessions, demo, "inger")
    assert (again.invited, again.uninvited) == ((), ())  # the same choice twice: no one told
    assert await titles_seen_by(sessions, demo, "inger") == []


async def test_only_the_administration_chooses_and_only_other_committees_of_its_own(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo)
    by_leader = await refusal(joint(sessions, demo, planned.meeting.id, "ssu", person="mette"))
    own = await refusal(joint(sessions, demo, planned.meeting.id, "buu"))
    assert (by_leader.key, own.key) == ("moede.kun_administration", "moede.udvalg_ukendt")


async def test_a_joint_meetings_summary_is_in_each_committees_digest(
    sessions: Sessions, demo: OrgFile
) -> None:
    dragoer = await imported(sessions, with_profile(demo, "dragoer"))  # digests of summaries
    planned = await plan_meeting(sessions, dragoer, "boegeskov-skole")
    await joint(sessions, dragoer, planned.meeting.id, "ssu")
    written = await write_summary(
        sessions, dragoer, planned.meeting.id, content_for(planned.meeting)
    )
    await approve_summary(sessions, dragoer, written)

    later = HELD + timedelta(days=1)
    own = await committee_digest(sessions, dragoer, "buu", later)
    other = await committee_digest(sessions, dragoer, "ssu", later)
    outside = await committee_digest(sessions, dragoer, "oeu", later)

    assert [s.meeting_at for s in own.summaries] == [WHEN]
    assert [s.meeting_at for s in other.summaries] == [WHEN]
    assert outside.summaries == ()
