"""Digest rules that inform: a goal red on two status days in a row is flagged (one red
status near two status days is not), what changed colour since the committee's last
meeting, a follow-up's owner by name, and one thread in the channel per meeting period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.digests import post_digest
from harness import CHANNEL, RunningPejling, card_text, committee
from kort.catalogue import texts
from kort.digests import digest_cards
from kort.summaries import summary_cards
from meetingkit import content_for, follow_up, held_and_approved, plan_meeting
from store import status, summaries
from store.enums import Color
from store.models import Goal, Meeting, Period
from store.orgfile import OrgFile
from store.views import DigestView
from store_helpers import Sessions, actor_of, committee_digest, id_of

FRAVAER = "engholm-skole-fravaer"  # the demo: red on 20 October 2026
TRIVSEL = "boegeskov-skole-trivsel"  # the demo: yellow on 14 September 2026
AFTER_NOVEMBER = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
t = texts()


async def report(
    sessions: Sessions, org: OrgFile, person: str, goal: str, color: Color, day: date
) -> None:
    at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, goal, org)
        await status.record_status(session, actor, goal_id, color, "Sådan går det.", None, at)


def flagged(digest: DigestView) -> set[str]:
    return {g.goal.title for g in digest.goals if g.red_twice}


def read(digest: DigestView) -> str:
    return "\n".join(card_text(c) for c in digest_cards(digest, t))


async def test_red_on_two_status_days_in_a_row_is_flagged(
    sessions: Sessions, demo: OrgFile
) -> None:
    # Red for 15 September (reported 10 September) and for 15 November (20 October).
    await report(sessions, demo, "jonas", FRAVAER, Color.RED, date(2026, 9, 10))
    # Red for September, yellow for November: not two in a row.
    await report(sessions, demo, "mette", TRIVSEL, Color.RED, date(2026, 10, 12))
    await report(sessions, demo, "mette", TRIVSEL, Color.YELLOW, date(2026, 11, 16))

    digest = await committee_digest(sessions, demo, now=AFTER_NOVEMBER)

    assert flagged(digest) == {"Mindre fravær i udskolingen"}
    assert "1 mål har været rødt på to statusdage i træk." in read(digest)
    assert "⚠ Rød på to statusdage i træk" in read(digest)


async def test_one_red_status_does_not_count_for_two_status_days(
    sessions: Sessions, demo: OrgFile
) -> None:
    """20 October is within 45 days of both 15 September and 15 November; it is the status
    for the nearer one only."""
    digest = await committee_digest(sessions, demo, now=AFTER_NOVEMBER)
    assert flagged(digest) == set()


async def test_what_changed_colour_since_the_committees_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    await plan_meeting(sessions, demo)  # 10 December 2026
    await report(sessions, demo, "jonas", FRAVAER, Color.YELLOW, date(2026, 12, 12))
    after = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)

    digest = await committee_digest(sessions, demo, now=after)

    assert digest.since_meeting is not None
    (change,) = digest.since_meeting.changes
    assert (change.title, change.before, change.after) == (
        "Mindre fravær i udskolingen",
        Color.RED,
        Color.YELLOW,
    )
    shown = read(digest)
    assert "Siden udvalgets møde 10. december 2026 har 1 mål skiftet farve:" in shown
    assert "Engholm Skole: Mindre fravær i udskolingen · Rød → Gul" in shown


async def test_before_the_first_meeting_nothing_is_said_about_one(
    sessions: Sessions, demo: OrgFile
) -> None:
    digest = await committee_digest(sessions, demo, now=AFTER_NOVEMBER)
    assert digest.since_meeting is None
    assert "Siden udvalgets møde" not in read(digest)


async def test_a_follow_up_owner_typed_as_a_key_is_shown_by_name(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The fault: "Ansvarlig: lise" on the approved summary."""

    def written(meeting: object) -> object:
        return content_for(meeting, follow_ups=(follow_up(owner="lise"),))

    approved = await held_and_approved(sessions, demo, written)
    async with sessions() as session:
        actor = await actor_of(session, demo, "camilla")
        shown = await summaries.summary_by_id(session, actor, approved.summary.id)
    text = "\n".join(card_text(c) for c in summary_cards(shown, t))
    assert "Ansvarlig: Lise Holm" in text
    assert "Ansvarlig: lise" not in text


async def test_a_committees_digests_share_one_thread_per_meeting_period(
    pejling: RunningPejling,
) -> None:
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    buu = await committee(pejling, "buu")
    sender = pejling.runtime.proactive
    first_month = datetime.now(UTC)

    await post_digest(sender, buu.id, first_month)
    await post_digest(sender, buu.id, first_month + timedelta(days=32))  # the next month

    new_posts = [r for r in pejling.fake.requests_to("POST") if r.path == "/v3/conversations"]
    assert len(new_posts) == 1  # the second digest replied in the first one's thread
    (opened,) = pejling.fake.created_conversations
    assert len(pejling.fake.messages_in(opened.id)) >= 2

    # A dialogue meeting starts a new meeting period: the next digest opens a new post.
    period = await _period(pejling)
    async with pejling.runtime.sessions.begin() as session:
        session.add(
            Meeting(
                municipality_id=buu.municipality_id,
                committee_id=buu.id,
                period_id=period,
                model=1,
                starts_at=first_month + timedelta(days=40),
            )
        )
    await post_digest(sender, buu.id, first_month + timedelta(days=64))
    new_posts = [r for r in pejling.fake.requests_to("POST") if r.path == "/v3/conversations"]
    assert len(new_posts) == 2


async def _period(pejling: RunningPejling) -> int:
    async with pejling.runtime.sessions() as session:
        return (await session.scalars(select(Period.id))).one()
