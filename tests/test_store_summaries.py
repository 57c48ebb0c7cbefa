"""A dialogue meeting's summary, from draft through comments to approval, and what
approval puts in force: the committee's bearings (whom each is for, and the goals that
follow it), the matters for formal decision, and the follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from meetingkit import (
    HELD,
    approve_summary,
    bearing,
    content_for,
    follow_up,
    held_and_approved,
    matter,
    person_ids,
    plan_meeting,
    refusal,
    send_for_comments,
    unit_ids,
    write_summary,
)
from store import bearings, committee_meetings, goals, matters, meetings, outbox_planning, summaries
from store.bearings import UnitPlace, is_for
from store.enums import BearingScope, Color, MatterState, SummaryState
from store.errors import Invalid, NotAllowed
from store.matters import Consequences
from store.meetingviews import CommitteeBearings, MatterView, SummaryView, UnitSummary
from store.models import Bearing, Committee, CommitteeMeeting, FollowUp, Goal, GoalBearing
from store.orgfile import OrgFile
from store.outbox import Kind
from store.summaries import SummaryChange
from store.views import BearingView, Scope
from store_helpers import (
    NOW,
    TODAY,
    Sessions,
    actor_of,
    bearing_ids,
    edited,
    goal_content,
    id_of,
    imported,
    municipality_id,
    new_period,
    save_goal,
    second_municipality,
    submit_goal,
)

# The demo's Børne- og Uddannelsesudvalget first meets after the dialogue meeting
# (meetingkit's, 10 December 2026) on 14 January 2027; its decisions are recorded after.
FIRST_COMMITTEE_MEETING = date(2027, 1, 14)
AFTER_THE_COMMITTEE = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
TRIVSEL = "Alle børn skal trives og høre til i et fællesskab"  # the demo's bearing buu-trivsel
DAYCARE = Scope(BearingScope.UNIT_TYPE, "dagtilbud")
NORD = Scope(BearingScope.AREA, "Nord")


@pytest.fixture
async def nordby(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """A second municipality with the demo's keys, imported next to it."""
    return await imported(sessions, second_municipality(demo))


async def drafted(
    sessions: Sessions, org: OrgFile, *units: str, **content: object
) -> SummaryChange:
    """A meeting with `units` (by default Bøgeskov Skole and Mælkebøtten) and a draft
    summary of it, with `content` added."""
    planned = await plan_meeting(sessions, org, *units)
    written = content_for(planned.meeting, **content)
    return await write_summary(sessions, org, planned.meeting.id, written)


async def summary_as(
    sessions: Sessions, org: OrgFile, person: str, meeting_id: int
) -> SummaryView | None:
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return await summaries.summary_of(session, actor, meeting_id)


async def comment_as(
    sessions: Sessions, org: OrgFile, person: str, change: SummaryChange, text: str
) -> SummaryChange:
    shown = change.summary
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await summaries.comment(session, actor, shown.id, shown.revision, text, NOW)


async def rewrite(
    sessions: Sessions, org: OrgFile, change: SummaryChange, **content: object
) -> SummaryChange:
    """The administration changes the summary's content."""
    meeting = change.summary.meeting
    return await write_summary(sessions, org, meeting.id, content_for(meeting, **content))


async def scoped_to(sessions: Sessions, org: OrgFile, *units: str) -> dict[str, Scope]:
    """Scopes for one unit each, by key."""
    async with sessions() as session:
        ids = await unit_ids(session, org, *units)
    return {key: Scope(BearingScope.UNIT, unit_id=i) for key, i in zip(units, ids, strict=True)}


async def stored_bearing(sessions: Sessions, org: OrgFile, key: str) -> Bearing:
    async with sessions() as session:
        return await session.get_one(Bearing, await id_of(session, Bearing, key, org))


# --- draft, comments, approval ----------------------------------------------------------


async def test_a_summary_from_draft_through_comments_to_approval(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The administration writes, sends, corrects after a comment, and approves."""
    written = await drafted(sessions, demo)
    sent = await send_for_comments(sessions, demo, written)
    commented = await comment_as(sessions, demo, "lise", sent, "Vi har 40 børn, ikke 30.")
    corrected = await rewrite(sessions, demo, commented, general="Mælkebøtten har 40 børn.")
    approved = await approve_summary(sessions, demo, corrected)

    shown = approved.summary
    assert (shown.state, shown.revision, shown.content.general) == (
        SummaryState.APPROVED, 2, "Mælkebøtten har 40 børn.",
    )  # fmt: skip
    assert [(c.person, c.revision) for c in shown.comments] == [("Lise Holm", 1)]


async def test_a_draft_is_for_the_administration_only(sessions: Sessions, demo: OrgFile) -> None:
    written = await drafted(sessions, demo)
    meeting_id = written.summary.meeting.id
    assert (written.summary.state, written.summary.revision, written.tell) == (
        SummaryState.DRAFT, 1, (),
    )  # fmt: skip
    assert written.summary.written_by == "Camilla Dahl"
    assert await summary_as(sessions, demo, "mette", meeting_id) is None
    assert await summary_as(sessions, demo, "jens", meeting_id) is None
    shown = await summary_as(sessions, demo, "camilla", meeting_id)
    assert shown is not None and shown.content == written.summary.content


async def test_the_participants_are_the_leaders_and_the_committees_politicians(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    assert sent.tell == await person_ids(sessions, demo, "mette", "lise", "jens")


async def test_sending_for_comments_sets_the_deadline_by_the_profile(
    sessions: Sessions, demo: OrgFile
) -> None:
    written = await drafted(sessions, demo)
    sent = await send_for_comments(sessions, demo, written, HELD.date())
    assert (sent.summary.state, sent.summary.comment_deadline) == (
        SummaryState.COMMENTS, HELD.date() + timedelta(days=7),
    )  # fmt: skip
    shown = await summary_as(sessions, demo, "mette", sent.summary.meeting.id)
    assert shown is not None and shown.state is SummaryState.COMMENTS


async def test_a_summary_sent_before_its_meeting_has_its_deadline_after_the_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Hvidovre's seven days are counted from the meeting (10 December), not from the
    day the draft went out (22 November): the participants comment on what was said."""
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo), TODAY)
    assert sent.summary.comment_deadline == sent.deadline == date(2026, 12, 17)


async def test_a_summary_is_approved_only_after_its_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The meeting is on 10 December at 14.00; approval an hour before is refused, and
    nothing comes into force."""
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo, bearings=(
        bearing("Mere udeliv"),
    )))  # fmt: skip
    meeting = sent.summary.meeting
    early = await refusal(
        approve_summary(sessions, demo, sent, meeting.starts_at - timedelta(hours=1))
    )
    assert (type(early), early.key) == (Invalid, "referat.moedet_ikke_holdt")
    assert "Mere udeliv" not in await bearing_titles(sessions, demo)
    approved = await approve_summary(sessions, demo, sent, meeting.starts_at + timedelta(hours=2))
    assert approved.summary.state is SummaryState.APPROVED


async def test_a_summary_is_sent_once(sessions: Sessions, demo: OrgFile) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    refused = await refusal(send_for_comments(sessions, demo, sent))
    assert (type(refused), refused.key) == (Invalid, "referat.allerede_sendt")


async def test_an_edit_of_a_draft_tells_no_one(sessions: Sessions, demo: OrgFile) -> None:
    written = await drafted(sessions, demo)
    edited = await rewrite(sessions, demo, written, general="Mødet blev flyttet til skolen.")
    assert (edited.summary.revision, edited.tell) == (2, ())


async def test_an_edit_after_sending_is_a_new_revision_the_participants_hear_of(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    edited = await rewrite(sessions, demo, sent, general="Rettet efter kommentarer.")
    assert edited.summary.revision == sent.summary.revision + 1
    assert edited.tell == await person_ids(sessions, demo, "mette", "lise", "jens")
    assert edited.summary.content.general == "Rettet efter kommentarer."


async def test_saving_the_same_words_again_changes_nothing(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    again = await rewrite(sessions, demo, sent)
    assert (again.summary.revision, again.tell) == (sent.summary.revision, ())


async def test_a_participant_comments_and_the_writer_is_told(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    commented = await comment_as(sessions, demo, "mette", sent, "  Vi sagde 12 elever, ikke 14. ")
    assert commented.tell == await person_ids(sessions, demo, "camilla")
    (said,) = commented.summary.comments
    assert (said.person, said.text, said.at, said.revision) == (
        "Mette Kjærgaard", "Vi sagde 12 elever, ikke 14.", NOW, 1,
    )  # fmt: skip


@pytest.mark.parametrize("person", ["jonas", "inger", "henrik"])
async def test_someone_who_did_not_take_part_may_not_comment(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    refused = await refusal(comment_as(sessions, demo, person, sent, "Jeg er uenig."))
    assert (type(refused), refused.key) == (NotAllowed, "referat.ikke_deltager")


async def test_a_draft_not_yet_sent_takes_no_comments(sessions: Sessions, demo: OrgFile) -> None:
    written = await drafted(sessions, demo)
    refused = await refusal(comment_as(sessions, demo, "mette", written, "Tak."))
    assert (type(refused), refused.key) == (Invalid, "referat.ikke_til_kommentering")


async def test_an_empty_comment_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    assert (await refusal(comment_as(sessions, demo, "jens", sent, "   "))).key == (
        "dialog.tomt_svar"
    )


async def test_approving_a_summary_changed_since_the_card_was_shown_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    await rewrite(sessions, demo, sent, general="Rettet.")
    refused = await refusal(approve_summary(sessions, demo, sent))
    assert (type(refused), refused.key) == (Invalid, "referat.aendret_siden")


async def test_approval_tells_the_participants_and_shows_the_summary_to_them(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    approved = await approve_summary(sessions, demo, sent, HELD + timedelta(days=8))
    assert approved.tell == await person_ids(sessions, demo, "mette", "lise", "jens")
    shown = await summary_as(sessions, demo, "lise", sent.summary.meeting.id)
    assert shown is not None
    assert (shown.state, shown.approved_by, shown.approved_at) == (
        SummaryState.APPROVED, "Camilla Dahl", HELD + timedelta(days=8),
    )  # fmt: skip
    assert shown.meeting.summary_state is SummaryState.APPROVED


async def test_a_draft_is_sent_to_the_participants_before_it_is_approved(
    sessions: Sessions, demo: OrgFile
) -> None:
    written = await drafted(sessions, demo)
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        shown = written.summary
        approving = summaries.approve(session, actor, shown.id, shown.revision, NOW)
        refused = await refusal(approving)
    assert (type(refused), refused.key) == (Invalid, "referat.ikke_sendt")


async def test_an_approved_summary_is_neither_approved_again_nor_changed(
    sessions: Sessions, demo: OrgFile
) -> None:
    approved = await approve_summary(sessions, demo, await drafted(sessions, demo))
    refused = await refusal(approve_summary(sessions, demo, approved))
    assert (type(refused), refused.key) == (Invalid, "referat.allerede_godkendt")
    refused = await refusal(rewrite(sessions, demo, approved, general="Senere tilføjelse."))
    assert (type(refused), refused.key) == (Invalid, "referat.allerede_godkendt")


async def test_a_meeting_with_an_approved_summary_is_not_changed(
    sessions: Sessions, demo: OrgFile
) -> None:
    approved = await approve_summary(sessions, demo, await drafted(sessions, demo))
    meeting = approved.summary.meeting
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        cancelling = meetings.cancel(session, actor, meeting.id, meeting.revision, NOW)
        refused = await refusal(cancelling)
    assert refused.key == "moede.afholdt"


@pytest.mark.parametrize("person", ["jens", "mette"])
async def test_only_the_administration_writes_the_summary(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    planned = await plan_meeting(sessions, demo)
    written = content_for(planned.meeting)
    refused = await refusal(write_summary(sessions, demo, planned.meeting.id, written, person))
    assert (type(refused), refused.key) == (NotAllowed, "moede.kun_administration")


async def test_a_summary_of_a_unit_not_at_the_meeting_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole")
    async with sessions() as session:
        (engholm,) = await unit_ids(session, demo, "engholm-skole")
    written = content_for(planned.meeting, units=(UnitSummary(engholm, "Fravær drøftet."),))
    refused = await refusal(write_summary(sessions, demo, planned.meeting.id, written))
    assert (type(refused), refused.key) == (Invalid, "referat.enhed_udenfor")


async def test_a_unit_summary_without_words_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole")
    (unit,) = planned.meeting.units
    written = content_for(planned.meeting, units=(UnitSummary(unit.id, "  "),))
    refused = await refusal(write_summary(sessions, demo, planned.meeting.id, written))
    assert refused.key == "dialog.tomt_svar"


async def test_a_cancelled_meeting_gets_no_summary(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    meeting = planned.meeting
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        await meetings.cancel(session, actor, meeting.id, meeting.revision, NOW)
    refused = await refusal(write_summary(sessions, demo, meeting.id, content_for(meeting)))
    assert refused.key == "moede.aflyst"


async def test_another_municipality_neither_reads_nor_approves_the_summary(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    written = await drafted(sessions, demo)
    async with sessions() as session:
        theirs = await actor_of(session, nordby, "camilla")
        refused = await refusal(summaries.summary_by_id(session, theirs, written.summary.id))
    assert (type(refused), refused.key) == (NotAllowed, "referat.ukendt")
    assert (await refusal(approve_summary(sessions, nordby, written))).key == "referat.ukendt"


async def test_a_summary_is_read_by_id_by_whoever_may_see_its_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    sent = await send_for_comments(sessions, demo, await drafted(sessions, demo))
    async with sessions() as session:
        jens = await actor_of(session, demo, "jens")
        jonas = await actor_of(session, demo, "jonas")
        shown = await summaries.summary_by_id(session, jens, sent.summary.id)
        refused = await refusal(summaries.summary_by_id(session, jonas, sent.summary.id))
    assert shown.id == sent.summary.id
    assert (type(refused), refused.key) == (NotAllowed, "moede.ukendt")


# --- what approval puts in force ----------------------------------------------------------


async def test_approval_makes_the_agreed_bearings_the_committees(
    sessions: Sessions, demo: OrgFile
) -> None:
    approved = await held_and_approved(sessions, demo, lambda m: content_for(m, bearings=(
        bearing("Mere udeliv for de mindste", description="Hver dag.", scope=DAYCARE),
        bearing("Nord samarbejder om overgange", scope=NORD),
    )))  # fmt: skip
    meeting = approved.summary.meeting
    first = await stored_bearing(sessions, demo, f"moede-{meeting.id}-1")
    second = await stored_bearing(sessions, demo, f"moede-{meeting.id}-2")
    async with sessions() as session:
        buu = await id_of(session, Committee, "buu", demo)
    assert (first.title, first.description, first.scope, first.scope_value) == (
        "Mere udeliv for de mindste", "Hver dag.", BearingScope.UNIT_TYPE, "dagtilbud",
    )  # fmt: skip
    assert (first.committee_id, first.meeting_id, first.created_at) == (buu, meeting.id, HELD)
    assert (second.scope, second.scope_value, second.unit_id) == (BearingScope.AREA, "Nord", None)


async def test_approval_puts_the_matters_on_the_list_and_keeps_the_follow_ups(
    sessions: Sessions, demo: OrgFile
) -> None:
    due = date(2027, 3, 1)
    approved = await held_and_approved(sessions, demo, lambda m: content_for(
        m, matters=(matter(economic="2 mio. kr. om året"),),
        follow_ups=(follow_up(owner="Henrik Lund", due=due),),
    ))  # fmt: skip
    meeting_id = approved.summary.meeting.id
    (listed,) = await matters_seen(sessions, demo, "camilla")
    assert (listed.title, listed.state, listed.economic, listed.described) == (
        "Flere pædagoger i udskolingen", MatterState.OPEN, "2 mio. kr. om året", True,
    )  # fmt: skip
    assert listed.meeting_date == approved.summary.meeting.starts_at
    async with sessions() as session:
        (kept,) = await session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting_id))
    assert (kept.text, kept.owner, kept.due) == (
        "Forvaltningen undersøger vikarforbruget", "Henrik Lund", due,
    )  # fmt: skip


async def test_a_draft_puts_nothing_in_force(sessions: Sessions, demo: OrgFile) -> None:
    await drafted(sessions, demo, bearings=(bearing("Ny retning"),), matters=(matter(),))
    assert await matters_seen(sessions, demo, "camilla") == []
    assert "Ny retning" not in await bearing_titles(sessions, demo)


async def test_new_words_for_a_bearing_keep_the_goals_that_follow_it(
    sessions: Sessions, demo: OrgFile
) -> None:
    trivsel = (await stored_bearing(sessions, demo, "buu-trivsel")).id
    new_words = "Alle børn skal trives – også i frikvarteret"
    written = await drafted(sessions, demo, bearings=(bearing(new_words, replaces=trivsel),))
    assert written.summary.replaced == {trivsel: TRIVSEL}  # what it says until approved
    approved = await approve_summary(sessions, demo, written)

    assert approved.summary.replaced == {trivsel: TRIVSEL}  # what it said before
    row = await stored_bearing(sessions, demo, "buu-trivsel")
    assert (row.title, row.meeting_id) == (new_words, approved.summary.meeting.id)
    async with sessions() as session:
        following = set(
            await session.scalars(
                select(GoalBearing.goal_id).where(GoalBearing.bearing_id == trivsel)
            )
        )
        followers = {await id_of(session, Goal, key, demo) for key in (
            "boegeskov-skole-trivsel", "engholm-skole-fravaer", "maelkeboetten-udeliv",
        )}  # fmt: skip
    assert following == followers
    assert (await bearing_titles(sessions, demo)).count(new_words) == 1
    assert TRIVSEL not in await bearing_titles(sessions, demo)


async def test_importing_the_organisation_again_keeps_the_words_a_meeting_agreed(
    sessions: Sessions, demo: OrgFile
) -> None:
    trivsel = (await stored_bearing(sessions, demo, "buu-trivsel")).id
    new_words = "Alle børn skal trives – også i frikvarteret"
    await approve_summary(
        sessions,
        demo,
        await drafted(sessions, demo, bearings=(bearing(new_words, replaces=trivsel),)),
    )

    await imported(sessions, demo)

    assert (await stored_bearing(sessions, demo, "buu-trivsel")).title == new_words


async def test_new_words_for_a_bearing_of_another_committee_are_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    (hverdag,) = await ids_of_bearings(sessions, demo, "ssu-hverdag")
    refused = await refusal(drafted(sessions, demo, bearings=(bearing("X", replaces=hverdag),)))
    assert (type(refused), refused.key) == (Invalid, "referat.pejlemaerke_ukendt")


@pytest.mark.parametrize(
    "scope",
    [
        Scope(BearingScope.AREA, "Øst"),
        Scope(BearingScope.UNIT_TYPE, "plejecenter"),  # a type of another committee
        Scope(BearingScope.UNIT_TYPE, None),
    ],
    ids=["unknown-area", "another-committees-type", "no-type"],
)
async def test_a_bearing_for_whom_the_committee_does_not_have_is_refused(
    sessions: Sessions, demo: OrgFile, scope: Scope
) -> None:
    refused = await refusal(drafted(sessions, demo, bearings=(bearing("X", scope=scope),)))
    assert (type(refused), refused.key) == (Invalid, "referat.omfang_ukendt")


async def test_a_bearing_for_a_unit_of_another_committee_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    scopes = await scoped_to(sessions, demo, "lindegaarden")
    written = (bearing("X", scope=scopes["lindegaarden"]),)
    refused = await refusal(drafted(sessions, demo, bearings=written))
    assert (type(refused), refused.key) == (Invalid, "referat.omfang_ukendt")


async def test_a_scope_is_kept_as_the_organisation_spells_it(
    sessions: Sessions, demo: OrgFile
) -> None:
    written = await drafted(sessions, demo, bearings=(
        bearing("A", scope=Scope(BearingScope.UNIT_TYPE, "DAGTILBUD")),
        bearing("B", scope=Scope(BearingScope.AREA, " nord ")),
    ))  # fmt: skip
    assert [b.scope for b in written.summary.content.bearings] == [DAYCARE, NORD]


async def test_a_bearing_may_be_for_a_unit_not_at_the_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    scopes = await scoped_to(sessions, demo, "engholm-skole")
    written = await drafted(sessions, demo, bearings=(bearing("X", scope=scopes["engholm-skole"]),))
    assert written.summary.unit_names[scopes["engholm-skole"].unit_id or 0] == "Engholm Skole"


# --- whom a bearing is for ---------------------------------------------------------------

SCHOOL_NORD = UnitPlace(1, committee_id=4, unit_type="skole", area="Nord")
DAYCARE_SYD = UnitPlace(2, committee_id=4, unit_type="dagtilbud", area="Syd")
NO_AREA = UnitPlace(3, committee_id=4, unit_type="borgerservice")


@pytest.mark.parametrize(
    ("scope", "for_them"),
    [
        (Scope(), [True, True, True]),
        (DAYCARE, [False, True, False]),
        (Scope(BearingScope.UNIT_TYPE, "Dagtilbud"), [False, True, False]),
        (NORD, [True, False, False]),
        (Scope(BearingScope.UNIT, unit_id=3), [False, False, True]),
    ],
    ids=["committee", "unit-type", "unit-type-any-case", "area", "unit"],
)
def test_whom_a_bearing_is_for(scope: Scope, for_them: list[bool]) -> None:
    assert [is_for(scope, u) for u in (SCHOOL_NORD, DAYCARE_SYD, NO_AREA)] == for_them


async def offered(sessions: Sessions, org: OrgFile, person: str) -> dict[str, list[str]]:
    """The bearings a leader is offered when drafting a goal, by unit name."""
    async with sessions() as session:
        context = await goals.drafting_context(session, await actor_of(session, org, person), TODAY)
    return {u.name: [b.title for b in context.bearings[u.id]] for u in context.units}


async def agree(sessions: Sessions, org: OrgFile, *agreed: object) -> None:
    """A meeting of Børne- og Uddannelsesudvalget agrees these bearings, and the
    committee decides them as proposed."""
    for row in await proposed(sessions, org, *agreed):
        await decide_bearing(sessions, org, row.id)


async def test_a_bearing_for_daycare_is_offered_to_daycare_units_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    outdoors = "Mere udeliv for de mindste"
    await agree(sessions, demo, bearing(outdoors, scope=DAYCARE))
    assert outdoors not in (await offered(sessions, demo, "mette"))["Bøgeskov Skole"]
    assert outdoors in (await offered(sessions, demo, "lise"))["Børnehuset Mælkebøtten"]
    sara = await offered(sessions, demo, "sara")
    assert [outdoors in titles for titles in sara.values()] == [True, True]


async def test_a_bearing_for_an_area_is_offered_to_its_units_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    north = "Nord samarbejder"
    await agree(sessions, demo, bearing(north, scope=NORD))
    assert north in (await offered(sessions, demo, "mette"))["Bøgeskov Skole"]
    assert north in (await offered(sessions, demo, "lise"))["Børnehuset Mælkebøtten"]
    sara = await offered(sessions, demo, "sara")  # Solsikken and Troldehøj are in Syd
    assert [north in titles for titles in sara.values()] == [False, False]


async def test_a_bearing_for_one_unit_is_offered_to_that_unit_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    scopes = await scoped_to(sessions, demo, "troldehoej")
    await agree(sessions, demo, bearing("Troldehøj åbner for skolen", scope=scopes["troldehoej"]))
    sara = await offered(sessions, demo, "sara")
    assert "Troldehøj åbner for skolen" in sara["Børnehaven Troldehøj"]
    assert "Troldehøj åbner for skolen" not in sara["Vuggestuen Solsikken"]
    assert sara["Vuggestuen Solsikken"] == [
        TRIVSEL,
        "Tidlig indsats for sprog og læsning",
        "Sammenhængende overgange fra dagtilbud til skole",
    ]


async def test_the_committees_bearings_show_whom_they_are_for(
    sessions: Sessions, demo: OrgFile
) -> None:
    scopes = await scoped_to(sessions, demo, "troldehoej")
    await agree(sessions, demo, bearing("Troldehøj åbner", scope=scopes["troldehoej"]))
    (buu,) = await followed(sessions, demo, "jens")
    last = buu.bearings[-1].bearing
    assert (last.title, last.scope, last.unit_name) == (
        "Troldehøj åbner", scopes["troldehoej"], "Børnehaven Troldehøj",
    )  # fmt: skip


# --- from a bearing to the goals that follow it -------------------------------------------


async def followed(sessions: Sessions, org: OrgFile, person: str) -> list[CommitteeBearings]:
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return await bearings.of_committees(session, actor, TODAY)


def trace(committee: CommitteeBearings) -> dict[str, list[tuple[str, Color | None]]]:
    """Per bearing title, the goals following it (title, newest colour)."""
    return {
        t.bearing.title: [(g.title, g.latest.color if g.latest else None) for g in t.goals]
        for t in committee.bearings
    }


async def test_each_bearing_shows_the_goals_following_it_and_their_newest_status(
    sessions: Sessions, demo: OrgFile
) -> None:
    (buu,) = await followed(sessions, demo, "jens")
    assert buu.committee_name == "Børne- og Uddannelsesudvalget"
    assert buu.period is not None and buu.period.name == "Valgperioden 2026–2029"
    assert trace(buu) == {
        TRIVSEL: [
            ("Flere elever trives i frikvartererne", Color.YELLOW),
            ("Mere udeliv og natur i hverdagen", None),
            ("Mindre fravær i udskolingen", Color.RED),
        ],
        "Tidlig indsats for sprog og læsning": [
            ("Styrket læsning i indskolingen", Color.GREEN),
            ("Sprogindsats for de 0–3-årige", None),
        ],
        "Sammenhængende overgange fra dagtilbud til skole": [
            ("Bedre overgang fra børnehave til skole", Color.YELLOW),
        ],
    }


async def test_a_goal_not_yet_approved_is_not_traced(sessions: Sessions, demo: OrgFile) -> None:
    await submit_goal(sessions, demo, title="Mere læselyst", bearings=("buu-trivsel",))
    (buu,) = await followed(sessions, demo, "jens")
    assert "Mere læselyst" not in [title for title, _ in trace(buu)[TRIVSEL]]


async def test_only_the_committees_goals_of_the_period_are_traced(
    sessions: Sessions, demo: OrgFile
) -> None:
    """A care home's goal linked to the committee's bearing, and a school goal moved to an
    earlier period, are not the committee's to follow now."""
    async with sessions.begin() as session:
        (trivsel,) = await bearing_ids(session, demo, "buu-trivsel")
        care = await id_of(session, Goal, "lindegaarden-hverdag", demo)
        session.add(GoalBearing(goal_id=care, bearing_id=trivsel))
        earlier = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        moved = await session.get_one(
            Goal, await id_of(session, Goal, "engholm-skole-fravaer", demo)
        )
        moved.period_id = earlier.id
    (buu,) = await followed(sessions, demo, "jens")
    assert [title for title, _ in trace(buu)[TRIVSEL]] == [
        "Flere elever trives i frikvartererne",
        "Mere udeliv og natur i hverdagen",
    ]


@pytest.mark.parametrize(
    ("person", "committees"),
    [
        ("camilla", ["buu", "ssu", "oeu"]),
        ("jens", ["buu"]),
        ("mette", ["buu"]),
        ("henrik", ["buu"]),
        ("birgitte", ["ssu", "oeu"]),
    ],
)
async def test_who_follows_which_committees_bearings(
    sessions: Sessions, demo: OrgFile, person: str, committees: list[str]
) -> None:
    async with sessions() as session:
        wanted = [await id_of(session, Committee, key, demo) for key in committees]
    assert [c.committee_id for c in await followed(sessions, demo, person)] == wanted


# --- matters for formal decision ----------------------------------------------------------


async def matters_seen(sessions: Sessions, org: OrgFile, person: str) -> list[MatterView]:
    async with sessions() as session:
        return await matters.matters_of(session, await actor_of(session, org, person))


async def decide_as(
    sessions: Sessions,
    org: OrgFile,
    matter_id: int,
    decision: str | None,
    person: str = "camilla",
    decided_on: date | None = None,
    now: datetime = AFTER_THE_COMMITTEE,
) -> MatterView:
    """`person` records the committee's decision on the matter; by default a few days
    after the committee meeting it is on."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await matters.decide(session, actor, matter_id, decision, decided_on, now)


async def complete_as(
    sessions: Sessions,
    org: OrgFile,
    matter_id: int,
    consequences: Consequences,
    listed_on: date | None = None,
    person: str = "camilla",
) -> MatterView:
    """`person` describes the matter's consequences, and moves it to the committee meeting
    on `listed_on` (one of the demo's Børne- og Uddannelsesudvalget dates) when given."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        listed = await committee_meeting_id(session, org, listed_on) if listed_on else None
        return await matters.complete(session, actor, matter_id, consequences, listed)


async def committee_meeting_id(session: AsyncSession, org: OrgFile, held_on: date) -> int:
    buu = await id_of(session, Committee, "buu", org)
    return (
        await session.scalars(
            select(CommitteeMeeting.id).where(
                CommitteeMeeting.committee_id == buu, CommitteeMeeting.held_on == held_on
            )
        )
    ).one()


async def with_matters(sessions: Sessions, org: OrgFile, *titles: str) -> list[MatterView]:
    await held_and_approved(
        sessions, org, lambda m: content_for(m, matters=tuple(matter(t) for t in titles))
    )
    return await matters_seen(sessions, org, "camilla")


@pytest.mark.parametrize(
    ("person", "sees"), [("camilla", True), ("jens", True), ("inger", False), ("mette", True)]
)
async def test_matters_are_listed_for_those_following_the_committee(
    sessions: Sessions, demo: OrgFile, person: str, sees: bool
) -> None:
    await with_matters(sessions, demo, "Flere pædagoger")
    assert [m.title for m in await matters_seen(sessions, demo, person)] == (
        ["Flere pædagoger"] if sees else []
    )


async def test_deciding_records_the_decision(sessions: Sessions, demo: OrgFile) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    decided = await decide_as(
        sessions, demo, listed.id, " Bevilget fra 2027. ", decided_on=FIRST_COMMITTEE_MEETING
    )
    assert (decided.state, decided.decision, decided.decided_on) == (
        MatterState.DECIDED, "Bevilget fra 2027.", FIRST_COMMITTEE_MEETING,
    )  # fmt: skip
    assert await matters_seen(sessions, demo, "jens") == [decided]


async def test_a_decision_without_a_date_is_dated_today(sessions: Sessions, demo: OrgFile) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    decided = await decide_as(sessions, demo, listed.id, "Afvist.")
    assert decided.decided_on == AFTER_THE_COMMITTEE.date()


async def test_a_matter_goes_on_the_list_of_the_next_committee_meeting_after_the_dialogue(
    sessions: Sessions, demo: OrgFile
) -> None:
    # The dialogue meeting is on 10 December 2026; the committee meets 14 January 2027.
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    assert listed.committee_meeting == FIRST_COMMITTEE_MEETING


async def test_the_administration_completes_the_consequences_and_moves_the_matter(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    described = Consequences(
        legal=" Kræver ingen ændring af styrelsesvedtægten. ", economic="2 mio. kr. om året",
        staff="Fire nye stillinger", other="Lokaler på Bøgeskov Skole",
    )  # fmt: skip
    done = await complete_as(sessions, demo, listed.id, described, date(2027, 2, 11))
    assert (done.legal, done.economic, done.staff, done.other, done.committee_meeting) == (
        "Kræver ingen ændring af styrelsesvedtægten.", "2 mio. kr. om året",
        "Fire nye stillinger", "Lokaler på Bøgeskov Skole", date(2027, 2, 11),
    )  # fmt: skip
    assert await matters_seen(sessions, demo, "jens") == [done]


async def test_other_consequences_alone_describe_a_matter(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    assert not listed.described
    done = await complete_as(sessions, demo, listed.id, Consequences(other="Lokaler"))
    assert (done.described, done.committee_meeting) == (True, FIRST_COMMITTEE_MEETING)


async def test_a_matter_is_not_moved_to_a_committee_meeting_before_the_dialogue_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        early = await committee_meetings.add(session, actor, buu, date(2026, 12, 3), TODAY)
    refused = await refusal(
        complete_as(sessions, demo, listed.id, Consequences(), date(2026, 12, 3))
    )
    assert (type(refused), refused.key) == (Invalid, "sag.udvalgsmoede_foer_dialogmoedet")
    (kept,) = await matters_seen(sessions, demo, "camilla")
    assert (kept.committee_meeting, early.held_on) == (FIRST_COMMITTEE_MEETING, date(2026, 12, 3))


async def test_a_matter_is_not_moved_to_another_committees_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        ssu = await id_of(session, Committee, "ssu", demo)
        (theirs,) = await committee_meetings.dates(session, actor, ssu, after=date(2027, 5, 1))
        refused = await refusal(
            matters.complete(session, actor, listed.id, Consequences(), theirs.id)
        )
    assert (type(refused), refused.key) == (Invalid, "sag.udvalgsmoede_ukendt")


@pytest.mark.parametrize(
    ("person", "decided_first", "key"),
    [("jens", False, "moede.kun_administration"), ("camilla", True, "sag.allerede_besluttet")],
)
async def test_consequences_are_completed_by_the_administration_before_the_decision(
    sessions: Sessions, demo: OrgFile, person: str, decided_first: bool, key: str
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    if decided_first:
        await decide_as(sessions, demo, listed.id, "Bevilget.")
    refused = await refusal(
        complete_as(sessions, demo, listed.id, Consequences(legal="Ingen"), person=person)
    )
    assert refused.key == key
    (kept,) = await matters_seen(sessions, demo, "camilla")
    assert kept.legal is None


@pytest.mark.parametrize(
    ("decided_on", "now", "key"),
    [
        # The day after "today": a decision not yet made.
        (date(2027, 1, 21), AFTER_THE_COMMITTEE, "sag.beslutning_i_fremtiden"),
        # Before the committee meeting on 14 January 2027 whose list the matter is on.
        (date(2027, 1, 13), AFTER_THE_COMMITTEE, "sag.beslutning_foer_udvalgsmoedet"),
        # No date, so today; but the committee has not met yet.
        (None, NOW, "sag.beslutning_foer_udvalgsmoedet"),
    ],
)
async def test_a_decision_is_dated_after_the_committee_meeting_and_not_in_the_future(
    sessions: Sessions, demo: OrgFile, decided_on: date | None, now: datetime, key: str
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    refused = await refusal(
        decide_as(sessions, demo, listed.id, "Bevilget.", decided_on=decided_on, now=now)
    )
    assert (type(refused), refused.key) == (Invalid, key)
    (kept,) = await matters_seen(sessions, demo, "camilla")
    assert kept.state is MatterState.OPEN


async def test_a_matter_on_no_committee_meeting_is_not_decided_before_its_dialogue_meeting(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    def no_dates(raw: dict[str, Any]) -> None:
        for committee in raw["committees"]:
            committee.pop("meetings", None)

    org = await imported(sessions, edited(demo_org, no_dates))
    await held_and_approved(sessions, org, lambda m: content_for(m, matters=(matter("Sag"),)))
    (listed,) = await matters_seen(sessions, org, "camilla")
    assert listed.committee_meeting_id is None

    early = await refusal(
        decide_as(sessions, org, listed.id, "Bevilget.", decided_on=date(2026, 12, 1))
    )
    decided = await decide_as(sessions, org, listed.id, "Bevilget.", decided_on=date(2026, 12, 10))

    assert early.key == "sag.beslutning_foer_dialogmoedet"
    assert decided.decided_on == date(2026, 12, 10)


async def test_a_decision_on_the_day_of_the_committee_meeting_is_recorded(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    decided = await decide_as(
        sessions, demo, listed.id, "Bevilget.", decided_on=FIRST_COMMITTEE_MEETING
    )
    assert decided.decided_on == FIRST_COMMITTEE_MEETING


async def test_open_matters_are_listed_by_their_committee_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    a, b, _c = await with_matters(sessions, demo, "A", "B", "C")
    await complete_as(sessions, demo, a.id, Consequences(), date(2027, 3, 11))
    await complete_as(sessions, demo, b.id, Consequences(), date(2027, 2, 11))
    assert [(m.title, m.committee_meeting) for m in await matters_seen(sessions, demo, "jens")] == [
        ("C", FIRST_COMMITTEE_MEETING), ("B", date(2027, 2, 11)), ("A", date(2027, 3, 11)),
    ]  # fmt: skip


async def test_a_matter_is_decided_once(sessions: Sessions, demo: OrgFile) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    await decide_as(sessions, demo, listed.id, "Bevilget.")
    refused = await refusal(decide_as(sessions, demo, listed.id, "Afvist."))
    assert (type(refused), refused.key) == (Invalid, "sag.allerede_besluttet")
    (kept,) = await matters_seen(sessions, demo, "camilla")
    assert kept.decision == "Bevilget."


@pytest.mark.parametrize(
    ("person", "decision", "key"),
    [
        ("camilla", "   ", "sag.beslutning_mangler"),
        ("jens", "Bevilget.", "moede.kun_administration"),
    ],
)
async def test_a_decision_is_recorded_by_the_administration_with_words(
    sessions: Sessions, demo: OrgFile, person: str, decision: str, key: str
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    assert (await refusal(decide_as(sessions, demo, listed.id, decision, person))).key == key


async def test_open_matters_come_first_then_the_newest_decisions(
    sessions: Sessions, demo: OrgFile
) -> None:
    a, _b, c, _d = await with_matters(sessions, demo, "A", "B", "C", "D")
    await decide_as(sessions, demo, a.id, "Ja.", decided_on=date(2027, 1, 15))
    await decide_as(sessions, demo, c.id, "Nej.", decided_on=date(2027, 1, 16))
    assert [m.title for m in await matters_seen(sessions, demo, "jens")] == ["B", "D", "C", "A"]


async def test_a_matter_of_another_municipality_is_not_decided(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    assert await matters_seen(sessions, nordby, "camilla") == []
    refused = await refusal(decide_as(sessions, nordby, listed.id, "Bevilget."))
    assert (type(refused), refused.key) == (NotAllowed, "sag.ukendt")


# --- small lookups ------------------------------------------------------------------------


async def ids_of_bearings(sessions: Sessions, org: OrgFile, *keys: str) -> tuple[int, ...]:
    async with sessions() as session:
        return await bearing_ids(session, org, *keys)


async def bearing_titles(sessions: Sessions, org: OrgFile) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(Bearing.title).order_by(Bearing.id)))


# --- a committee meeting's list, to its channel in good time --------------------------------


async def lists_due(sessions: Sessions, now: datetime) -> list[tuple[str, datetime]]:
    async with sessions() as session:
        found = await outbox_planning.matter_lists_due(session, now)
    return [(p.kind, p.due_at) for p in found]


# 7 January 2027, a Thursday: a week before the committee meets, at 08:00 Danish time.
LIST_TIME = datetime(2027, 1, 7, 7, 0, tzinfo=UTC)


async def test_a_committee_meetings_list_is_due_a_week_before_it_until_the_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    await with_matters(sessions, demo, "Flere pædagoger")
    assert await lists_due(sessions, LIST_TIME - timedelta(minutes=1)) == []
    assert await lists_due(sessions, LIST_TIME) == [(Kind.MATTER_LIST, LIST_TIME)]
    assert await lists_due(sessions, datetime(2027, 1, 13, 22, 0, tzinfo=UTC)) == [
        (Kind.MATTER_LIST, LIST_TIME)
    ]
    assert await lists_due(sessions, datetime(2027, 1, 13, 23, 0, tzinfo=UTC)) == []  # the day


async def test_a_committee_meeting_with_no_open_matters_gets_no_list(
    sessions: Sessions, demo: OrgFile
) -> None:
    (listed,) = await with_matters(sessions, demo, "Flere pædagoger")
    await complete_as(sessions, demo, listed.id, Consequences(), date(2027, 2, 11))
    assert await lists_due(sessions, LIST_TIME) == []
    async with sessions() as session:
        found = await matters.meeting_list(
            session, await municipality_id(session, demo), listed.committee_meeting_id or 0
        )
    assert found is None


async def test_the_list_holds_the_open_matters_of_that_committee_meeting(
    sessions: Sessions, demo: OrgFile
) -> None:
    a, b = await with_matters(sessions, demo, "A", "B")
    await complete_as(sessions, demo, b.id, Consequences(staff="To stillinger"))
    async with sessions() as session:
        found = await matters.meeting_list(
            session, await municipality_id(session, demo), a.committee_meeting_id or 0
        )
    assert found is not None
    assert (found.committee_name, found.held_on) == (
        "Børne- og Uddannelsesudvalget", FIRST_COMMITTEE_MEETING,
    )  # fmt: skip
    assert [(m.title, m.staff) for m in found.matters] == [("A", None), ("B", "To stillinger")]


# --- the committee decides its bearings ---------------------------------------------------

MEETING_DAY = date(2026, 12, 10)  # meetingkit's WHEN, the day the dialogue meeting is held


async def proposed(sessions: Sessions, org: OrgFile, *agreed: object) -> list[Bearing]:
    """A dialogue meeting of Børne- og Uddannelsesudvalget agrees `agreed`; the rows."""
    approved = await held_and_approved(sessions, org, lambda m: content_for(m, bearings=agreed))
    meeting_id = approved.summary.meeting.id
    return [
        await stored_bearing(sessions, org, f"moede-{meeting_id}-{n}")
        for n in range(1, len(agreed) + 1)
    ]


async def decide_bearing(
    sessions: Sessions,
    org: OrgFile,
    bearing_id: int,
    decided_on: date | None = MEETING_DAY,
    amended: str | None = None,
    person: str = "camilla",
) -> BearingView:
    """`person` records the committee's decision, the day after the dialogue meeting."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await bearings.decide(session, actor, bearing_id, decided_on, amended, HELD)


async def test_a_summarys_bearings_are_proposals_until_the_committee_decides(
    sessions: Sessions, demo: OrgFile
) -> None:
    (udeliv,) = await proposed(sessions, demo, bearing("Mere udeliv", scope=DAYCARE))
    assert (udeliv.proposed, udeliv.decided_on) == (True, None)
    assert "Mere udeliv" not in (await offered(sessions, demo, "lise"))["Børnehuset Mælkebøtten"]

    decided = await decide_bearing(sessions, demo, udeliv.id)

    assert (decided.title, decided.proposed, decided.decided_on) == (
        "Mere udeliv", False, MEETING_DAY,
    )  # fmt: skip
    row = await stored_bearing(sessions, demo, udeliv.key)
    assert (row.proposed, row.decided_by, row.proposed_title) == (
        False, (await person_ids(sessions, demo, "camilla"))[0], None,
    )  # fmt: skip
    assert "Mere udeliv" in (await offered(sessions, demo, "lise"))["Børnehuset Mælkebøtten"]


async def test_an_amended_decision_keeps_the_meetings_words_beside_the_committees(
    sessions: Sessions, demo: OrgFile
) -> None:
    (udeliv,) = await proposed(sessions, demo, bearing("Mere udeliv"))
    decided = await decide_bearing(sessions, demo, udeliv.id, amended="Udeliv hver dag, året rundt")
    row = await stored_bearing(sessions, demo, udeliv.key)
    assert (decided.title, row.title, row.proposed_title) == (
        "Udeliv hver dag, året rundt", "Udeliv hver dag, året rundt", "Mere udeliv",
    )  # fmt: skip


async def test_new_words_for_a_bearing_are_a_proposal_too(
    sessions: Sessions, demo: OrgFile
) -> None:
    (trivsel,) = await ids_of_bearings(sessions, demo, "buu-trivsel")
    await held_and_approved(sessions, demo, lambda m: content_for(m, bearings=(
        bearing("Alle børn trives", replaces=trivsel),
    )))  # fmt: skip
    row = await stored_bearing(sessions, demo, "buu-trivsel")
    assert (row.title, row.proposed) == ("Alle børn trives", True)


@pytest.mark.parametrize(
    ("decided_on", "key"),
    [
        (None, "pejlemaerke.dato_mangler"),
        (date(2026, 12, 12), "pejlemaerke.dato_fremtid"),  # HELD is 11 December
        (date(2026, 12, 9), "pejlemaerke.dato_foer_dialogmoedet"),
    ],
    ids=["no-date", "future", "before-the-dialogue-meeting"],
)
async def test_a_decision_is_dated_on_a_meeting_that_has_been(
    sessions: Sessions, demo: OrgFile, decided_on: date | None, key: str
) -> None:
    (udeliv,) = await proposed(sessions, demo, bearing("Mere udeliv"))
    refused = await refusal(decide_bearing(sessions, demo, udeliv.id, decided_on))
    assert (type(refused), refused.key) == (Invalid, key)
    assert (await stored_bearing(sessions, demo, udeliv.key)).proposed


async def test_a_bearing_is_decided_once_by_the_administration_of_its_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    (udeliv,) = await proposed(sessions, demo, bearing("Mere udeliv"))
    by_a_politician = await refusal(decide_bearing(sessions, demo, udeliv.id, person="jens"))
    assert (type(by_a_politician), by_a_politician.key) == (
        NotAllowed, "pejlemaerke.kun_administration",
    )  # fmt: skip
    elsewhere = await refusal(decide_bearing(sessions, nordby, udeliv.id))
    assert (type(elsewhere), elsewhere.key) == (NotAllowed, "pejlemaerke.ukendt")
    await decide_bearing(sessions, demo, udeliv.id)
    again = await refusal(decide_bearing(sessions, demo, udeliv.id))
    assert (type(again), again.key) == (Invalid, "pejlemaerke.allerede_besluttet")
    (imported_one,) = await ids_of_bearings(sessions, demo, "buu-trivsel")
    decided = await refusal(decide_bearing(sessions, demo, imported_one))
    assert decided.key == "pejlemaerke.allerede_besluttet"  # the organisation file's


async def test_a_goal_keeps_a_bearing_whose_new_words_wait_for_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Mette's goal follows buu-trivsel; a dialogue meeting proposes new words for it.
    Her draft still follows it, its card says it is a proposal, and she can change the
    draft without losing it; a new goal is not offered it until the committee decides."""
    (trivsel,) = await ids_of_bearings(sessions, demo, "buu-trivsel")
    drafted_goal = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content((trivsel,)), submit=False
    )
    goal = drafted_goal.goal
    await held_and_approved(sessions, demo, lambda m: content_for(m, bearings=(
        bearing("Alle børn trives", replaces=trivsel),
    )))  # fmt: skip
    changed = replace(goal.content, title="Flere elever trives i frikvarteret")
    saved = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", changed, submit=False, now=HELD,
        goal_id=goal.id,
    )  # fmt: skip
    assert [(b.id, b.proposed) for b in saved.goal.bearings] == [(trivsel, True)]
    assert "Alle børn trives" not in (await offered(sessions, demo, "mette"))["Bøgeskov Skole"]
