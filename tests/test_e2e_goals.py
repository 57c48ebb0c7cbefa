"""Goals end to end, over HTTP: a leader drafts a goal in Danish, leaves it and comes back
days later from another device; the department head approves it from the card in
their chat; the administration records the committee's approval; the committee's
digest shows it. And the ways it can go otherwise: sent back with a comment, saved as a
draft, two devices at once, forged and outdated cards, other municipality profiles, and a
restart of the bot in the middle.

Every card the bot sends in these tests is checked against the Adaptive Cards schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.digests import post_digest
from cardcheck import schema_errors
from conftest import database_for
from fakebf import FakeBotFramework
from goalkit import (
    METTE_ALL,
    METTE_FIRST_HALF,
    METTE_SECOND_HALF,
    TYPED,
    another_device,
    answer,
    bearing_id,
    button_for,
    days_later,
    events,
    goal_row,
    last_card,
    new_goals,
    personal_messages,
    press,
    send_card_data,
    sent_cards,
    unit_id,
    unit_section,
    write_goal,
)
from harness import (
    CHANNEL,
    RunningPejling,
    button_data,
    buttons,
    card_text,
    committee,
    goal_id,
    progress_of,
    running_pejling,
    shown,
    table_counts,
)
from kort import actions
from store.models import Base
from store.orgfile import OrgFile
from store_helpers import with_profile

TITLE = TYPED["title"]
TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)
COMMENT = "Gør succeskriterierne målbare, og skriv, hvem der gør hvad."


@pytest.fixture(autouse=True)
def every_card_is_valid(fake_bf: FakeBotFramework) -> Any:
    """After each test: every card the bot sent to the connector is a valid 1.5 card.
    (Cards in invoke answers are checked where they are pressed, by `press`.)"""
    yield
    for card in sent_cards(fake_bf):
        assert schema_errors(card) == [], card_text(card)[:200]


async def hello(pejling: RunningPejling, *keys: str) -> None:
    """These people have written to the bot, so it can write to them later."""
    for key in keys:
        await pejling.say(key, "hej")


def approval_notice(pejling: RunningPejling, key: str = "henrik") -> Any:
    """The newest approval card in `key`'s personal chat."""
    return last_card(personal_messages(pejling, key))


# ---------------------------------------------------------------------------
# The "done when": draft, leave, resume elsewhere, send, approve twice, digest


async def test_a_half_written_goal_is_finished_days_later_on_another_device(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_FIRST_HALF)
    await pejling.say("mette", "status")  # something else: the goal waits
    await pejling.say("mette", "annullér")  # stops the status dialogue, not the goal
    assert [p.state for p in await progress_of(pejling, "mette")] == ["paused", "cancelled"]
    later = days_later(pejling, 3)
    mobile = another_device(pejling, "mette")

    note, question = await pejling.say("mette", "fortsæt", mobile)

    assert note.text.startswith("Du fortsætter med målet »")  # which draft, by its title
    assert note.text.endswith("Her er, hvor du slap.")
    assert question.text.startswith("Hvordan kan I se, at målet er nået?")
    [sent] = await answer(pejling, "mette", [*METTE_SECOND_HALF, "send"], mobile)
    assert sent.text == (
        f"Målet »{TITLE}« er sendt til godkendelse. Du får besked, når der er taget stilling."
    )
    [goal] = await new_goals(pejling)
    assert (goal.state, goal.version, goal.title) == ("submitted", 1, TITLE)
    assert goal.expected_effect == TYPED["expected_effect"]  # typed before the pause
    assert goal.success_criteria == TYPED["success_criteria"].split("\n")  # typed after it
    assert (goal.deadline, goal.responsible) == (date(2027, 6, 30), "Mette Kjærgaard")
    assert goal.updated_at.replace(tzinfo=UTC) == later  # days after it was begun


async def test_a_sent_goal_reaches_the_department_head_as_a_card_to_decide_on(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")

    await write_goal(pejling)

    _, told = personal_messages(pejling, "henrik")
    assert told.text == f"Mette Kjærgaard har sendt målet »{TITLE}« til godkendelse hos dig."
    [card] = told.cards
    assert "Sendt til din godkendelse" in card_text(card)
    assert "Tilstand: Sendt til godkendelse" in card_text(card)
    assert buttons(card) == ["Godkend", "Send tilbage"]


async def test_the_department_head_approves_with_the_card_and_the_leader_is_told(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)

    decided, new = await press(pejling, "henrik", approval_notice(pejling), "Godkend")

    assert "Målet er nu: **Godkendt af fagchefen**" in card_text(decided)
    assert buttons(decided) == []  # it cannot be decided twice
    assert [m.text for m in new] == [
        f"Målet »{TITLE}« er godkendt og går videre til udvalget. Lederen får besked."
    ]
    assert (await goal_row(pejling, written)).state == "department_approved"
    told = personal_messages(pejling, "mette")[-1]
    assert told.text == f"Dit mål »{TITLE}« er godkendt af Henrik Lund."
    assert "Tilstand: Godkendt af fagchefen" in card_text(told.cards[0])


async def test_the_administration_records_the_committees_approval_and_the_leader_is_told(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    await press(pejling, "henrik", approval_notice(pejling), "Godkend")

    [waiting] = await pejling.say("camilla", "til godkendelse")
    tick = {f"goal_{written}": "true", "meeting_date": "2026-12-03"}
    recorded, new = await press(
        pejling, "camilla", waiting, "Registrér udvalgets godkendelse", tick
    )

    assert "Udvalgets godkendelse er registreret" in card_text(recorded)
    assert f"{TITLE} · Bøgeskov Skole" in card_text(recorded)
    assert [m.text for m in new] == [
        "Udvalgets godkendelse af 1 mål er registreret (mødet 3. december 2026)."
    ]
    goal = await goal_row(pejling, written)
    assert (goal.state, goal.reportable_version) == ("approved", 1)
    told = personal_messages(pejling, "mette")[-1]
    assert told.text == f"Dit mål »{TITLE}« er godkendt i udvalget på mødet 3. december 2026."


async def test_the_committee_card_lists_only_goals_approved_by_the_department_head(
    pejling: RunningPejling,
) -> None:
    await write_goal(pejling)  # sent, not yet approved by henrik

    [answer_] = await pejling.say("camilla", "til godkendelse")

    assert answer_.text == "Der er ingen mål, der venter på din godkendelse."


async def test_the_digest_shows_a_goal_waiting_for_the_committee_under_its_unit(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    await write_goal(pejling)
    await press(pejling, "henrik", approval_notice(pejling), "Godkend")
    buu = await committee(pejling, "buu")

    await post_digest(pejling.runtime.proactive, buu.id, datetime.now(UTC))

    [digest] = pejling.fake.messages_in(CHANNEL.channel_id)[-1].cards
    assert "1 nyt mål venter på udvalgets godkendelse." in card_text(digest)
    section = unit_section(digest, "Bøgeskov Skole")
    assert f"Til udvalgets godkendelse:\n- {TITLE}" in section
    assert TITLE not in unit_section(digest, "Engholm Skole")


async def test_after_the_committees_approval_the_digest_shows_the_goal_without_status(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    written = await write_goal(pejling)
    await press(pejling, "henrik", approval_notice(pejling), "Godkend")
    [waiting] = await pejling.say("camilla", "til godkendelse")
    tick = {f"goal_{written}": "true", "meeting_date": "2026-12-03"}
    await press(pejling, "camilla", waiting, "Registrér udvalgets godkendelse", tick)
    buu = await committee(pejling, "buu")

    await post_digest(pejling.runtime.proactive, buu.id, datetime.now(UTC))

    [digest] = pejling.fake.messages_in(CHANNEL.channel_id)[-1].cards
    section = unit_section(digest, "Bøgeskov Skole")
    assert f"Ingen status endnu  {TITLE}" in section
    assert "Til udvalgets godkendelse" not in card_text(digest)


async def test_a_goal_sent_from_another_device_than_its_card_still_reaches_the_approver(
    pejling: RunningPejling,
) -> None:
    """The review card is in the desktop's chat and cannot be updated from the phone's;
    that must cost neither the confirmation nor the department head's notice."""
    await hello(pejling, "henrik")
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_ALL)  # the review card is shown on the desktop

    replies = await pejling.say("mette", "send", another_device(pejling, "mette"))

    confirmation, receipt = replies
    assert confirmation.text == (
        f"Målet »{TITLE}« er sendt til godkendelse. Du får besked, når der er taget stilling."
    )
    # The desktop's card cannot be updated from here, so the phone gets the sent goal.
    assert TITLE in card_text(receipt.cards[0]) and buttons(receipt.cards[0]) == []
    assert buttons(approval_notice(pejling).cards[0]) == ["Godkend", "Send tilbage"]


# ---------------------------------------------------------------------------
# Sent back with a comment


async def send_back(pejling: RunningPejling, comment: str = COMMENT) -> int:
    """Mette sends a goal; henrik sends it back from his card with `comment`; its id."""
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    await press(pejling, "henrik", approval_notice(pejling), "Send tilbage", {"comment": comment})
    return written


async def test_a_goal_sent_back_tells_the_leader_the_comment(pejling: RunningPejling) -> None:
    written = await send_back(pejling)

    told = personal_messages(pejling, "mette")[-1]
    expected = f"Henrik Lund har sendt dit mål »{TITLE}« tilbage med denne kommentar: {COMMENT}"
    assert told.text == expected
    assert COMMENT in card_text(told.cards[0])
    assert "Ret målet" in buttons(told.cards[0])
    goal = await goal_row(pejling, written)
    assert (goal.state, goal.return_comment) == ("returned", COMMENT)


async def test_sending_back_without_a_comment_is_refused(pejling: RunningPejling) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)

    refused, _ = await press(pejling, "henrik", approval_notice(pejling), "Send tilbage")

    assert refused == "Skriv en kommentar, så lederen ved, hvad der skal rettes."
    assert (await goal_row(pejling, written)).state == "submitted"


async def test_fortsaet_reopens_a_returned_goal_at_the_review_with_the_comment(
    pejling: RunningPejling,
) -> None:
    await send_back(pejling)

    [review] = await pejling.say("mette", "fortsæt")

    assert review.text.startswith("Her er målet, som det står nu.")
    assert f"Sendt tilbage med denne kommentar:\n{COMMENT}" in card_text(review.cards[0])
    assert "Send til godkendelse" in buttons(review.cards[0])


async def test_the_ret_button_on_the_notice_reopens_the_goal_at_the_review(
    pejling: RunningPejling,
) -> None:
    await send_back(pejling)

    review, _ = await press(pejling, "mette", personal_messages(pejling, "mette")[-1], "Ret målet")

    assert f"Sendt tilbage med denne kommentar:\n{COMMENT}" in card_text(review)


async def test_a_returned_goal_fixed_and_sent_again_keeps_version_1_and_its_history(
    pejling: RunningPejling,
) -> None:
    written = await send_back(pejling)
    await pejling.say("mette", "fortsæt")
    await pejling.say("mette", "ret succeskriterier")

    await answer(pejling, "mette", ["Mindst 80 % svarer 'ofte god'\nHøjst 5 konflikter om ugen"])
    [sent] = await pejling.say("mette", "send")

    assert sent.text.startswith(f"Målet »{TITLE}« er sendt til godkendelse.")
    goal = await goal_row(pejling, written)
    assert (goal.state, goal.version) == ("submitted", 1)  # never approved: no new version
    assert goal.success_criteria == ["Mindst 80 % svarer 'ofte god'", "Højst 5 konflikter om ugen"]
    assert await events(pejling, written) == [
        ("submitted", 1),
        ("returned", 1),
        ("submitted", 1),
    ]
    assert len(await new_goals(pejling)) == 1
    again = approval_notice(pejling)
    assert "Højst 5 konflikter om ugen" in card_text(again.cards[0])


# ---------------------------------------------------------------------------
# A draft


async def test_a_goal_saved_as_draft_is_in_mine_maal_as_kladde_with_a_ret_button(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling, finish="gem")

    [mine] = await pejling.say("mette", "mine mål")

    assert f"{TITLE}\nBøgeskov Skole · Valgperioden 2026–2029 · Kladde" in card_text(mine.cards[0])
    assert button_for(mine.cards[0], "Ret", goal=written)["action"] == actions.EDIT_GOAL
    assert (await goal_row(pejling, written)).state == "draft"
    assert len(personal_messages(pejling, "henrik")) == 1  # only the greeting: nothing to decide


async def test_a_draft_is_picked_up_with_fortsaet_and_sent(pejling: RunningPejling) -> None:
    written = await write_goal(pejling, finish="gem")

    await pejling.say("mette", "fortsæt")
    await pejling.say("mette", "send")

    assert (await goal_row(pejling, written)).state == "submitted"
    assert len(await new_goals(pejling)) == 1
    assert await events(pejling, written) == [("saved", 1), ("submitted", 1)]


# ---------------------------------------------------------------------------
# Two devices at once


@pytest.fixture(params=["sqlite", "postgresql"])
async def on_both(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """Pejling on SQLite (which runs one transaction at a time) and on PostgreSQL (where two
    turns really run at once, and the version guard on the dialogue decides)."""
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        yield running


async def test_two_devices_answering_the_same_question_at_once_lose_no_answer(
    on_both: RunningPejling,
) -> None:
    """One answer is taken for the question, the other for the next one; neither is lost."""
    pejling = on_both
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_FIRST_HALF[:3])  # now at the expected effect
    who, mobile = pejling.who("mette"), another_device(pejling, "mette")
    desktop_says = "Eleverne leger sammen på tværs af klasserne."
    mobile_says = "Eleverne oplever ro i skolegården."

    await asyncio.gather(
        pejling.post(pejling.wire.message(who, pejling.personal("mette"), desktop_says)),
        pejling.post(pejling.wire.message(who, mobile, mobile_says)),
    )

    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.step == "success_criteria"  # the second answer got the coaching hint
    kept = {dialogue.answers["expected_effect"], dialogue.answers["_pending"]["success_criteria"]}
    assert kept == {desktop_says, mobile_says}


async def test_sending_from_two_devices_at_once_makes_one_goal(on_both: RunningPejling) -> None:
    pejling = on_both
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_ALL)
    who, mobile = pejling.who("mette"), another_device(pejling, "mette")

    await asyncio.gather(
        pejling.post(pejling.wire.message(who, pejling.personal("mette"), "send")),
        pejling.post(pejling.wire.message(who, mobile, "send")),
    )

    [goal] = await new_goals(pejling)
    assert goal.state == "submitted"
    assert await events(pejling, goal.id) == [("submitted", 1)]
    assert [p.state for p in await progress_of(pejling, "mette")] == ["done"]
    sent = f"Målet »{TITLE}« er sendt til godkendelse. Du får besked, når der er taget stilling."
    [desktop, phone] = [
        [m.text for m in pejling.fake.messages_in(where.conversation_id)[-2:] if m.text]
        for where in (pejling.personal("mette"), mobile)
    ]
    [loser] = [told for told in (desktop, phone) if sent not in told]
    # Run at the same moment, the later turn learns the dialogue was just finished elsewhere;
    # run one after the other (SQLite), "send" is simply not a command on its own.
    assert loser[-1] in (
        "Det er allerede klaret. "
        "Du afsluttede samtalen fra en anden enhed, lige før dette svar kom.",
        "Det forstod jeg ikke helt. Skriv **status** for at melde status, "
        "eller **hjælp** for at se, hvad jeg kan.",
    )


# ---------------------------------------------------------------------------
# Forged and outdated cards


async def change_deadline(pejling: RunningPejling, goal: int, deadline: str) -> None:
    """Mette opens the goal from `mine mål`, changes its deadline and sends it again."""
    [mine] = await pejling.say("mette", "mine mål")
    show = button_for(mine.cards[0], "Vis", goal=goal)
    opened, _ = await send_card_data(pejling, "mette", mine, show)
    await press(pejling, "mette", shown(mine, opened), "Ret målet")
    await answer(pejling, "mette", ["ret frist", deadline, "send"])


async def test_a_card_asking_to_edit_another_units_goal_is_refused(
    pejling: RunningPejling,
) -> None:
    engholm = await goal_id(pejling, "engholm-skole-fravaer")
    [mine] = await pejling.say("mette", "mine mål")
    forged = {"action": actions.EDIT_GOAL, "goal": engholm}
    before = await table_counts(pejling)

    refused, _ = await send_card_data(pejling, "mette", mine, forged)

    assert refused == "Det mål kan jeg ikke finde."
    assert await table_counts(pejling) == before
    assert await progress_of(pejling, "mette") == []


async def test_a_department_head_of_another_department_cannot_approve(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    henriks = approval_notice(pejling)
    decision = button_data(henriks.cards[0], "Godkend")

    refused, _ = await send_card_data(pejling, "birgitte", henriks, decision)

    assert refused == "Kun fagchefen for enhedens center kan godkende målet."
    assert (await goal_row(pejling, written)).state == "submitted"


async def test_an_approval_card_pressed_after_the_goal_was_changed_is_refused(
    pejling: RunningPejling,
) -> None:
    """Henrik approves from `til godkendelse`; mette changes the approved goal and sends
    it again (version 2); the first card, still in his chat, names version 1."""
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    first = approval_notice(pejling)
    [waiting] = await pejling.say("henrik", "til godkendelse")
    opened, _ = await press(pejling, "henrik", waiting, "Se og godkend")
    assert isinstance(opened, dict)
    await press(pejling, "henrik", shown(waiting, opened), "Godkend")
    await change_deadline(pejling, written, "31. december 2027")
    assert (await goal_row(pejling, written)).version == 2

    refused, _ = await press(pejling, "henrik", first, "Godkend")

    assert refused == (
        "Målet er ændret, siden kortet blev vist. "
        "Skriv **til godkendelse** for at se det, som det står nu."
    )
    goal = await goal_row(pejling, written)
    assert (goal.state, goal.version) == ("submitted", 2)


async def test_an_approval_card_from_before_a_return_cannot_approve_the_new_content(
    pejling: RunningPejling,
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    first = approval_notice(pejling)
    [waiting] = await pejling.say("henrik", "til godkendelse")
    opened, _ = await press(pejling, "henrik", waiting, "Se og godkend")
    assert isinstance(opened, dict)
    await press(pejling, "henrik", shown(waiting, opened), "Send tilbage", {"comment": "Ret."})
    await answer(pejling, "mette", ["fortsæt", "ret effekt", "Noget helt andet.", "send"])

    refused, _ = await press(pejling, "henrik", first, "Godkend")

    assert refused == (
        "Målet er ændret, siden kortet blev vist. "
        "Skriv **til godkendelse** for at se det, som det står nu."
    )
    assert (await goal_row(pejling, written)).state == "submitted"
    [fresh] = await pejling.say("henrik", "til godkendelse")
    opened, _ = await press(pejling, "henrik", fresh, "Se og godkend")
    assert isinstance(opened, dict) and "Noget helt andet." in card_text(opened)


# ---------------------------------------------------------------------------
# Other municipality profiles


@pytest.fixture
async def jammerbugt(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """The demo municipality working as Jammerbugt does: yearly agreements, approved by
    the department head alone, and a template of their own for schools."""
    async with running_pejling(fake_bf, tmp_path, with_profile(demo_org, "jammerbugt")) as app:
        yield app


@pytest.fixture
async def dragoer(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """The demo municipality working as Dragør does: dialogue meetings, no goals."""
    async with running_pejling(fake_bf, tmp_path, with_profile(demo_org, "dragoer")) as app:
        yield app


JAMMERBUGT_SCHOOL = [
    TYPED["title"],
    "1",
    "3",  # national goal: trust and well-being
    "indskoling og mellemtrin",  # grades
    "udvikling",
    "kvalitet",  # perspective
    TYPED["expected_effect"],
    "spring over",  # sub-goals
    TYPED["success_criteria"],
    "1",
    TYPED["data_source"],
    "30-06-2027",
    "mig",
]


async def test_a_jammerbugt_school_is_asked_the_national_goal_and_the_grades(
    jammerbugt: RunningPejling,
) -> None:
    intro, *_ = await jammerbugt.say("mette", "nyt mål")
    asked = [intro.text]
    for typed in JAMMERBUGT_SCHOOL:
        asked += [m.text or "" for m in await jammerbugt.say("mette", typed)]

    assert intro.text.startswith("Lad os skrive et nyt aftalemål.")
    questions = "\n".join(asked)
    assert "Hvilket af folkeskolens nationale mål understøtter målet?" in questions
    assert "Hvilke klassetrin gælder målet?" in questions
    assert "Hvilket perspektiv hører målet til?" in questions
    await jammerbugt.say("mette", "send")
    [goal] = await new_goals(jammerbugt)
    assert goal.template == "skole"
    assert goal.extra == {"national_goal": "wellbeing", "grades": ["early", "middle"]}
    assert goal.perspective == "quality"


async def test_a_jammerbugt_dagtilbud_is_not_asked_the_schools_questions(
    jammerbugt: RunningPejling,
) -> None:
    await jammerbugt.say("lise", "nyt mål")
    await jammerbugt.say("lise", "Mere udeliv")

    [question] = await jammerbugt.say("lise", "1")

    assert question.text.startswith("Er det et udviklingsmål eller et servicemål?")


async def test_in_jammerbugt_the_department_heads_approval_makes_the_goal_reportable(
    jammerbugt: RunningPejling,
) -> None:
    await hello(jammerbugt, "henrik")
    await jammerbugt.say("mette", "nyt mål")
    await answer(jammerbugt, "mette", [*JAMMERBUGT_SCHOOL, "send"])
    [written] = await new_goals(jammerbugt)

    decided, new = await press(jammerbugt, "henrik", approval_notice(jammerbugt), "Godkend")

    assert "Målet er nu: **Godkendt**" in card_text(decided)
    assert new[0].text == f"Målet »{TITLE}« er godkendt. Lederen får besked."
    goal = await goal_row(jammerbugt, written.id)
    assert (goal.state, goal.reportable_version) == ("approved", 1)
    [goal_list] = await jammerbugt.say("mette", "status")
    assert TITLE in card_text(goal_list.cards[0])


@pytest.mark.parametrize("command", ["nyt mål", "mine mål", "status"])
async def test_a_municipality_without_goals_says_so_politely(
    dragoer: RunningPejling, command: str
) -> None:
    [answer_] = await dragoer.say("mette", command)

    assert answer_.text == (
        "Jeres kommune bruger ikke mål i Pejling. Her skrives dialogmødernes opsummering "
        "og de politiske pejlemærker ned i stedet."
    )
    assert await progress_of(dragoer, "mette") == []


async def test_the_help_card_has_no_goal_commands_without_goals(dragoer: RunningPejling) -> None:
    [helped] = await dragoer.say("mette", "hjælp")

    help_text = card_text(helped.cards[0])
    for command in ("nyt mål", "mine mål", "til godkendelse", "fortsæt"):
        assert command not in help_text
    assert "Nyt mål" not in buttons(helped.cards[0])
    assert "Jeres kommune bruger ikke mål" in help_text
    # Here the meetings are the product: the help says how to take part in them.
    for command in ("forbered", "dialogmøder", "pejlemærker", "sager"):
        assert command in help_text


async def test_without_goals_no_answer_points_to_goals_or_status(dragoer: RunningPejling) -> None:
    """Greetings, the unknown and `fortsæt` with nothing to continue point to the meetings
    and help instead."""
    said = [
        m.text or ""
        for typed in ("hej", "blablabla", "fortsæt")
        for m in await dragoer.say("mette", typed)
    ]
    assert said == [
        "Hej Mette! Skriv **dialogmøder** for at se møderne, eller **hjælp** for at se, hvad "
        "jeg kan.",
        "Det forstod jeg ikke helt. Skriv **dialogmøder**, **pejlemærker** eller **hjælp** for at "
        "se, hvad jeg kan.",
        "Du har ikke noget at fortsætte.",
    ]


# ---------------------------------------------------------------------------
# A restart in the middle


async def test_a_half_written_goal_survives_a_restart_of_the_bot(
    pejling: RunningPejling, tmp_path: Path
) -> None:
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_FIRST_HALF)
    url = pejling.runtime.settings.database_url

    async with running_pejling(pejling.fake, tmp_path, pejling.org, database_url=url) as again:
        _, question = await again.say("mette", "fortsæt")
        assert question.text.startswith("Hvordan kan I se, at målet er nået?")
        await answer(again, "mette", [*METTE_SECOND_HALF, "send"])
        [goal] = await new_goals(again)

    assert (goal.title, goal.state) == (TITLE, "submitted")


# ---------------------------------------------------------------------------
# More ways through the dialogue


async def test_a_leader_of_two_units_is_asked_which_unit(pejling: RunningPejling) -> None:
    replies = await pejling.say("sara", "nyt mål")

    assert replies[-1].text == (
        "Hvilken enhed er målet for? Skriv nummeret.\n\n"
        "1. Børnehaven Troldehøj\n2. Vuggestuen Solsikken"
    )
    await answer(pejling, "sara", ["2", "Flere ord til de mindste", "ingen", "Fra bestyrelsen."])
    [dialogue] = await progress_of(pejling, "sara")
    assert dialogue.answers["unit"]["id"] == await unit_id(pejling, "solsikken")
    assert dialogue.answers["bearings"] == []
    assert dialogue.step == "goal_type"


async def test_the_whole_goal_on_the_form_card_is_sent_with_its_buttons(
    pejling: RunningPejling,
) -> None:
    offer = last_card(await pejling.say("mette", "nyt mål"))
    form, _ = await press(pejling, "mette", offer, "Udfyld som formular")
    assert isinstance(form, dict)
    inputs = {
        "title": TITLE,
        "bearings": str(await bearing_id(pejling, "buu-trivsel")),
        "goal_type": "development",
        "expected_effect": TYPED["expected_effect"],
        "success_criteria": TYPED["success_criteria"],
        "evaluation_method": "survey",
        "data_source": TYPED["data_source"],
        "deadline": "2027-06-30",
        "responsible": "Mette Kjærgaard",
    }  # sub-goals and the reason for no bearing left empty

    review, _ = await press(pejling, "mette", shown(offer, form), "Gennemse", inputs)
    assert isinstance(review, dict)
    assert "Gennemse målet" in card_text(review)
    sent, new = await press(pejling, "mette", shown(offer, review), "Send til godkendelse")

    assert isinstance(sent, dict) and "Tilstand: Sendt til godkendelse" in card_text(sent)
    assert new[0].text.startswith(f"Målet »{TITLE}« er sendt til godkendelse.")
    [goal] = await new_goals(pejling)
    assert (goal.state, goal.sub_goals) == ("submitted", [])


async def test_ret_on_the_review_card_asks_that_field_again(pejling: RunningPejling) -> None:
    await pejling.say("mette", "nyt mål")
    review = last_card(await answer(pejling, "mette", METTE_ALL))
    effect = button_for(review.cards[0], "Ret", field="expected_effect")

    await send_card_data(pejling, "mette", review, effect)

    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.step == "expected_effect"
    [back] = await pejling.say("mette", "Mere leg i gården.")
    assert "Mere leg i gården." in card_text(back.cards[0])


async def test_nyt_maal_during_a_draft_continues_it_instead_of_starting_another(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_FIRST_HALF)

    note, question = await pejling.say("mette", "nyt mål")

    assert note.text == "Du er allerede i gang. Her er, hvor du slap."
    assert question.text.startswith("Hvordan kan I se, at målet er nået?")
    assert len(await progress_of(pejling, "mette")) == 1


async def test_mine_maal_lists_a_half_written_goal_with_a_fortsaet_button(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_FIRST_HALF)
    [mine] = await pejling.say("mette", "mine mål")
    assert f"Mål, du er i gang med at skrive\n{TITLE}" in card_text(mine.cards[0])

    again, new = await press(pejling, "mette", mine, "Fortsæt")

    assert again == "Her er, hvor du slap."
    assert new[0].text.startswith("Hvordan kan I se, at målet er nået?")


async def test_a_unit_with_many_goals_is_reminded_that_few_goals_are_better(
    pejling: RunningPejling,
) -> None:
    for _ in range(3):  # the demo's two, and three drafts: five active goals
        await write_goal(pejling, finish="gem")

    intro, reminder, *_ = await pejling.say("mette", "nyt mål")

    assert intro.text.startswith("Lad os skrive et nyt mål.")
    assert reminder.text.startswith(
        "Bøgeskov Skole har allerede 5 aktive mål, og anbefalingen er højst 5."
    )


@pytest.mark.parametrize(
    ("inputs", "refusal"),
    [
        ({"meeting_date": "2026-12-03"}, "Vælg de mål, udvalget har godkendt."),
        ({}, "Skriv datoen for udvalgsmødet, så godkendelsen kan registreres."),
    ],
)
async def test_the_committees_approval_needs_a_ticked_goal_and_the_meetings_date(
    pejling: RunningPejling, inputs: dict[str, str], refusal: str
) -> None:
    await hello(pejling, "henrik")
    written = await write_goal(pejling)
    await press(pejling, "henrik", approval_notice(pejling), "Godkend")
    [waiting] = await pejling.say("camilla", "til godkendelse")

    answered, _ = await press(
        pejling, "camilla", waiting, "Registrér udvalgets godkendelse", inputs
    )

    assert answered == refusal
    assert (await goal_row(pejling, written)).state == "department_approved"


async def test_a_goal_missing_a_required_field_is_refused_and_can_be_completed(
    pejling: RunningPejling,
) -> None:
    """A goal from the organisation file has only a title and an effect. Changing it and
    sending it is refused for the first missing field, and the leader fills it in from
    the review, field by field, until it can be sent."""
    imported = await goal_id(pejling, "boegeskov-skole-trivsel")
    [mine] = await pejling.say("mette", "mine mål")
    show = button_for(mine.cards[0], "Vis", goal=imported)
    opened, _ = await send_card_data(pejling, "mette", mine, show)
    review, _ = await press(pejling, "mette", shown(mine, opened), "Ret målet")
    assert "Type\nMangler – skal udfyldes" in card_text(review)

    refused, again = await pejling.say("mette", "send")
    assert refused.text == "Type skal udfyldes, før målet kan sendes til godkendelse."
    assert again.text.startswith("Her er målet, som det står nu.")
    [question] = await pejling.say("mette", "ret type")
    assert question.text.startswith("Er det et udviklingsmål eller et servicemål?")
    await pejling.say("mette", "1")
    for field, typed in [("succeskriterier", TYPED["success_criteria"]),
                         ("evalueringsmetode", "1"), ("datakilde", TYPED["data_source"]),
                         ("frist", TYPED["deadline"]), ("ansvarlig", "mig")]:  # fmt: skip
        await answer(pejling, "mette", [f"ret {field}", typed])
    [sent] = await pejling.say("mette", "send")

    assert sent.text.startswith("Målet »Flere elever trives i frikvartererne« er sendt")
    goal = await goal_row(pejling, imported)
    assert (goal.state, goal.version, goal.goal_type) == ("submitted", 2, "development")


async def test_annuller_on_the_review_card_stops_the_goal_and_saves_nothing(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    review = last_card(await answer(pejling, "mette", METTE_ALL))

    closed, _ = await press(pejling, "mette", review, "Annullér")

    assert "Ok, jeg har stoppet det. Intet er gemt." in card_text(closed)
    assert buttons(closed) == []
    assert await new_goals(pejling) == []
    assert [p.state for p in await progress_of(pejling, "mette")] == ["cancelled"]


async def test_the_review_card_of_a_sent_goal_cannot_send_it_again(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    review = last_card(await answer(pejling, "mette", METTE_ALL))
    await pejling.say("mette", "send")

    refused, _ = await press(pejling, "mette", review, "Send til godkendelse")

    assert refused == (
        "Det kort er ikke aktivt længere – det er afsluttet eller afløst af et nyere. "
        "Skriv **hjælp** for at se, hvad du kan."
    )
    [goal] = await new_goals(pejling)
    assert await events(pejling, goal.id) == [("submitted", 1)]


async def test_the_administration_drafts_a_units_goal_as_pen_holder_and_the_leader_comments(
    pejling: RunningPejling,
) -> None:
    """000: "For nogle fagområder vil administrationen være den primære pennefører". Camilla
    writes Bøgeskov Skole's goal and sends it; Mette is told, reads it and comments; the
    comment reaches Camilla and Henrik, who approves as usual, and Mette hears of it."""
    await hello(pejling, "mette", "henrik")
    await pejling.say("camilla", "nyt mål")
    await pejling.say("camilla", "Bøgeskov Skole")
    [sent] = await answer(pejling, "camilla", [*METTE_ALL, "send"])

    assert f"Målet »{TITLE}« er sendt til godkendelse." in (sent.text or "")
    assert "Mette Kjærgaard får målet at se og kan kommentere det." in (sent.text or "")
    told = last_card(personal_messages(pejling, "mette"))
    assert told.text == (
        f"Camilla Dahl fra administrationen har skrevet målet »{TITLE}« for Bøgeskov Skole og "
        "sendt det til godkendelse hos fagchefen. Læs det, og kommentér det på kortet."
    )
    assert "Skrevet af administrationen (Camilla Dahl) som pennefører" in card_text(told.cards[0])
    waiting = approval_notice(pejling)
    assert buttons(waiting.cards[0]) == ["Godkend", "Send tilbage"]  # approval as usual

    comment = {"goal_comment": "Tag skolebestyrelsen med i opfølgningen."}
    shown, said = await press(pejling, "mette", told, "Send kommentar", comment)

    assert [m.text for m in said] == [
        f"Tak! Din kommentar til »{TITLE}« er sendt til Camilla Dahl, Henrik Lund."
    ]
    assert "Tag skolebestyrelsen med i opfølgningen." in card_text(shown)
    heard = personal_messages(pejling, "camilla")[-1]
    assert heard.text == (
        f"Mette Kjærgaard har kommenteret målet »{TITLE}« (Bøgeskov Skole): "
        "»Tag skolebestyrelsen med i opfølgningen.«"
    )
    await press(pejling, "henrik", waiting, "Godkend")
    assert personal_messages(pejling, "mette")[-1].text == (
        f"Dit mål »{TITLE}« er godkendt af Henrik Lund."
    )
