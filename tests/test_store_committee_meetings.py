"""A committee's own meetings (udvalgsmøder): the dates from the organisation file, and
those the administration enters, where the matters for decision go."""

from __future__ import annotations

from datetime import date

import pytest

from meetingkit import refusal
from store import committee_meetings
from store.errors import Invalid, NotAllowed
from store.meetingviews import CommitteeMeetingView
from store.models import Committee
from store.orgfile import OrgFile
from store_helpers import TODAY, Sessions, actor_of, id_of, imported, second_municipality


async def add_as(
    sessions: Sessions, org: OrgFile, held_on: date, person: str = "camilla", committee: str = "buu"
) -> CommitteeMeetingView:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        committee_id = await id_of(session, Committee, committee, org)
        return await committee_meetings.add(session, actor, committee_id, held_on, TODAY)


async def dates_of(
    sessions: Sessions, org: OrgFile, committee: str = "buu", after: date | None = None
) -> list[date]:
    async with sessions() as session:
        actor = await actor_of(session, org, "camilla")
        committee_id = await id_of(session, Committee, committee, org)
        found = await committee_meetings.dates(session, actor, committee_id, after)
    return [m.held_on for m in found]


async def test_the_dates_of_the_organisation_file_are_the_committees_meetings(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await dates_of(sessions, demo, "ssu") == [
        date(2027, 1, 20), date(2027, 3, 17), date(2027, 5, 19),
    ]  # fmt: skip
    assert await dates_of(sessions, demo, "ssu", after=date(2027, 1, 20)) == [
        date(2027, 3, 17), date(2027, 5, 19),
    ]  # fmt: skip


async def test_the_administration_enters_a_meeting_date_once(
    sessions: Sessions, demo: OrgFile
) -> None:
    first = await add_as(sessions, demo, date(2027, 2, 1), committee="oeu")
    again = await add_as(sessions, demo, date(2027, 2, 1), committee="oeu")
    assert first == again
    assert await dates_of(sessions, demo, "oeu") == [date(2027, 2, 1)]


@pytest.mark.parametrize(
    ("person", "held_on", "error", "key"),
    [
        ("jens", date(2027, 2, 1), NotAllowed, "moede.kun_administration"),
        ("camilla", date(2026, 11, 21), Invalid, "udvalgsmoede.fortid"),
    ],
)
async def test_a_meeting_date_is_entered_by_the_administration_and_not_in_the_past(
    sessions: Sessions, demo: OrgFile, person: str, held_on: date, error: type, key: str
) -> None:
    refused = await refusal(add_as(sessions, demo, held_on, person))
    assert (type(refused), refused.key) == (error, key)
    assert date(2026, 11, 21) not in await dates_of(sessions, demo)


async def test_another_municipalitys_committee_gets_no_meeting_date(
    sessions: Sessions, demo: OrgFile
) -> None:
    nordby = await imported(sessions, second_municipality(demo))
    async with sessions.begin() as session:
        actor = await actor_of(session, nordby, "camilla")
        theirs = await id_of(session, Committee, "buu", demo)
        refused = await refusal(
            committee_meetings.add(session, actor, theirs, date(2027, 2, 1), TODAY)
        )
    assert (type(refused), refused.key) == (NotAllowed, "moede.udvalg_ukendt")
