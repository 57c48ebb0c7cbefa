"""`overblik` on demand, tried as the committee's people would: Jens (politician, Børne- og
Uddannelsesudvalget) asks in his chat and opens a red goal with its course and evaluation;
Henrik (department head) sees his centre's units; Camilla (administration) chooses a
committee; and the committee's channel gets its own overview."""

from __future__ import annotations

from typing import Any

import pytest

from cardcheck import schema_errors
from documentkit import a_year_behind
from fakebf import Message
from harness import CHANNEL, RunningPejling, card_text, walk
from kort import actions
from kort.catalogue import texts


@pytest.fixture
async def autumn(pejling: RunningPejling) -> RunningPejling:
    await a_year_behind(pejling.runtime.sessions, pejling.org)
    return pejling


def texts_of(messages: list[Message]) -> str:
    return "\n".join(card_text(c) for m in messages for c in m.cards) + "\n".join(
        m.text or "" for m in messages
    )


def choices(card: dict[str, Any], field: str) -> dict[str, str]:
    """The options of a drop-down: title → value."""
    for node in walk(card):
        if node.get("type") == "Input.ChoiceSet" and node.get("id") == field:
            return {c["title"]: c["value"] for c in node["choices"]}
    raise AssertionError(f"no drop-down {field!r}")


async def press(
    pejling: RunningPejling, key: str, data: dict[str, Any], where: Any = None
) -> list[Message]:
    place = where or pejling.personal(key)
    before = len(pejling.fake.messages_in(place.conversation_id))
    status, _ = await pejling.post(pejling.wire.execute(pejling.who(key), place, data, None))
    assert status == 200
    return pejling.fake.messages_in(place.conversation_id)[before:]


async def answer(pejling: RunningPejling, key: str, data: dict[str, Any]) -> str:
    """A button's answer that is only text: Teams shows it by the card (the invoke's body)."""
    place = pejling.personal(key)
    status, body = await pejling.post(pejling.wire.execute(pejling.who(key), place, data, None))
    assert status == 200
    return str(body["value"])


@pytest.mark.parametrize("asked", ["overblik", "vis overblikket", "Hvordan går det?"])
async def test_a_politician_asks_for_her_committees_overview(
    autumn: RunningPejling, asked: str
) -> None:
    shown = await autumn.say("jens", asked)
    read = texts_of(shown)
    assert "Overblik: Børne- og Uddannelsesudvalget" in read
    assert "Engholm Skole" in read and "Mindre fravær i udskolingen" in read
    assert "Sundhed" not in read  # not another committee's
    assert all(schema_errors(c) == [] for m in shown for c in m.cards)
    opener = shown[-1].cards[-1]
    assert "Bøgeskov Skole" in choices(opener, "unit")
    buttons = [
        n for m in shown for c in m.cards for n in walk(c) if n.get("type") == "Action.Execute"
    ]
    assert any(b["data"].get("action") == actions.DOCUMENT for b in buttons)


async def test_she_opens_a_red_goal_and_sees_its_course_and_evaluation(
    autumn: RunningPejling,
) -> None:
    opener = (await autumn.say("jens", "overblik"))[-1].cards[-1]
    goals = choices(opener, "goal")
    red = goals["Engholm Skole: Mindre fravær i udskolingen"]
    (card,) = (await press(autumn, "jens", {"action": actions.OPEN_GOAL, "goal": red}))[-1].cards
    read = card_text(card)
    assert "Forløb: R · R" in read  # October and November, as letters too
    (picture,) = [n for n in walk(card) if n.get("type") == "Image"]
    assert picture["url"].startswith("data:image/png;base64,")
    assert len(picture["url"]) < 20_000  # a few kilobytes: the card stays light
    assert picture["altText"] == "Forløb: R · R"
    assert "Fraværet falder ikke endnu" in read
    assert schema_errors(card) == []
    trivsel = goals["Bøgeskov Skole: Flere elever trives i frikvartererne"]
    (card,) = (await press(autumn, "jens", {"action": actions.OPEN_GOAL, "goal": trivsel}))[
        -1
    ].cards
    read = card_text(card)
    assert "Forløb: Gu · R · Gu" in read
    # The midway evaluation once, set apart under its name; the course adds only the
    # final report's effect against the expected one.
    assert "Midtvejsevaluering 2026\n● Gul" in read
    assert read.count("Færre konflikter på mellemtrinnet") == 1


async def test_a_unit_page_lists_its_goals_with_their_course(autumn: RunningPejling) -> None:
    opener = (await autumn.say("jens", "overblik"))[-1].cards[-1]
    unit = choices(opener, "unit")["Bøgeskov Skole"]
    (card,) = (await press(autumn, "jens", {"action": actions.SHOW_UNIT, "unit": unit}))[-1].cards
    read = card_text(card)
    assert "Bøgeskov Skole" in read and "Leder: Mette Kjærgaard" in read
    assert "Flere elever trives i frikvartererne" in read and "Styrket læsning" in read
    assert schema_errors(card) == []
    # Inger sits on another committee: the same unit is not hers to open.
    refused = await answer(autumn, "inger", {"action": actions.SHOW_UNIT, "unit": unit})
    assert refused == "Jeg kender ikke den enhed."


async def test_a_department_head_sees_his_department_and_the_administration_chooses(
    autumn: RunningPejling,
) -> None:
    henrik = texts_of(await autumn.say("henrik", "overblik"))
    assert "Overblik: Børne- og Uddannelsesudvalget" in henrik and "Bøgeskov Skole" in henrik
    choice = (await autumn.say("camilla", "overblik"))[-1].cards[-1]
    committees = {n["title"]: n["data"] for n in walk(choice) if n.get("type") == "Action.Execute"}
    assert len(committees) == 3  # every committee of the municipality
    buu = committees["Børne- og Uddannelsesudvalget"]
    assert "Overblik: Børne- og Uddannelsesudvalget" in texts_of(
        await press(autumn, "camilla", buu)
    )
    # A politician pressing another committee's choice gets nothing of it.
    refused = await answer(autumn, "inger", buu)
    assert refused.startswith("Du er ikke knyttet til et udvalg")


async def test_the_committees_channel_gets_its_own_overview(autumn: RunningPejling) -> None:
    unlinked = await autumn.say("jens", "overblik", CHANNEL)
    assert unlinked[-1].text.startswith("Kanalen er ikke tilknyttet et udvalg endnu.")
    await autumn.say("camilla", "tilknyt buu", CHANNEL)
    shown = await autumn.say("jens", "overblik", CHANNEL)
    assert "Overblik: Børne- og Uddannelsesudvalget" in texts_of(shown)
    red = choices(shown[-1].cards[-1], "goal")["Engholm Skole: Mindre fravær i udskolingen"]
    opened = await press(autumn, "jens", {"action": actions.OPEN_GOAL, "goal": red}, CHANNEL)
    assert "Forløb: R · R" in card_text(opened[-1].cards[-1])


async def test_someone_without_a_committee_is_told_so(autumn: RunningPejling) -> None:
    told = await autumn.say("mette", "overblik")
    assert told[-1].text.startswith("Du er ikke knyttet til et udvalg eller et center")


@pytest.mark.parametrize("number", [2**40, 2**70, "99999999999999999999", -3, "syv"])
async def test_a_goal_or_unit_no_row_can_have_is_refused_kindly(
    autumn: RunningPejling, number: Any
) -> None:
    """A forged id larger than any column holds reached the database and failed the turn."""
    goal = await answer(autumn, "jens", {"action": actions.OPEN_GOAL, "goal": number})
    unit = await answer(autumn, "jens", {"action": actions.SHOW_UNIT, "unit": number})

    assert goal == texts("da")("maal.ukendt")
    assert unit == "Jeg kender ikke den enhed."
