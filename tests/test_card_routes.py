"""Card buttons are routed on their verb through one table: every verb on every card the
code can build has a handler (in dialoger/cards.ROUTES, or at the edge in bot/ for the few
in kort.actions.AT_THE_EDGE), every handler is reachable from some card, and a card posted
before verbs (the action only in its data) still works."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot import document_buttons
from bot.convert import activity_from_json, to_turn
from bot.devtools.chat.wire import TeamsWire, Where, Who
from cardzoo import zoo
from dialoger.cards import ROUTES
from harness import RunningPejling, install
from kort import actions
from kort.common import button, button_rows, walk


def answer(pejling: RunningPejling, body: dict[str, Any]) -> str:
    """What mette saw: the card that replaced the pressed one, or the new messages."""
    sent = pejling.fake.messages_in(pejling.personal("mette").conversation_id)
    return str(body.get("value")) + " ".join(str(m.text) + str(m.cards) for m in sent)


def executes(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in walk(card) if n.get("type") == "Action.Execute"]


@pytest.mark.parametrize("name", list(zoo()))
def test_every_button_has_a_verb_with_a_handler(name: str) -> None:
    for action in executes(zoo()[name]):
        assert action.get("verb") in set(ROUTES) | actions.AT_THE_EDGE, (name, action.get("title"))
        # The Action.Submit fallback and cards of older clients name it in the data.
        assert action["data"]["action"] == action["verb"]
        assert action["fallback"]["data"]["action"] == action["verb"]


def test_every_handler_is_reachable_from_some_card() -> None:
    on_cards = {a["verb"] for card in zoo().values() for a in executes(card)}

    assert (set(ROUTES) | actions.AT_THE_EDGE) - on_cards == set()


def test_the_table_and_the_edge_together_are_the_action_names() -> None:
    assert set(ROUTES) | actions.AT_THE_EDGE == actions.ALL
    assert set(ROUTES) & actions.AT_THE_EDGE == set()
    assert actions.DESTRUCTIVE < actions.ALL


WIRE = TeamsWire("https://smba.trafficmanager.net/emea/tenant/")
METTE = Who("29:mette", "Mette Kjærgaard", "aad-mette")
PERSONAL = Where.personal("6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10", METTE)


def pressed(verb: str) -> Any:
    """The turn of a button with `verb` pressed, as the bot reads it off the wire."""
    activity = WIRE.execute(METTE, PERSONAL, {}, "m-1", verb=verb)
    return to_turn(activity_from_json(activity), datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize("verb", sorted(actions.AT_THE_EDGE))
def test_the_edge_answers_each_of_its_verbs(verb: str) -> None:
    """bot/handler.py asks bot/dokumentknap before the dialogues; a verb set apart for the
    edge and not claimed there would reach no handler at all."""
    assert document_buttons.wants_document(pressed(verb))


@pytest.mark.parametrize("verb", sorted(ROUTES))
def test_the_edge_leaves_the_dialogues_verbs_to_them(verb: str) -> None:
    assert not document_buttons.wants_document(pressed(verb))


def test_a_button_without_a_known_action_cannot_be_built() -> None:
    with pytest.raises(ValueError):
        button("Gør noget", {"action": "goal.nothing"})
    with pytest.raises(ValueError):
        button("Gør noget", {"goal": 3})


async def test_a_verb_alone_is_enough(pejling: RunningPejling) -> None:
    """The Agents Playground sends the verb; the data need not repeat it."""
    await install(pejling, "mette")
    place = pejling.personal("mette")
    activity = pejling.wire.execute(pejling.who("mette"), place, {}, "m-1", verb=actions.MY_GOALS)

    status, body = await pejling.post(activity)

    assert status == 200, body
    assert "Dine mål" in answer(pejling, body)


async def test_a_card_posted_before_verbs_still_works(pejling: RunningPejling) -> None:
    await install(pejling, "mette")
    place = pejling.personal("mette")
    old = pejling.wire.execute(pejling.who("mette"), place, {"action": actions.MY_GOALS}, "m-1")

    status, body = await pejling.post(old)

    assert status == 200, body
    assert "Dine mål" in answer(pejling, body)


async def test_the_verb_wins_over_the_data(pejling: RunningPejling) -> None:
    await install(pejling, "mette")
    place = pejling.personal("mette")
    data = {"action": "goal.nothing"}
    activity = pejling.wire.execute(pejling.who("mette"), place, data, "m-1", verb=actions.MY_GOALS)

    status, body = await pejling.post(activity)

    assert status == 200, body
    assert "Dine mål" in answer(pejling, body)


@pytest.mark.parametrize("name", list(zoo()))
def test_at_most_three_buttons_a_row_and_destructive_ones_alone(name: str) -> None:
    for row in (n for n in walk(zoo()[name]) if n.get("type") == "ActionSet"):
        verbs = [a.get("verb") for a in row["actions"]]
        assert len(verbs) <= 3, (name, verbs)
        if any(v in actions.DESTRUCTIVE for v in verbs):
            assert len(verbs) == 1, (name, verbs)


def test_button_rows_keep_the_destructive_ones_last_and_apart() -> None:
    meeting = {"meeting": 7}
    shown = [
        button("Ret mødet", {"action": actions.EDIT_MEETING, **meeting}),
        button("Aflys mødet", {"action": actions.CANCEL_MEETING, **meeting}),
        button("Send mødepakken nu", {"action": actions.SEND_PACK, **meeting}),
        button("Skriv referat", {"action": actions.WRITE_SUMMARY, **meeting}),
        button("Vis mødet", {"action": actions.SHOW_MEETING, **meeting}),
    ]

    rows = [[b.title for b in row.actions] for row in button_rows(*shown)]

    assert rows == [
        ["Ret mødet", "Send mødepakken nu", "Skriv referat"],
        ["Vis mødet"],
        ["Aflys mødet"],
    ]
