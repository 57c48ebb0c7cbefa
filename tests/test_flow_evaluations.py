"""The midway evaluation and the final report as the demo municipality's leaders use them,
one turn at a time through the router over a real store: typed, on the form, changed at
the review, goal by goal; refused in Danish when something is wrong, with nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from cardcheck import schema_errors
from chatkit import Chat, chat_with, submitted
from dialoger.engine import PENDING
from dialoger.turn import Target, TurnResult
from flowkit import cards_of, texts_of
from goalkit import button_for
from harness import buttons, card_text
from kort import actions
from kort.catalogue import texts
from kort.help import help_card
from store.enums import GoalState
from store.models import Evaluation, Goal
from store.orgfile import OrgFile
from store_helpers import Sessions, by_key, edited, imported, with_profile

T = texts("da")
# Flow tests, not store tests: SQLite is enough (the store tests cover PostgreSQL).
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
TRIVSEL = "Flere elever trives i frikvartererne"
LAESNING = "Styrket læsning i indskolingen"
# Mette's midway evaluation of her first goal, after `midtvejsevaluering` and `1`.
TYPED = [
    "gul",
    "Legepatruljen kører; målingen mangler 9 point.",
    "Færre konflikter på mellemtrinnet.",
    "Frikvartersmåling 9/2026: 71 % (mål 80 %).",
]
IN_2029 = datetime(2029, 11, 1, 9, 0, tzinfo=UTC)  # the last year of the demo's period


def valid(result: TurnResult) -> TurnResult:
    """Every card of the turn, the replies' and the notices', is a valid 1.5 card."""
    for card in [r.card for r in result.replies if r.card] + [n.card for n in result.notices]:
        assert card is not None and schema_errors(card) == [], card_text(card or {})[:200]
    return result


def last_card(result: TurnResult) -> dict[str, Any]:
    return [r.card for r in result.replies if r.card][-1]


async def evaluations_of(chat: Chat) -> list[Evaluation]:
    async with chat.sessions() as session:
        return list(await session.scalars(select(Evaluation).order_by(Evaluation.id)))


@pytest.fixture
async def chat(sessions: Sessions, demo: OrgFile) -> Chat:
    return await chat_with(sessions, demo)


async def test_a_typed_midway_evaluation_goes_to_the_department_head(chat: Chat) -> None:
    started = valid(await chat.say("mette", "midtvejsevaluering"))
    intro, question = texts_of(started.replies)
    assert "fagchef" in intro and question == T("evaluering.vaelg_maal")
    assert TRIVSEL in card_text(last_card(started)) and "Mangler" in card_text(last_card(started))

    color = valid(await chat.say("mette", "1"))
    [asked] = texts_of(color.replies)
    assert f"Hvor står »{TRIVSEL}« i forhold til succeskriterierne?" in asked
    assert "Målet har ingen succeskriterier" in asked and "Forventet effekt: Færre" in asked
    # Midway, Hvidovre's own words for what is expected (000: "på rette spor").
    assert "Rød: ikke på rette spor · Gul: i risiko · Grøn: på rette spor" in asked
    [form] = cards_of(color.replies, Target.NEW)
    assert {"color", "criteria", "effect", "evidence"} <= {n.get("id") for n in form["body"]}

    evidence = await chat.say("mette", *TYPED[:3])
    assert "Målets datakilde: Den nationale trivselsmåling" in texts_of(evidence.replies)[0]
    review = valid(await chat.say("mette", TYPED[3]))
    assert texts_of(review.replies)[0].startswith("Sådan ser din midtvejsevaluering ud")
    shown = card_text(last_card(review))
    assert "Midtvejsevaluering 2026" in shown and "Frikvartersmåling 9/2026" in shown
    assert buttons(last_card(review)).count("Ret") == 4

    saved = valid(await chat.say("mette", "gem"))
    thanks = texts_of(saved.replies)[0]
    assert thanks.startswith(f"Tak! Din midtvejsevaluering af »{TRIVSEL}« er gemt som **Gul**.")
    assert "Din fagchef har fået den." in thanks and f"Næste mål: »{LAESNING}«" in thanks
    assert chat.told(saved) == ["henrik"]
    [notice] = saved.notices
    assert notice.text == T("evaluering.til_fagchef", leader="Mette Kjærgaard", goal=TRIVSEL,
                            unit="Bøgeskov Skole")  # fmt: skip
    assert notice.card is not None and "Vis målet" in buttons(notice.card)
    [row] = await evaluations_of(chat)
    assert (row.kind, row.year, row.color, row.effect) == ("midway", 2026, "yellow", TYPED[2])
    assert await chat.dialogue("mette") is None


async def test_the_receipt_leads_to_the_next_goal_and_the_form_answers_everything(
    chat: Chat,
) -> None:
    await chat.say("mette", "midtvejsevaluering", "1", *TYPED)
    saved = await chat.say("mette", "gem")

    following = valid(await chat.press_on("mette", saved, "Næste mål"))
    [form] = cards_of(following.replies, Target.REPLACE)
    assert LAESNING in card_text(form)
    review = valid(
        await chat.press(
            "mette",
            submitted(form, "Gennemse", color="green", criteria="Alle nået.",
                      effect="Flere læser alderssvarende.", evidence="Læseprøver 10/2026."),
        )
    )  # fmt: skip
    [card] = cards_of(review.replies, Target.REPLACE)
    assert "Grøn" in card_text(card)

    again = valid(await chat.press("mette", button_for(card, "Ret", field="effect")))
    [form] = cards_of(again.replies, Target.REPLACE)
    effect = next(n for n in form["body"] if n.get("id") == "effect")
    assert effect["value"] == "Flere læser alderssvarende."  # kept while it is changed
    review = await chat.press("mette", submitted(form, "Gennemse", effect="Flere læser godt."))
    done = valid(await chat.press_on("mette", review, "Gem"))

    assert "Alle dine mål har nu fået en midtvejsevaluering for 2026." in texts_of(done.replies)[0]
    assert [r.effect for r in await evaluations_of(chat)][-1] == "Flere læser godt."


async def test_a_wrong_answer_is_explained_and_nothing_typed_is_lost(chat: Chat) -> None:
    await chat.say("mette", "midtvejsevaluering", "1")
    refused = await chat.say("mette", "lilla")
    assert texts_of(refused.replies)[0] == T("status.farve_ugyldig", answer="lilla")
    assert cards_of(refused.replies) == []  # the form is in the chat already

    await chat.say("mette", "gul")
    skipped = await chat.say("mette", "spring over")
    assert texts_of(skipped.replies)[0] == T("dialog.kan_ikke_springes_over")
    long = "x" * 2100
    too_long = await chat.say("mette", long)
    assert texts_of(too_long.replies)[0] == T("evaluering.for_lang", limit=2000, length=2100)
    kept = await chat.dialogue("mette")
    assert kept is not None and kept.step == "criteria"
    assert kept.answers[PENDING]["criteria"] == long and kept.answers["color"] == "yellow"

    # Away and back: the same dialogue, at the same question.
    resumed = await chat.say("mette", "midtvejsevaluering")
    assert texts_of(resumed.replies)[0] == T("dialog.allerede_i_gang")
    assert "Hvordan er succeskriterierne indfriet?" in texts_of(resumed.replies)[1]


async def test_at_the_review_a_typed_name_goes_back_to_that_answer(chat: Chat) -> None:
    await chat.say("mette", "midtvejsevaluering", "1", *TYPED)
    back = await chat.say("mette", "ret dokumentation")
    assert "Hvad bygger du det på?" in texts_of(back.replies)[0]
    review = await chat.say("mette", "Trivselsmålingen 2026.")
    assert "Trivselsmålingen 2026." in card_text(last_card(review))
    unclear = await chat.say("mette", "måske")
    assert texts_of(unclear.replies)[0] == T("evaluering.review_ugyldig")
    assert await evaluations_of(chat) == []


async def test_a_forged_or_foreign_goal_on_a_card_is_refused_and_changes_nothing(
    chat: Chat,
) -> None:
    async with chat.sessions() as session:
        engholm = await session.scalar(select(Goal.id).where(Goal.key == "engholm-skole-fravaer"))
    start = {"action": actions.START_EVALUATION, "kind": "midway"}
    foreign = await chat.press("mette", {**start, "goal": engholm})
    assert texts_of(foreign.replies) == [T("evaluering.ikke_dit_maal")]
    for forged, key in [({**start, "goal": "1 OR 1=1"}, "evaluering.ukendt_maal"),
                        ({**start, "goal": 999_999}, "evaluering.ukendt_maal"),
                        ({**start, "kind": "weekly"}, "evaluering.ukendt_slags")]:  # fmt: skip
        assert texts_of((await chat.press("mette", forged)).replies) == [T(key)]
    assert await chat.dialogue("mette") is None

    await chat.say("mette", "midtvejsevaluering")
    dialogue = await chat.dialogue("mette")
    assert dialogue is not None
    inside = {"action": actions.ANSWER, "progress": dialogue.id, "step": "goal", "goal": engholm}
    refused = await chat.press("mette", inside)
    assert texts_of(refused.replies)[0] == T("evaluering.ikke_dit_maal")
    assert await evaluations_of(chat) == []


async def test_an_evaluated_goal_opens_at_the_review_to_be_changed(chat: Chat) -> None:
    await chat.say("mette", "midtvejsevaluering", "1", *TYPED, "gem")
    [row] = await evaluations_of(chat)
    opened = valid(await chat.press("mette", {"action": actions.START_EVALUATION,
                                              "kind": "midway", "goal": row.goal_id}))  # fmt: skip
    assert "Legepatruljen kører" in card_text(last_card(opened))
    saved = await chat.say("mette", "gem")
    assert "Den erstatter den, du gav før." in texts_of(saved.replies)[0]
    assert len(await evaluations_of(chat)) == 1


async def test_the_final_report_asks_for_the_effect_against_the_expected_and_closes_the_goal(
    chat: Chat,
) -> None:
    early = await chat.say("mette", "slutrapport")
    assert texts_of(early.replies) == [T("evaluering.ingen_maal.final")]

    chat.now = IN_2029
    await chat.say("mette", "slutrapport", "1", *TYPED)
    dialogue = await chat.dialogue("mette")
    assert dialogue is not None and dialogue.step == "effect_assessment"
    review = valid(await chat.say("mette", "Som forventet på mellemtrinnet."))
    assert "Slutrapport 2029" in card_text(last_card(review))
    saved = valid(await chat.say("mette", "gem"))

    assert "Målet er lukket for perioden." in texts_of(saved.replies)[0]
    assert saved.notices == ()  # the final report is not the department head's meeting
    [row] = await evaluations_of(chat)
    async with chat.sessions() as session:
        goal = await session.get_one(Goal, row.goal_id)
    assert (row.kind, row.year, goal.state) == ("final", 2029, GoalState.CLOSED)
    assert row.effect_assessment == "Som forventet på mellemtrinnet."


async def test_the_department_head_reads_it_on_the_goal_card(chat: Chat) -> None:
    saved = await chat.say("mette", "midtvejsevaluering", "1", *TYPED, "gem")
    [notice] = saved.notices
    assert notice.card is not None
    shown = valid(await chat.press("henrik", button_for(notice.card, "Vis målet")))
    text = card_text(last_card(shown))
    assert "Midtvejsevaluering 2026" in text and "Færre konflikter på mellemtrinnet." in text
    assert "Seneste status: Gul" in text  # the status update is shown apart from it

    refused = await chat.say("henrik", "midtvejsevaluering")
    assert texts_of(refused.replies) == [T("evaluering.ingen_enheder")]


async def test_without_goals_there_is_nothing_to_evaluate(
    sessions: Sessions, demo: OrgFile
) -> None:
    dragoer = await imported(sessions, with_profile(demo, "dragoer"))
    chat = await chat_with(sessions, dragoer)
    for command in ("midtvejsevaluering", "slutrapport"):
        said = await chat.say("mette", command)
        assert texts_of(said.replies) == [T("maal.bruges_ikke")]
    light = card_text(help_card(T, leads=True, uses_goals=False))
    assert "midtvejsevaluering" not in light and "slutrapport" not in light
    assert "midtvejsevaluering" in card_text(help_card(T, leads=True))


async def test_an_evaluation_of_a_unit_no_longer_led_ends_and_is_not_put_on_another_goal(
    chat: Chat,
) -> None:
    """Halfway through her midway evaluation, a new organisation file makes Mette the
    leader of Engholm Skole instead: she is told, gets her words back, and nothing is
    saved on Engholm Skole's goal."""
    await chat.say("mette", "midtvejsevaluering", "1", *TYPED[:2])
    moved = edited(chat.org, lambda raw: by_key(raw["people"], "mette").update(
        roles=[{"role": "unit_leader", "scope": "engholm-skole"}]))  # fmt: skip
    await imported(chat.sessions, moved)

    ended = valid(await chat.say("mette", TYPED[2]))
    again = await chat.say("mette", TYPED[3], "gem", "1", "gem")

    said = "\n".join(texts_of(ended.replies))
    assert T("evaluering.ikke_dit_maal") in said
    assert TYPED[1] in said and TYPED[2] in said
    assert await chat.dialogue("mette") is None
    assert await evaluations_of(chat) == []
    assert T("fejl.teknisk") not in "\n".join(texts_of(again.replies))
