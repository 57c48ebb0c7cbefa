"""The midway evaluation and the final report end to end, over HTTP through the fake Bot
Framework service: typed and on the card, the department head told and reading it on the
goal, and forged or foreign goal ids on cards refused in Danish with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from cardcheck import schema_errors
from fakebf import FakeBotFramework
from goalkit import last_card, personal_messages, press, send_card_data, sent_cards
from harness import (
    RunningPejling,
    at,
    card_text,
    goal_id,
    progress_of,
    rows,
    shown,
    table_counts,
)
from kort import actions
from store.enums import GoalState
from store.models import Evaluation, Goal

TYPED = [
    "1",
    "gul",
    "Legepatruljen kører; målingen mangler 9 point.",
    "Færre konflikter på mellemtrinnet.",
    "Frikvartersmåling 9/2026: 71 % (mål 80 %).",
]
NOT_YOURS = "Det mål hører ikke til en af dine enheder, så du kan ikke evaluere det."


@pytest.fixture(autouse=True)
def every_card_is_valid(fake_bf: FakeBotFramework) -> Any:
    """After each test: every card the bot sent to the connector is a valid 1.5 card."""
    yield
    for card in sent_cards(fake_bf):
        assert schema_errors(card) == [], card_text(card)[:200]


async def evaluations(pejling: RunningPejling) -> list[Evaluation]:
    return await rows(pejling, select(Evaluation).order_by(Evaluation.id))


async def test_a_typed_midway_evaluation_reaches_the_department_head(
    pejling: RunningPejling,
) -> None:
    at(pejling, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    await pejling.say("henrik", "hej")  # so Pejling can write to him later
    started = await pejling.say("mette", "midtvejsevaluering")
    assert any((m.text or "").startswith("Hvilket mål vil du evaluere?") for m in started)
    for typed in TYPED:
        await pejling.say("mette", typed)

    saved = await pejling.say("mette", "gem")

    assert "er gemt som **Gul**.\n\nDin fagchef har fået den." in (saved[0].text or "")
    [row] = await evaluations(pejling)
    assert (row.kind, row.year, row.color) == ("midway", 2026, "yellow")
    told = last_card(personal_messages(pejling, "henrik"))
    assert "Mette Kjærgaard har lavet en midtvejsevaluering" in " ".join(
        m.text or "" for m in personal_messages(pejling, "henrik")
    )
    opened, _ = await press(pejling, "henrik", told, "Vis målet")
    assert "Midtvejsevaluering 2026" in card_text(opened)
    assert "Frikvartersmåling 9/2026: 71 % (mål 80 %)." in card_text(opened)


async def test_a_final_report_on_the_form_closes_the_goal(pejling: RunningPejling) -> None:
    at(pejling, datetime(2030, 2, 15, 10, 0, tzinfo=UTC))  # the first quarter after the period
    await pejling.say("mette", "slutrapport")
    [form] = [m for m in await pejling.say("mette", "1") if m.cards]
    inputs = {
        "color": "green",
        "criteria": "Alle nået.",
        "effect": "Flere trives.",
        "evidence": "Trivselsmålingen 2029.",
        "effect_assessment": "Som forventet.",
    }

    review, _ = await press(pejling, "mette", form, "Gennemse", inputs)
    assert "Slutrapport 2029" in card_text(review)
    receipt, _ = await press(pejling, "mette", shown(form, review), "Gem")

    assert "Slutrapport 2029" in card_text(receipt) and "Grøn" in card_text(receipt)
    [row] = await evaluations(pejling)
    assert (row.kind, row.year, row.effect_assessment) == ("final", 2029, "Som forventet.")
    [goal] = await rows(pejling, select(Goal).where(Goal.id == row.goal_id))
    assert goal.state == GoalState.CLOSED


async def test_a_forged_or_foreign_goal_on_a_card_is_refused_in_danish(
    pejling: RunningPejling,
) -> None:
    at(pejling, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    engholm = await goal_id(pejling, "engholm-skole-fravaer")
    [mine] = await pejling.say("mette", "mine mål")
    before = await table_counts(pejling)

    foreign = {"action": actions.START_EVALUATION, "kind": "midway", "goal": engholm}
    refused, _ = await send_card_data(pejling, "mette", mine, foreign)
    assert refused == NOT_YOURS
    forged = {"action": actions.START_EVALUATION, "kind": "midway", "goal": "999999999999"}
    refused, _ = await send_card_data(pejling, "mette", mine, forged)
    assert refused == "Det mål kan jeg ikke finde. Vælg et af dine mål på listen."
    assert await table_counts(pejling) == before
    assert await progress_of(pejling, "mette") == []

    # Inside the dialogue, a goal that is not hers on the list's button is refused too.
    listed = [m for m in await pejling.say("mette", "midtvejsevaluering") if m.cards][-1]
    [dialogue] = await progress_of(pejling, "mette")
    inside = {"action": actions.ANSWER, "progress": dialogue.id, "step": "goal", "goal": engholm}
    refused, _ = await send_card_data(pejling, "mette", listed, inside)
    assert NOT_YOURS in str(refused)
    assert await evaluations(pejling) == []


async def test_the_department_head_answers_the_midway_evaluation_and_the_leader_sees_it(
    pejling: RunningPejling,
) -> None:
    """004: the midway evaluation is held between the leader and the department head. He
    answers on the card he got — not agreed, with a comment — and signs it off; Mette is
    told and reads the answer on her goal."""
    at(pejling, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    await pejling.say("henrik", "hej")
    await pejling.say("mette", "midtvejsevaluering")
    for typed in TYPED:
        await pejling.say("mette", typed)
    await pejling.say("mette", "gem")
    told = last_card(personal_messages(pejling, "henrik"))
    assert "Er du enig i evalueringen?" in card_text(told.cards[-1])

    refused, _ = await press(pejling, "henrik", told, "Underskriv", {"head_agrees": "no"})
    assert refused == "Skriv en kommentar, når du ikke er enig, så lederen ved hvorfor."
    comment = {"head_agrees": "no", "head_comment": "Målingen fra 4. klasse mangler."}
    signed, said = await press(pejling, "henrik", told, "Underskriv", comment)

    assert "Du har underskrevet midtvejsevalueringen" in " ".join(m.text or "" for m in said)
    assert "Ikke enig" in card_text(signed) and "Underskrevet af Henrik Lund" in card_text(signed)
    [row] = await evaluations(pejling)
    assert (row.head_agrees, row.head_comment) == (False, "Målingen fra 4. klasse mangler.")
    heard = " ".join(m.text or "" for m in personal_messages(pejling, "mette"))
    assert "Henrik Lund har svaret på din midtvejsevaluering" in heard
    opened, _ = await press(pejling, "mette", last_card(personal_messages(pejling, "mette")),
                            "Vis målet")  # fmt: skip
    assert "Fagchefens svar" in card_text(opened)
    assert "Målingen fra 4. klasse mangler." in card_text(opened)
