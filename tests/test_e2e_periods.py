"""Two agreement years end to end, over HTTP: in November a Jammerbugt school leader
reports on this year's agreement and drafts next year's (004: "aftalerne udarbejdes i
perioden oktober-december efter budgettets godkendelse"); her department head approves
it; on 1 January it is the agreement she reports on, with nothing having to run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.devtools.time_travel import as_profile
from cardcheck import schema_errors
from fakebf import FakeBotFramework, Message
from goalkit import (
    TYPED,
    answer,
    last_card,
    new_goals,
    personal_messages,
    press,
    send_card_data,
    sent_cards,
)
from harness import (
    RunningPejling,
    at,
    button_data,
    card_text,
    report_status,
    rows,
    running_pejling,
)
from store.models import Goal, Period
from store.orgfile import OrgFile

NOVEMBER = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NEW_YEAR = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
NEXT_YEARS_SCHOOL = [
    TYPED["title"],
    "1",  # the committee's first bearing for 2027
    "3",  # national goal: trust and well-being
    "indskoling og mellemtrin",
    "udvikling",
    "kvalitet",
    TYPED["expected_effect"],
    "spring over",
    TYPED["success_criteria"],
    "1",
    TYPED["data_source"],
    "30-06-2027",  # refused before: the deadline lies in next year's period
    "mig",
]


@pytest.fixture(autouse=True)
def every_card_is_valid(fake_bf: FakeBotFramework) -> Any:
    yield
    for card in sent_cards(fake_bf):
        assert schema_errors(card) == [], card_text(card)[:200]


@pytest.fixture
async def jammerbugt(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """The demo as Jammerbugt with the agreement years 2026, 2027 and 2028 in its file."""
    org = as_profile(demo_org, "jammerbugt", date(2026, 12, 1))
    async with running_pejling(fake_bf, tmp_path, org) as app:
        at(app, NOVEMBER)
        yield app


def shown_text(messages: list[Message]) -> str:
    return "\n".join(
        [m.text or "" for m in messages] + [card_text(c) for m in messages for c in m.cards]
    )


async def period_of(pejling: RunningPejling, goal: Goal) -> str:
    [name] = await rows(pejling, select(Period.name).where(Period.id == goal.period_id))
    return str(name)


async def test_in_november_next_years_agreement_is_drafted_and_takes_over_on_1_january(
    jammerbugt: RunningPejling,
) -> None:
    await jammerbugt.say("henrik", "hej")  # so the bot can write to him
    # This year's agreement is reported on as usual.
    await report_status(jammerbugt, "mette", "grøn", "Legepatruljen er i gang.")

    intro, *rest = await jammerbugt.say("mette", "nyt mål")
    asked = "\n".join(m.text or "" for m in [intro, *rest])
    assert "Hvilken periode er målet for?" in asked
    assert "1. Aftaleåret 2026 – løber nu" in asked
    assert "2. Aftaleåret 2027 – begynder 1. januar 2027" in asked
    replies = await answer(jammerbugt, "mette", ["2", *NEXT_YEARS_SCHOOL])
    assert not any("Fristen skal ligge i perioden" in (m.text or "") for m in replies)
    review = last_card(replies)
    assert "Bøgeskov Skole · Aftaleåret 2027" in card_text(review.cards[0])
    await jammerbugt.say("mette", "send")
    [drafted] = await new_goals(jammerbugt)
    assert await period_of(jammerbugt, drafted) == "Aftaleåret 2027"
    assert drafted.deadline == date(2027, 6, 30)

    approval = last_card(personal_messages(jammerbugt, "henrik"))
    decided, _ = await press(jammerbugt, "henrik", approval, "Godkend")
    assert "Målet er nu: **Godkendt**" in card_text(decided)

    # `mine mål` in December: this year's goals and next year's, each with its year.
    at(jammerbugt, datetime(2026, 12, 14, 9, 0, tzinfo=UTC))
    [mine] = await jammerbugt.say("mette", "mine mål")
    listed = card_text(mine.cards[0])
    assert "Bøgeskov Skole · Aftaleåret 2026 · Godkendt" in listed
    assert "Bøgeskov Skole · Aftaleåret 2027 · Godkendt" in listed
    december = shown_text(await jammerbugt.say("mette", "status"))
    assert "Flere elever trives i frikvartererne" in december
    assert TYPED["title"] not in december  # not reported on before its year begins
    await jammerbugt.say("mette", "annullér")

    # 1 January: next year's agreement is the one reported on, by the date alone.
    at(jammerbugt, NEW_YEAR)
    reported = shown_text(await jammerbugt.say("mette", "status"))
    assert TYPED["title"] in reported
    assert "Flere elever trives i frikvartererne" not in reported


async def test_a_goal_is_carried_into_next_year_from_its_card(jammerbugt: RunningPejling) -> None:
    await jammerbugt.say("mette", "mine mål")
    [goal_list] = personal_messages(jammerbugt, "mette")[-1:]
    shown, _ = await press(jammerbugt, "mette", goal_list, "Vis")
    assert "Viderefør til Aftaleåret 2027" in str(shown)

    carry = button_data(shown, "Viderefør til Aftaleåret 2027")  # the card now in its place
    told, replies = await send_card_data(jammerbugt, "mette", goal_list, carry)
    told_again, again = await send_card_data(jammerbugt, "mette", goal_list, carry)  # again

    assert (
        "Målet »Flere elever trives i frikvartererne« er videreført til Aftaleåret 2027 som "
        "kladde. Ret det til, og send det til godkendelse."
    ) in f"{told}\n{shown_text(replies)}"
    assert (
        "Målet »Flere elever trives i frikvartererne« er allerede videreført til Aftaleåret 2027."
    ) in f"{told_again}\n{shown_text(again)}"
    [carried] = await rows(jammerbugt, select(Goal).where(Goal.origin.like("carried:%")))
    assert (carried.state, await period_of(jammerbugt, carried)) == ("draft", "Aftaleåret 2027")


async def test_the_form_waits_until_the_period_is_chosen(jammerbugt: RunningPejling) -> None:
    """The whole goal as one form checks its deadline against a period: it is chosen first."""
    intro = await jammerbugt.say("mette", "nyt mål")
    offer = last_card(intro)

    told, replies = await press(jammerbugt, "mette", offer, "Udfyld som formular")

    assert "Vælg først perioden, så viser jeg formularen." in f"{told}\n{shown_text(replies)}"
    chosen = await jammerbugt.say("mette", "næste")
    assert "Bøgeskov Skole" not in shown_text(chosen)  # one unit: straight to the title
    form, _ = await press(jammerbugt, "mette", offer, "Udfyld som formular")
    assert "Bøgeskov Skole · Aftaleåret 2027" in card_text(form)
