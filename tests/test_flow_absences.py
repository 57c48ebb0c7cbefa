"""Out of office as the demo municipality's people use it, one turn at a time through the
router over a real store: a leader registers an absence by typing or on the form, bad
dates and deputies are explained in Danish with the same question again, the deputy is
told and reports status for the absent leader's unit, and `fravær slut` ends it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from chatkit import Chat, chat_with, submitted
from dialoger.memory import Memory
from dialoger.turn import Target
from flowkit import NOW, cards_of, texts_of
from harness import buttons, card_text
from kort.catalogue import texts
from store.models import Absence, StatusUpdate
from store.orgfile import OrgFile
from store_helpers import Sessions

T = texts("da")
# Flow tests, not store tests: SQLite is enough (the store tests cover PostgreSQL).
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
TODAY = date(2026, 11, 22)  # flowkit's NOW, a Sunday
MON, FRI = date(2026, 11, 23), date(2026, 11, 27)
STARTS_QUESTION = T("fravaer.spoerg.starts")


@pytest.fixture
async def chat(sessions: Sessions, demo: OrgFile) -> Chat:
    return await chat_with(sessions, demo)


async def absences(chat: Chat) -> list[tuple[int, date, date, int | None]]:
    async with chat.sessions() as session:
        found = await session.execute(
            select(Absence.person_id, Absence.starts_on, Absence.ends_on, Absence.deputy_id)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


async def mette_away_with_jonas(chat: Chat) -> None:
    """Mette, typing: away Monday to Friday, Jonas (number 2 on the list) stands in."""
    await chat.say("mette", "fravær", "i morgen", "fredag", "2", "gem")


# Registering by typing


async def test_a_leader_registers_an_absence_by_typing(chat: Chat) -> None:
    started = await chat.say("mette", "fravær")
    assert texts_of(started.replies) == [STARTS_QUESTION]
    [form] = cards_of(started.replies, Target.NEW)
    assert {"starts", "ends", "deputy"} <= {n.get("id") for n in form["body"]}

    asked = await chat.say("mette", "i morgen")
    assert texts_of(asked.replies) == [T("fravaer.spoerg.ends")]
    candidates = texts_of((await chat.say("mette", "fredag")).replies)[0]
    assert "1. Henrik Lund (fagchef, Center for Dagtilbud og Skole)" in candidates
    assert "2. Jonas Bach (Engholm Skole)" in candidates
    assert "Karin" not in candidates  # another department

    review = await chat.say("mette", "2")
    [card] = cards_of(review.replies)
    assert "Jonas Bach" in card_text(card) and "23. november 2026" in card_text(card)
    saved = await chat.say("mette", "gem")
    receipt = texts_of(saved.replies)[0]
    assert receipt.startswith(
        "Gemt. Du er væk fra 23. november 2026 til og med 27. november 2026. Jonas Bach er"
    )
    assert await absences(chat) == [(chat.people["mette"], MON, FRI, chat.people["jonas"])]
    [told] = chat.notices_to(saved, "jonas")
    assert "Mette Kjærgaard er væk fra 23. november 2026" in (told.text or "")
    assert "Bøgeskov Skole" in (told.text or "")


async def test_an_unreadable_day_is_explained_and_asked_again(chat: Chat) -> None:
    await chat.say("mette", "fravær")
    result = await chat.say("mette", "snart")
    assert texts_of(result.replies) == [T("fravaer.dato_ugyldig", answer="snart"), STARTS_QUESTION]
    assert (await chat.dialogue("mette")).step == "starts"  # type: ignore[union-attr]


async def test_an_end_before_the_start_or_in_the_past_is_refused_with_the_same_question(
    chat: Chat,
) -> None:
    await chat.say("mette", "fravær", "fredag")
    before = await chat.say("mette", "23/11-2026")
    explained, again = texts_of(before.replies)
    assert explained == (
        "Slutdagen 23. november 2026 ligger før første dag, 27. november 2026. "
        "Skriv en dag fra 27. november 2026 og frem."
    )
    assert again == T("fravaer.spoerg.ends")
    # An absence may have begun already, but not be over.
    await chat.say("mette", "tilbage", "15. november 2026")
    past = await chat.say("mette", "20. november 2026")
    assert texts_of(past.replies) == [
        T("fravaer.forbi", ends="20. november 2026"),
        T("fravaer.spoerg.ends"),
    ]
    assert (await chat.dialogue("mette")).step == "ends"  # type: ignore[union-attr]


async def test_the_absent_person_or_an_unknown_name_is_no_deputy(chat: Chat) -> None:
    await chat.say("mette", "fravær", "i morgen", "fredag")
    herself = await chat.say("mette", "Mette Kjærgaard")
    assert texts_of(herself.replies)[0] == T("fravaer.ikke_sig_selv")
    unknown = await chat.say("mette", "Gertrud")
    assert texts_of(unknown.replies)[0] == T("fravaer.stedfortraeder_ugyldig", answer="Gertrud")
    assert texts_of(unknown.replies)[1].startswith("Hvem er stedfortræder")
    by_name = await chat.say("mette", "lise holm")
    assert "Lise Holm" in card_text(cards_of(by_name.replies)[0])


async def test_nobody_standing_in_is_allowed(chat: Chat) -> None:
    saved = await chat.say("mette", "fravær", "i dag", "i dag", "ingen", "gem")
    assert T("fravaer.uden_stedfortraeder") in texts_of(saved.replies)[0]
    assert saved.notices == ()
    assert await absences(chat) == [(chat.people["mette"], TODAY, TODAY, None)]


async def test_a_deputy_who_is_away_themselves_is_asked_about_again(chat: Chat) -> None:
    await chat.say("jonas", "fravær", "onsdag", "torsdag", "ingen", "gem")
    await chat.say("mette", "fravær", "i morgen", "fredag")
    refused = await chat.say("mette", "jonas bach")
    assert texts_of(refused.replies)[0] == (
        "Jonas Bach er selv væk fra 25. november 2026 til og med 26. november 2026. "
        "Vælg en anden, eller skriv **ingen**."
    )
    assert (await chat.dialogue("mette")).step == "deputy"  # type: ignore[union-attr]


# The form


async def test_the_form_answers_every_question_and_the_review_saves(chat: Chat) -> None:
    started = await chat.say("mette", "fravær")
    [form] = cards_of(started.replies)
    sent = submitted(form, "Videre", starts="2026-11-23", ends="2026-11-27",
                     deputy=str(chat.people["henrik"]))  # fmt: skip
    review = await chat.press("mette", sent)
    [card] = cards_of(review.replies, Target.REPLACE)
    assert "Henrik Lund" in card_text(card) and "Gem fravær" in buttons(card)
    saved = await chat.press_on("mette", review, "Gem fravær")
    assert await absences(chat) == [(chat.people["mette"], MON, FRI, chat.people["henrik"])]
    assert chat.told(saved) == ["henrik"]


async def test_a_forged_deputy_on_the_form_is_refused(chat: Chat) -> None:
    started = await chat.say("mette", "fravær")
    [form] = cards_of(started.replies)
    forged = submitted(form, "Videre", starts="2026-11-23", ends="2026-11-27", deputy="999999")
    result = await chat.press("mette", forged)
    assert T("fravaer.ukendt_stedfortraeder") in texts_of(result.replies)
    assert await absences(chat) == []


# Someone else's absence


async def test_the_administration_registers_an_absence_for_a_leader(chat: Chat) -> None:
    asked = await chat.say("camilla", "fravær")
    assert texts_of(asked.replies)[0].startswith("Hvem er væk?")
    await chat.say("camilla", "Karin", "i morgen", "fredag")
    saved = await chat.say("camilla", "Birgitte Møller", "gem")
    assert texts_of(saved.replies)[0].startswith("Gemt. Karin Østergaard er væk")
    assert sorted(chat.told(saved)) == ["birgitte", "karin"]


async def test_a_leader_registers_only_their_own_absence(chat: Chat) -> None:
    asked = await chat.say("jonas", "fravær")
    assert texts_of(asked.replies) == [STARTS_QUESTION]  # no "who is away?"


# The deputy at work


async def test_the_deputy_reports_status_for_the_absent_leaders_unit(chat: Chat) -> None:
    await mette_away_with_jonas(chat)
    chat.now = NOW + timedelta(days=2)  # Tuesday
    listed = await chat.say("jonas", "status")
    [goals] = cards_of(listed.replies)
    assert "Du melder som stedfortræder for Mette Kjærgaard." in card_text(goals)
    assert "Flere elever trives i frikvartererne" in card_text(goals)
    number = _number_of(texts_of(listed.replies), goals, "Flere elever trives i frikvartererne")
    saved = await chat.say("jonas", number, "grøn", "Legepatruljen kører hver dag.", "spring over")
    thanks = texts_of(saved.replies)[0]
    assert thanks.endswith("Du meldte som stedfortræder for Mette Kjærgaard.")
    [receipt] = cards_of(saved.replies)
    assert "Meldt af: Jonas Bach, stedfortræder for Mette Kjærgaard" in card_text(receipt)
    async with chat.sessions() as session:
        newest = await session.scalar(select(StatusUpdate).order_by(StatusUpdate.id.desc()))
    assert newest is not None and newest.reported_by == chat.people["jonas"]


def _number_of(said: list[str], card: dict, title: str) -> str:
    lines = [line for line in card_text(card).splitlines() if line.endswith(title)]
    return lines[0].split(")")[0].lstrip("(")  # "(2) Flere elever …" -> "2"


async def test_after_the_absence_the_deputy_reports_only_for_their_own_unit(chat: Chat) -> None:
    await mette_away_with_jonas(chat)
    chat.now, chat.memory = NOW + timedelta(days=7), Memory()  # the next Sunday
    listed = await chat.say("jonas", "status")
    shown = card_text(cards_of(listed.replies)[0])
    assert "Flere elever" not in shown and "stedfortræder" not in shown


async def test_the_deputy_sees_whom_they_stand_in_for(chat: Chat) -> None:
    await mette_away_with_jonas(chat)
    shown = await chat.say("jonas", "mit fravær")
    [card] = cards_of(shown.replies)
    assert "Mette Kjærgaard: mandag 23. november 2026 – fredag 27. november 2026" in card_text(card)


# Ending it


async def test_back_early_ends_the_absence_and_tells_the_deputy(chat: Chat) -> None:
    await mette_away_with_jonas(chat)
    chat.now = NOW + timedelta(days=3)  # Wednesday
    again = await chat.say("mette", "fravær")
    assert "mandag 23. november 2026 – fredag 27. november 2026" in card_text(
        cards_of(again.replies)[0]
    )
    await chat.say("mette", "annullér")
    back = await chat.say("mette", "fravær slut")
    assert texts_of(back.replies) == [T("fravaer.slut.afsluttet", ends="24. november 2026")]
    assert chat.told(back) == ["jonas"]
    assert await absences(chat) == [
        (chat.people["mette"], MON, date(2026, 11, 24), chat.people["jonas"])
    ]
    nothing = await chat.say("mette", "fravær slut")
    assert texts_of(nothing.replies) == [T("fravaer.slut.intet")]


async def test_help_lists_out_of_office(chat: Chat) -> None:
    helped = await chat.say("mette", "hjælp")
    assert "**fravær**" in card_text(cards_of(helped.replies)[0])
