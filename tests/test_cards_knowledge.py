"""The committee's knowledge pack on cards: as the channel gets it, in the meeting pack,
and the administration's form — read as the politicians and the council secretary would."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import test_cards_meetings
from cardcheck import schema_errors
from harness import card_text
from kort import actions
from kort.catalogue import texts
from kort.common import walk
from kort.digests import SIZE_LIMIT, card_size
from kort.knowledge import figure, knowledge_form_card, knowledge_pack_card
from kort.meeting_pack import pack_cards
from store.enums import KnowledgeKind
from store.meetingviews import KnowledgeItemView, KnowledgePackView

T, EN = texts("da"), texts("en")
ITEMS = (
    KnowledgeItemView(1, KnowledgeKind.FIGURE, "Trivsel i indskolingen",
                      "Andel der svarer »ofte god«.", value=82.0, unit="%", year=2026),
    KnowledgeItemView(2, KnowledgeKind.FIGURE, "Sygefravær blandt pædagoger", value=4.5,
                      unit="dage pr. måned"),
    KnowledgeItemView(3, KnowledgeKind.TEXT, "Flere børn med særlige behov",
                      "Antallet af børn med støtte er steget 12 % på to år."),
    KnowledgeItemView(4, KnowledgeKind.LINK, "Kvalitetsrapport 2026",
                      url="https://boegeskov.dk/kvalitetsrapport-2026"),
)  # fmt: skip
PACK = KnowledgePackView(7, "Børne- og Uddannelsesudvalget", 3, "Valgperioden 2026–2029", ITEMS)
EMPTY = replace(PACK, items=())

CARDS: dict[str, dict[str, Any]] = {
    "channel": knowledge_pack_card(PACK, T),
    "form": knowledge_form_card(PACK, T),
    "form_empty": knowledge_form_card(EMPTY, T),
    "meeting_pack": pack_cards(replace(test_cards_meetings.PACK, knowledge=ITEMS), T)[0],
    "channel_en": knowledge_pack_card(PACK, EN),
    "form_en": knowledge_form_card(PACK, EN),
}


@pytest.mark.parametrize("name", list(CARDS))
def test_every_knowledge_card_is_a_valid_adaptive_card_that_fits_in_teams(name: str) -> None:
    assert schema_errors(CARDS[name]) == []
    assert card_size(CARDS[name]) <= SIZE_LIMIT


def test_the_channel_reads_key_figures_trends_and_links_in_danish() -> None:
    shown = card_text(CARDS["channel"])
    assert "Viden før dialogmøderne: Børne- og Uddannelsesudvalget" in shown
    assert "dialogmøderne i Valgperioden 2026–2029" in shown
    assert "Nøgletal\nTrivsel i indskolingen (2026): 82 %\nAndel der svarer »ofte god«." in shown
    assert "Sygefravær blandt pædagoger: 4,5 dage pr. måned" in shown
    assert "Tendenser og målinger\nFlere børn med særlige behov\nAntallet af børn" in shown
    assert "Links\n[Kvalitetsrapport 2026](https://boegeskov.dk/kvalitetsrapport-2026)" in shown


def test_figures_are_written_the_danish_way() -> None:
    assert [figure(v) for v in (82.0, 4.5, 1250.0, 1250.25, 0.1)] == [
        "82", "4,5", "1.250", "1.250,25", "0,1",
    ]  # fmt: skip


def test_the_meeting_pack_opens_with_the_committees_knowledge() -> None:
    shown = card_text(CARDS["meeting_pack"])
    assert "Viden før dialogmøderne" in shown
    assert shown.index("Trivsel i indskolingen (2026): 82 %") < shown.index("Udvalgets pejlemærker")
    assert "Viden før dialogmøderne" not in card_text(pack_cards(test_cards_meetings.PACK, T)[0])


def test_the_form_offers_each_piece_for_removal_and_the_pack_for_the_channel() -> None:
    verbs = [n["verb"] for n in walk(CARDS["form"]) if n.get("type") == "Action.Execute"]
    assert verbs.count(actions.REMOVE_KNOWLEDGE) == len(ITEMS)
    assert verbs[-2:] == [actions.SAVE_KNOWLEDGE, actions.POST_KNOWLEDGE]
    inputs = [n["id"] for n in walk(CARDS["form"]) if str(n.get("type")).startswith("Input.")]
    assert inputs == ["kind", "title", "text", "url", "value", "unit", "year"]


def test_an_empty_pack_cannot_be_sent_and_says_so() -> None:
    verbs = [n["verb"] for n in walk(CARDS["form_empty"]) if n.get("type") == "Action.Execute"]
    assert verbs == [actions.SAVE_KNOWLEDGE]
    assert "Der er ikke lagt noget ind endnu." in card_text(CARDS["form_empty"])
