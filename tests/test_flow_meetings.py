"""The three dialogue-meeting dialogues as the demo municipality's people use them, one
turn at a time through the router over a real store: the administration plans, changes
and cancels a meeting (`nyt dialogmøde`), the leaders prepare (`forbered`), and the
facilitator writes the summary (`referat`), sends it for comments and approves it, which
puts its bearings in force for the goal dialogue."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from chatkit import Chat, chat_with, submitted
from dialoger.engine import PENDING
from dialoger.turn import Target
from flowkit import cards_of, texts_of
from goalkit import button_for
from harness import button_data, buttons, card_text
from kort import actions
from kort.catalogue import texts
from kort.common import walk
from meetingkit import WHEN, plan_meeting
from store import bearings, meetings
from store.enums import BearingScope, MeetingModel, MeetingState
from store.meetingviews import PreparationContent, PreparationView, SummaryContent
from store.models import Bearing, Meeting, Summary
from store.orgfile import OrgFile
from store.outbox import Due, Kind
from store.views import Scope
from store_helpers import Sessions, actor_of, imported, with_profile

T = texts("da")
# Flow tests, not store tests: SQLite is enough (the store tests cover PostgreSQL).
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
BUU = "Børne- og Uddannelsesudvalget"
DAYCARE = ("maelkeboetten", "solsikken", "troldehoej")
# Camilla's answers to `nyt dialogmøde`, one message each, up to the review.
PLAN_TYPED = ["Børne- og Uddannelsesudvalget", "10. december 2026", "14", "1", "dagtilbud",
              "Sprog i dagtilbud", "Rådhuset, mødelokale 2"]  # fmt: skip
# Lise's preparation after `forbered`, one message each (her unit has goals: asked first).
LISE_TYPED = ["Vi er ude hver dag nu.", "Huset er fuldt, og personalet er stabilt.", "spring over",
              "For få pædagoger om eftermiddagen.", "spring over", "spring over"]  # fmt: skip
# Camilla's summary after `referat`, one message each: Bøgeskov Skole, then Mælkebøtten.
SUMMARY_TYPED = [
    "Skolen fortalte om legepatruljen.", "Trivselsmålet er på vej.",
    "Mælkebøtten fortalte om udeliv.", "spring over",
    "Et godt møde med åben dialog.",
    "Dagtilbud: Alle børn kommer ud hver dag - Mindst to timer i naturen.",
    "Område Nord: Flere voksne i frikvartererne", "færdig",
    "Flere pædagoger i Nord", "Kræver et nyt serviceniveau.", "Ca. 2 mio. kr. om året.",
    "spring over", "færdig",
    "Forvaltningen undersøger vikarforbruget; Henrik Lund; 1. marts 2027", "færdig",
]  # fmt: skip
# The day after the meeting (10 December), when the summary is written.
AFTER = WHEN + timedelta(days=1)
# What Lise is told when her preparation is saved.
LISE_PREPARED = T("forbered.gemt", unit="Børnehuset Mælkebøtten", committee=BUU)
# Every question of the preparation answered.
FULL_NOTE = ["Udelivet virker.", "Fuldt hus.", "Nye lokaler.", "Eftermiddagene.", "Sprog.",
             "Bestyrelsen vil mere natur."]  # fmt: skip


@pytest.fixture
async def chat(sessions: Sessions, demo: OrgFile) -> Chat:
    return await chat_with(sessions, demo)


@pytest.fixture
async def light(sessions: Sessions, demo: OrgFile) -> Chat:
    """The demo municipality working without goals, as Dragør does."""
    return await chat_with(sessions, await imported(sessions, with_profile(demo, "dragoer")))


async def stored_meetings(chat: Chat) -> list[Meeting]:
    async with chat.sessions() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.id)))


async def form_for_buu(chat: Chat) -> dict[str, Any]:
    """The planning form, as camilla gets it once she has chosen the committee."""
    await chat.say("camilla", "nyt dialogmøde")
    chosen = await chat.say("camilla", BUU)
    [form] = cards_of(chosen.replies)
    return form


async def daycare_meeting(chat: Chat) -> int:
    """A model 1 meeting of every daycare unit on 10 December, planned by camilla."""
    planned = await plan_meeting(chat.sessions, chat.org, *DAYCARE, model=MeetingModel.ONE_TYPE)
    return planned.meeting.id


async def preparation_of(chat: Chat, meeting_id: int, unit: str) -> PreparationView:
    async with chat.sessions() as session:
        found = await meetings.preparation(session, meeting_id, chat.units[unit])
    assert found is not None
    return found


async def held_meeting(chat: Chat) -> int:
    """A model 2 meeting of Bøgeskov Skole and Mælkebøtten, held yesterday."""
    planned = await plan_meeting(chat.sessions, chat.org, "boegeskov-skole", "maelkeboetten")
    chat.now = AFTER
    return planned.meeting.id


async def written_summary(chat: Chat) -> dict[str, int]:
    """The summary of `held_meeting` typed and saved by camilla: the ids its draft card's
    buttons carry (summary, revision, meeting)."""
    meeting = await held_meeting(chat)
    saved = await chat.say("camilla", "referat", *SUMMARY_TYPED, "gem")
    ids = button_data(cards_of(saved.replies)[0], T("moedekort.knap.send_referat"))
    return {"summary": ids["summary"], "revision": ids["revision"], "meeting": meeting}


async def sent_summary(chat: Chat) -> dict[str, int]:
    """`written_summary`, sent to the participants for comments (it can be approved now)."""
    summary = await written_summary(chat)
    await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})
    return summary


async def new_bearings(chat: Chat) -> list[str]:
    """The titles of the bearings agreed at a dialogue meeting, in force."""
    async with chat.sessions() as session:
        found = await session.scalars(
            select(Bearing.title).where(Bearing.meeting_id.is_not(None)).order_by(Bearing.id)
        )
        return list(found)


async def bearings_offered(chat: Chat, leader: str) -> str:
    """The bearings question of `leader`'s goal dialogue (`nyt mål`, then a title)."""
    await chat.say(leader, "nyt mål")
    asked = await chat.say(leader, "Mere leg i hverdagen")
    [question] = texts_of(asked.replies)
    return question


async def planned_by_typing(chat: Chat, *answers: str) -> list[str]:
    """Camilla types `nyt dialogmøde` and `answers`; the bot's texts to the last one."""
    result = await chat.say("camilla", "nyt dialogmøde", *answers)
    return texts_of(result.replies)


# ---------------------------------------------------------------------------
# Planning


async def test_a_model_1_meeting_for_all_daycare_is_planned_by_typing(chat: Chat) -> None:
    await chat.say("camilla", "nyt dialogmøde", *PLAN_TYPED)

    result = await chat.say("camilla", "planlæg")

    [meeting] = await stored_meetings(chat)
    assert (meeting.model, meeting.theme, meeting.place) == (1, PLAN_TYPED[5], PLAN_TYPED[6])
    assert meeting.starts_at.astimezone(UTC) == WHEN  # 14.00 Danish time
    assert texts_of(result.replies) == [
        # Neither has opened Pejling in Teams yet: nobody is said to be told, and camilla
        # is asked to tell them herself.
        T("moede.planlagt", committee=BUU, when=T.datetime(WHEN)),
        T("moede.ikke_naaet", count=2),
    ]
    assert chat.told(result) == ["lise", "sara"]  # sara leads two of the units: told once
    [to_sara] = chat.notices_to(result, "sara")
    assert "Børnehaven Troldehøj, Vuggestuen Solsikken" in card_text(to_sara.card)


async def test_the_units_question_lists_the_committees_units(chat: Chat) -> None:
    [question] = await planned_by_typing(chat, *PLAN_TYPED[:4])

    assert question == T("moede.spoerg.units", committee=BUU, units="\n".join([
        "1. Bøgeskov Skole (skole, Nord)",
        "2. Børnehaven Troldehøj (dagtilbud, Syd)",
        "3. Børnehuset Mælkebøtten (dagtilbud, Nord)",
        "4. Engholm Skole (skole, Syd)",
        "5. Vuggestuen Solsikken (dagtilbud, Syd)",
    ]))  # fmt: skip


async def test_a_day_in_the_past_is_explained_and_asked_again(chat: Chat) -> None:
    said = await planned_by_typing(chat, BUU, "1. november 2026")

    assert said == [T("moede.tid_forbi", when="1. november 2026"), T("moede.spoerg.day")]
    kept = await chat.dialogue("camilla")
    assert kept is not None and kept.step == "day"
    assert kept.answers[PENDING] == {"day": "1. november 2026"}
    assert kept.answers["committee"] == chat.committees["buu"]
    then = await chat.say("camilla", "10. december 2026")
    assert texts_of(then.replies) == [T("moede.spoerg.time")]


async def test_a_time_earlier_today_is_refused(chat: Chat) -> None:
    said = await planned_by_typing(chat, BUU, "22. november 2026", "8")

    assert said[0] == T("moede.tid_forbi", when="22. november 2026 kl. 08.00")
    assert said[1] == T("moede.spoerg.time")
    later = await chat.say("camilla", "15")
    assert texts_of(later.replies) == [T("moede.spoerg.model")]


async def test_an_unknown_unit_is_asked_again(chat: Chat) -> None:
    said = await planned_by_typing(chat, *PLAN_TYPED[:4], "Rosenhaven")

    assert said[0] == T("moede.enhed_ukendt", answer="Rosenhaven")
    assert said[1].startswith("Hvilke enheder skal deltage?")


async def test_a_school_with_daycare_in_model_1_is_refused(chat: Chat) -> None:
    said = await planned_by_typing(chat, *PLAN_TYPED[:4], "Bøgeskov Skole, dagtilbud")

    assert said[0] == T("moede.model1_en_type")
    assert await stored_meetings(chat) == []


async def test_model_3_with_two_units_is_refused(chat: Chat) -> None:
    typed = [*PLAN_TYPED[:3], "3", "Bøgeskov Skole og Engholm Skole"]

    said = await planned_by_typing(chat, *typed)

    assert said[0] == T("moede.model3_en_enhed")


@pytest.mark.parametrize("command", ["nyt dialogmøde", "referat"])
async def test_only_the_administration_plans_meetings_and_writes_summaries(
    chat: Chat, command: str
) -> None:
    result = await chat.say("lise", command)

    assert texts_of(result.replies) == [T("moede.kun_administration")]
    assert await chat.dialogue("lise") is None


async def test_the_form_card_plans_the_meeting_in_one_submit(chat: Chat) -> None:
    form = await form_for_buu(chat)
    inputs = {"day": "2026-12-10", "time": "14:00", "model": "1",
              "units": chat.unit_list(*DAYCARE), "theme": "", "place": "Rådhuset"}  # fmt: skip

    review = await chat.press("camilla", {**button_data(form, T("moedeform.videre")), **inputs})

    assert texts_of(review.replies) == [T("moede.spoerg.review")]
    [card] = cards_of(review.replies, Target.REPLACE)
    assert "Mælkebøtten" in card_text(card) and "Troldehøj" in card_text(card)
    planned = await chat.press("camilla", button_data(card, T("moedeform.knap_planlaeg")))
    assert chat.told(planned) == ["lise", "sara"]
    [meeting] = await stored_meetings(chat)
    assert (meeting.place, meeting.theme) == ("Rådhuset", None)


async def test_a_ret_button_on_the_review_opens_the_form_filled_in(chat: Chat) -> None:
    typed = await chat.say("camilla", "nyt dialogmøde", *PLAN_TYPED)
    [review] = cards_of(typed.replies)

    opened = await chat.press("camilla", button_for(review, T("moedeform.ret"), field="place"))

    [form] = cards_of(opened.replies, Target.REPLACE)
    again = await chat.press("camilla", submitted(form, T("moedeform.videre"), place="Biblioteket"))
    [changed] = cards_of(again.replies, Target.REPLACE)
    await chat.press("camilla", button_data(changed, T("moedeform.knap_planlaeg")))
    [meeting] = await stored_meetings(chat)
    assert (meeting.theme, meeting.place, meeting.model) == (PLAN_TYPED[5], "Biblioteket", 1)


async def test_a_unit_of_another_committee_on_the_form_is_refused(chat: Chat) -> None:
    form = await form_for_buu(chat)
    inputs = {"day": "2026-12-10", "time": "14:00", "model": "2",
              "units": chat.unit_list("maelkeboetten", "lindegaarden")}  # fmt: skip

    result = await chat.press("camilla", {**button_data(form, T("moedeform.videre")), **inputs})

    assert texts_of(result.replies) == [T("moede.enhed_udenfor", committee=BUU)]
    [again] = cards_of(result.replies, Target.REPLACE)
    assert "units" in {node.get("id") for node in walk(again)}
    left = await chat.dialogue("camilla")
    assert left is not None and left.step == "units" and "units" not in left.answers
    assert await stored_meetings(chat) == []


@pytest.mark.parametrize("units", ["²", "abc", "99999999999", "-1"])
async def test_a_forged_unit_id_on_the_form_is_refused_in_danish(chat: Chat, units: str) -> None:
    form = await form_for_buu(chat)
    inputs = {"day": "2026-12-10", "time": "14:00", "model": "2", "units": units}

    result = await chat.press("camilla", {**button_data(form, T("moedeform.videre")), **inputs})

    assert texts_of(result.replies) == [T("moede.enhed_ukendt", answer=units)]
    assert await stored_meetings(chat) == []


async def test_changing_the_time_tells_the_leaders(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    review = await chat.press("camilla", {"action": actions.EDIT_MEETING, "meeting": meeting})
    assert T("moedeform.knap_gem_aendring") in buttons(cards_of(review.replies)[0])

    asked = await chat.say("camilla", "ret tidspunkt")
    assert texts_of(asked.replies) == [T("moede.spoerg.time")]
    await chat.say("camilla", "15")
    changed = await chat.say("camilla", "planlæg")

    later = WHEN.replace(hour=14)  # 15.00 Danish time
    assert texts_of(changed.replies) == [
        T("moede.aendret", committee=BUU, when=T.datetime(later)),
        T("moede.ikke_naaet", count=2),
    ]
    assert chat.told(changed) == ["lise", "sara"]
    assert "15.00" in card_text(chat.notices_to(changed, "lise")[0].card)
    [stored] = await stored_meetings(chat)
    assert (stored.starts_at.astimezone(UTC), stored.revision) == (later, 2)


async def test_a_unit_taken_off_is_named_to_its_leader_alone(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    await chat.press("camilla", {"action": actions.EDIT_MEETING, "meeting": meeting})

    changed = await chat.say("camilla", "ret enheder", "Mælkebøtten, Troldehøj", "planlæg")

    assert chat.told(changed) == ["sara"]  # nothing else changed for lise
    [to_sara] = chat.notices_to(changed, "sara")
    title, *said = card_text(to_sara.card).splitlines()
    assert title == T("moedekort.udmeldt.titel", unit="Vuggestuen Solsikken")
    assert "Troldehøj" not in "\n".join(said)  # still on the meeting


async def test_cancelling_with_an_old_card_is_refused(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    old_card = {"action": actions.CANCEL_MEETING, "meeting": meeting, "revision": 1}
    await chat.press("camilla", {"action": actions.EDIT_MEETING, "meeting": meeting})
    await chat.say("camilla", "ret sted", "Biblioteket", "planlæg")

    result = await chat.press("camilla", old_card)

    assert texts_of(result.replies) == [T("moede.aendret_siden")]
    assert result.notices == ()
    [stored] = await stored_meetings(chat)
    assert (stored.state, stored.place) == (MeetingState.PLANNED, "Biblioteket")


async def test_only_leaders_pejling_cannot_reach_are_mentioned(chat: Chat) -> None:
    await chat.say("lise", "hej")  # lise has opened Pejling; sara has not

    result = await chat.say("camilla", "nyt dialogmøde", *PLAN_TYPED, "planlæg")

    said = T("moede.planlagt", committee=BUU, when=T.datetime(WHEN))
    assert texts_of(result.replies)[-2:] == [
        f"{said} {T('moede.besked_sendt', count=1)}",  # lise, who is reached
        T("moede.ikke_naaet", count=1),  # sara, who is not: never both said of one leader
    ]


async def test_cancelling_tells_the_leaders(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    card = {"action": actions.CANCEL_MEETING, "meeting": meeting, "revision": 1}

    result = await chat.press("camilla", card)

    assert texts_of(result.replies) == [
        T("moede.aflyst_besked"),
        T("moede.ikke_naaet", count=2),
    ]
    assert chat.told(result) == ["lise", "sara"]
    assert all(T("moedekort.aflyst.titel") in card_text(n.card) for n in result.notices)
    [stored] = await stored_meetings(chat)
    assert stored.state == MeetingState.CANCELLED


# ---------------------------------------------------------------------------
# Preparation


async def test_lise_prepares_by_typing_starting_with_her_goals(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)

    asked = await chat.say("lise", "forbered")

    assert texts_of(asked.replies) == [T("forbered.spoerg.goal_follow_up")]
    assert "Mere udeliv og natur i hverdagen" in card_text(cards_of(asked.replies)[0])
    done = await chat.say("lise", *LISE_TYPED)
    assert texts_of(done.replies) == [LISE_PREPARED]
    note = await preparation_of(chat, meeting, "maelkeboetten")
    assert note.content == PreparationContent(
        goal_follow_up=LISE_TYPED[0], unit_status=LISE_TYPED[1], challenges=LISE_TYPED[3]
    )
    assert note.written_by == "Lise Holm"


async def test_the_prepare_button_on_a_finished_note_opens_it_on_the_form(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    await chat.say("lise", "forbered", *FULL_NOTE)
    button = {"action": actions.PREPARE, "meeting": meeting, "unit": chat.units["maelkeboetten"]}

    opened = await chat.press("lise", button)

    [form] = cards_of(opened.replies, Target.REPLACE)
    status = next(node for node in walk(form) if node.get("id") == "unit_status")
    assert status["value"] == FULL_NOTE[1]
    saved = await chat.press(
        "lise", submitted(form, T("moedeform.knap_gem"), unit_status="Travlt.")
    )
    assert texts_of(saved.replies) == [LISE_PREPARED]
    note = await preparation_of(chat, meeting, "maelkeboetten")
    assert (note.content.unit_status, note.content.conditions) == ("Travlt.", FULL_NOTE[2])


async def test_typing_forbered_again_opens_the_note_written_so_far(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    await chat.say("lise", "forbered", *FULL_NOTE)

    again = await chat.say("lise", "forbered")

    [form] = cards_of(again.replies)
    status = next(node for node in walk(form) if node.get("id") == "unit_status")
    assert status["value"] == FULL_NOTE[1]
    await chat.say("lise", "Travlt, men godt.")
    note = await preparation_of(chat, meeting, "maelkeboetten")
    assert (note.content.unit_status, note.content.conditions) == (
        "Travlt, men godt.",
        FULL_NOTE[2],
    )


async def test_the_units_status_cannot_be_skipped(chat: Chat) -> None:
    await daycare_meeting(chat)
    await chat.say("lise", "forbered", "spring over")

    skipped = await chat.say("lise", "spring over")
    empty = await chat.say("lise", "  ")

    assert texts_of(skipped.replies)[0] == T("dialog.kan_ikke_springes_over")
    assert texts_of(empty.replies)[0] == T("dialog.tomt_svar")
    left = await chat.dialogue("lise")
    assert left is not None and left.step == "unit_status"


async def test_status_in_the_middle_and_fortsaet_returns_to_the_preparation(chat: Chat) -> None:
    await daycare_meeting(chat)
    await chat.say("lise", "forbered")

    aside = await chat.say("lise", "status")
    assert texts_of(aside.replies)[:2] == [T("dialog.fortsat"), T("status.vaelg_maal")]
    await chat.say("lise", "udeliv", "grøn", "Ude hver dag.", "spring over")
    back = await chat.say("lise", "fortsæt")

    picked_up = T("tale.fortsaetter_med", what=T("tale.under_vejs.forbered"))
    assert texts_of(back.replies) == [picked_up, T("forbered.spoerg.goal_follow_up")]
    assert "Grøn" in card_text(cards_of(back.replies)[0])  # the status just reported
    done = await chat.say("lise", *LISE_TYPED)
    assert texts_of(done.replies) == [LISE_PREPARED]


async def test_a_leader_of_two_units_is_asked_which_to_prepare(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)

    asked = await chat.say("sara", "forbered")

    assert texts_of(asked.replies) == [T("forbered.vaelg_moede")]
    choices = card_text(cards_of(asked.replies)[0])
    assert "Vuggestuen Solsikken" in choices and "Børnehaven Troldehøj" in choices
    chosen = await chat.say("sara", "Troldehøj")
    assert texts_of(chosen.replies) == [T("forbered.spoerg.goal_follow_up")]
    await chat.say("sara", "spring over", "Godt efterår.", *["spring over"] * 4)
    note = await preparation_of(chat, meeting, "troldehoej")
    assert note.content.unit_status == "Godt efterår."


async def test_the_prepare_button_names_the_unit_so_sara_is_not_asked_which(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    button = {"action": actions.PREPARE, "meeting": meeting, "unit": chat.units["solsikken"]}

    asked = await chat.press("sara", button)

    assert texts_of(asked.replies) == [T("forbered.spoerg.goal_follow_up")]
    assert "Sprogindsats for de 0–3-årige" in card_text(cards_of(asked.replies)[0])


async def test_a_prepare_card_for_someone_elses_unit_is_refused(chat: Chat) -> None:
    meeting = await daycare_meeting(chat)
    forged = {"action": actions.PREPARE, "meeting": meeting, "unit": chat.units["solsikken"]}

    result = await chat.press("lise", forged)

    assert texts_of(result.replies) == [T("forbered.ikke_din_enhed")]
    assert await chat.dialogue("lise") is None
    async with chat.sessions() as session:
        assert await meetings.preparations(session, meeting, list(chat.units.values())) == {}


# ---------------------------------------------------------------------------
# Summary


async def test_the_facilitator_writes_the_summary_by_typing(chat: Chat) -> None:
    await held_meeting(chat)
    first = await chat.say("camilla", "referat")
    assert texts_of(first.replies) == [
        T("referat.spoerg.unit", unit="Bøgeskov Skole", number=1, count=2)
    ]

    saved = await chat.say("camilla", *SUMMARY_TYPED, "gem")

    assert texts_of(saved.replies) == [T("referat.gemt")]
    [draft] = cards_of(saved.replies)
    assert buttons(draft) == [T("moedekort.knap.send_referat"), T("moedekort.knap.ret_referat")]
    shown = card_text(draft)
    assert "Alle børn kommer ud hver dag" in shown and "Flere pædagoger i Nord" in shown
    assert saved.notices == ()  # a draft is the facilitator's own until it is sent


async def test_the_bearings_say_whom_they_are_for(chat: Chat) -> None:
    summary = await written_summary(chat)

    async with chat.sessions() as session:
        found = await session.get_one(Summary, summary["summary"])
    bearings = SummaryContent.from_json(found.content).bearings
    assert [(b.title, b.description, b.scope) for b in bearings] == [
        ("Alle børn kommer ud hver dag", "Mindst to timer i naturen.",
         Scope(BearingScope.UNIT_TYPE, "dagtilbud")),
        ("Flere voksne i frikvartererne", None, Scope(BearingScope.AREA, "Nord")),
    ]  # fmt: skip


async def test_a_numbered_bearing_gives_one_of_the_committees_bearings_new_words(
    chat: Chat,
) -> None:
    await held_meeting(chat)
    await chat.say("camilla", "referat", *SUMMARY_TYPED[:6])
    off_the_list = await chat.say("camilla", "9: Noget helt nyt")
    assert texts_of(off_the_list.replies)[0] == T("referat.nummer_ugyldigt", number=9, count=3)

    reworded = "2: Tidlig indsats for sprog, læsning og leg"
    saved = await chat.say("camilla", reworded, *SUMMARY_TYPED[7:], "gem")
    sent = await chat.press_on("camilla", saved, T("moedekort.knap.send_referat"))
    await chat.press_on("camilla", sent, T("moedekort.knap.godkend_referat"))

    async with chat.sessions() as session:
        found = await session.scalar(select(Bearing.title).where(Bearing.key == "buu-sprog"))
    assert found == "Tidlig indsats for sprog, læsning og leg"


async def test_a_follow_up_date_that_is_not_a_date_is_asked_again(chat: Chat) -> None:
    await held_meeting(chat)
    await chat.say("camilla", "referat", *SUMMARY_TYPED[:-2])

    result = await chat.say("camilla", "Vikarforbruget; Henrik Lund; 31. februar 2027")

    assert texts_of(result.replies) == [
        T("referat.dato_ugyldig", answer="31. februar 2027"),
        T("referat.spoerg.follow_up", number=1),
    ]
    left = await chat.dialogue("camilla")
    assert left is not None and left.step == "follow_up_0"


async def test_sending_for_comments_gives_each_participant_a_comment_card(chat: Chat) -> None:
    summary = await written_summary(chat)

    sent = await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})

    deadline = T.date(chat.now.date() + timedelta(days=7))
    assert texts_of(sent.replies)[0] == T("referat.sendt", count=3, date=deadline)
    assert chat.told(sent) == ["mette", "lise", "jens"]  # the leaders and the politician
    for notice in sent.notices:
        assert T("moedekort.knap.send_kommentar") in buttons(notice.card)


async def test_a_participants_comment_is_sent_to_the_facilitator(chat: Chat) -> None:
    summary = await written_summary(chat)
    sent = await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})
    [to_jens] = chat.notices_to(sent, "jens")
    comment = button_data(to_jens.card, T("moedekort.knap.send_kommentar"))

    said = await chat.press("jens", {**comment, "comment": "Husk forældrene i Nord."})

    assert texts_of(said.replies) == [T("referat.kommentar_gemt")]
    [to_camilla] = chat.notices_to(said, "camilla")
    assert to_camilla.text == T("referat.kommentar_besked", name="Jens Ravn")
    assert "Husk forældrene i Nord." in card_text(to_camilla.card)


async def test_typing_referat_again_opens_the_draft_at_its_review(chat: Chat) -> None:
    await written_summary(chat)

    again = await chat.say("camilla", "referat")

    assert texts_of(again.replies) == [T("referat.spoerg.review")]
    assert SUMMARY_TYPED[0] in card_text(cards_of(again.replies)[0])


async def test_only_participants_comment_on_the_summary(chat: Chat) -> None:
    summary = await written_summary(chat)
    await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})
    comment = {"action": actions.COMMENT_SUMMARY, **summary, "comment": "Godt møde."}

    result = await chat.press("inger", comment)  # a politician of another committee

    assert texts_of(result.replies) == [T("referat.ikke_deltager")]
    assert result.notices == ()


async def test_a_change_after_sending_makes_a_new_revision_and_tells_everyone(chat: Chat) -> None:
    summary = await written_summary(chat)
    await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})

    review = await chat.press(
        "camilla", {"action": actions.WRITE_SUMMARY, "meeting": summary["meeting"]}
    )
    assert texts_of(review.replies) == [T("referat.spoerg.review")]
    asked = await chat.say("camilla", "ret generelt")
    assert texts_of(asked.replies) == [T("referat.spoerg.general")]
    again = await chat.say("camilla", "Et godt møde, hvor alle kom til orde.")
    assert texts_of(again.replies) == [T("referat.spoerg.review")]
    saved = await chat.say("camilla", "gem")

    assert texts_of(saved.replies) == [T("referat.gemt_aendret", count=3)]
    assert chat.told(saved) == ["mette", "lise", "jens"]
    assert {n.text for n in saved.notices} == {T("referat.aendret_besked")}
    approve = button_data(cards_of(saved.replies)[0], T("moedekort.knap.godkend_referat"))
    assert approve["revision"] == 2


async def test_approving_an_older_revision_is_refused(chat: Chat) -> None:
    summary = await written_summary(chat)
    await chat.press("camilla", {"action": actions.SEND_SUMMARY, **summary})
    await chat.press("camilla", {"action": actions.WRITE_SUMMARY, "meeting": summary["meeting"]})
    await chat.say("camilla", "ret generelt", "Et godt møde, hvor alle kom til orde.", "gem")

    result = await chat.press("camilla", {"action": actions.APPROVE_SUMMARY, **summary})

    assert texts_of(result.replies) == [T("referat.aendret_siden")]
    assert (result.notices, result.dispatch) == ((), ())
    assert await new_bearings(chat) == []


async def test_a_summary_is_not_approved_before_its_meeting(chat: Chat) -> None:
    """Written and sent ahead of the meeting, the summary waits for it: pressing
    Godkend says why, and nothing comes into force or is posted."""
    planned = await plan_meeting(chat.sessions, chat.org, "boegeskov-skole", "maelkeboetten")
    saved = await chat.say("camilla", "referat", *SUMMARY_TYPED, "gem")
    sent = await chat.press_on("camilla", saved, T("moedekort.knap.send_referat"))

    result = await chat.press_on("camilla", sent, T("moedekort.knap.godkend_referat"))

    when = "10. december 2026 kl. 14.00"
    assert texts_of(result.replies) == [T("referat.moedet_ikke_holdt", when=when)]
    assert (result.notices, result.dispatch) == ((), ())
    assert await new_bearings(chat) == []
    assert planned.meeting.starts_at == WHEN


async def test_approving_puts_the_bearings_in_force_and_posts_the_summary(chat: Chat) -> None:
    summary = await sent_summary(chat)

    result = await chat.press("camilla", {"action": actions.APPROVE_SUMMARY, **summary})

    assert texts_of(result.replies) == [T("referat.godkendt", count=2, committee=BUU)]
    assert await new_bearings(chat) == [
        "Alle børn kommer ud hver dag",
        "Flere voksne i frikvartererne",
    ]
    assert result.dispatch == (Due(chat.municipality_id, Kind.SUMMARY, summary["meeting"]),)
    assert chat.told(result) == ["mette", "lise", "jens"]


async def decide_all(chat: Chat) -> None:
    """The administration records that the committee decided every proposal as proposed,
    on the day after the dialogue meeting."""
    async with chat.sessions.begin() as session:
        actor = await actor_of(session, chat.org, "camilla")
        found = await session.scalars(select(Bearing.id).where(Bearing.proposed))
        for bearing_id in list(found):
            await bearings.decide(session, actor, bearing_id, AFTER.date(), None, AFTER)


async def test_the_approved_bearings_are_offered_once_the_committee_decided_them(
    chat: Chat,
) -> None:
    summary = await sent_summary(chat)
    await chat.press("camilla", {"action": actions.APPROVE_SUMMARY, **summary})
    assert "Alle børn kommer ud hver dag" not in await bearings_offered(chat, "lise")
    await chat.say("lise", "annuller")
    await decide_all(chat)

    for_lise = await bearings_offered(chat, "lise")
    for_mette = await bearings_offered(chat, "mette")

    assert "Alle børn kommer ud hver dag" in for_lise  # Mælkebøtten is a daycare …
    assert "Flere voksne i frikvartererne" in for_lise  # … in Område Nord
    assert "Alle børn kommer ud hver dag" not in for_mette  # Bøgeskov Skole is a school …
    assert "Flere voksne i frikvartererne" in for_mette  # … in Område Nord too


# ---------------------------------------------------------------------------
# Light mode: a municipality without goals (the Dragør profile)


async def test_without_goals_the_preparation_starts_with_the_units_status(light: Chat) -> None:
    await daycare_meeting(light)

    asked = await light.say("lise", "forbered")

    assert texts_of(asked.replies) == [
        T("forbered.spoerg.unit_status", unit="Børnehuset Mælkebøtten")
    ]
    done = await light.say("lise", "Huset er fuldt.", *["spring over"] * 4)
    assert texts_of(done.replies) == [LISE_PREPARED]


async def test_without_goals_pejlemaerker_and_sager_show_what_was_agreed(light: Chat) -> None:
    await held_meeting(light)
    typed = [SUMMARY_TYPED[0], SUMMARY_TYPED[2], *SUMMARY_TYPED[4:]]  # no goals to follow up
    asked = await light.say("camilla", "referat", *typed[:2])
    assert texts_of(asked.replies) == [T("referat.spoerg.general")]  # no goal follow-up asked
    saved = await light.say("camilla", *typed[2:], "gem")
    # Dragør's lighter process: no comment round, the draft is approved after the meeting.
    await light.press_on("camilla", saved, T("moedekort.knap.godkend_referat"))

    bearings = await light.say("jens", "pejlemærker")
    matters = await light.say("jens", "sager")

    assert "Flere voksne i frikvartererne" in "\n".join(map(card_text, cards_of(bearings.replies)))
    assert "Flere pædagoger i Nord" in card_text(cards_of(matters.replies)[0])


async def test_a_follow_up_date_without_a_year_is_the_next_such_day(chat: Chat) -> None:
    await held_meeting(chat)
    await chat.say("camilla", "referat", *SUMMARY_TYPED[:-2])

    await chat.say("camilla", "Vikarforbruget; Henrik Lund; 1. marts")

    left = await chat.dialogue("camilla")
    assert left is not None and left.step != "follow_up_0"
    [agreed] = [v for k, v in left.answers.items() if k.startswith("follow_up_") and v]
    assert agreed["due"].endswith("-03-01")
