"""A joint dialogue meeting on cards: the administration's choice of the other committees,
the invitation their politicians get, and the meeting's card saying who takes part."""

from __future__ import annotations

from typing import Any

import pytest

from cardcheck import schema_errors
from harness import buttons, card_text
from kort.catalogue import texts
from kort.common import walk
from kort.joint_meetings import joint_form_card, joint_invitation_card
from kort.meetings import meeting_card
from test_cards_meetings import meeting

T, EN = texts("da"), texts("en")
JOINT = meeting(joint=((4, "Social- og Sundhedsudvalget"), (5, "Kultur- og Fritidsudvalget")))
OTHERS = [
    (5, "Kultur- og Fritidsudvalget"),
    (4, "Social- og Sundhedsudvalget"),
    (6, "Økonomiudvalget"),
]

CARDS: dict[str, dict[str, Any]] = {
    "joint_form": joint_form_card(JOINT, OTHERS, T),
    "joint_invitation": joint_invitation_card(JOINT, T),
    "joint_meeting": meeting_card(JOINT, T, administration=True),
    "joint_form_en": joint_form_card(JOINT, OTHERS, EN),
}


@pytest.mark.parametrize("name", list(CARDS))
def test_every_joint_meeting_card_is_a_valid_adaptive_card_1_5(name: str) -> None:
    assert schema_errors(CARDS[name]) == []


def test_the_form_offers_the_other_committees_with_those_taking_part_chosen() -> None:
    [choices] = [n for n in walk(CARDS["joint_form"]) if n.get("id") == "committees"]
    assert [c["title"] for c in choices["choices"]] == [name for _, name in OTHERS]
    assert choices["isMultiSelect"] is True and choices["value"] == "4,5"
    assert buttons(CARDS["joint_form"]) == ["Gem udvalgene"]


def test_the_meeting_says_who_takes_part_and_the_invitation_whose_meeting_it_is() -> None:
    assert "Sammen med: Social- og Sundhedsudvalget, Kultur- og Fritidsudvalget" in card_text(
        CARDS["joint_meeting"]
    )
    invited = card_text(CARDS["joint_invitation"])
    assert invited.startswith("Invitation til fælles dialogmøde\nDit udvalg deltager i et fælles")
    assert "Fælles møde" in buttons(CARDS["joint_meeting"])
    assert "Sammen med" not in card_text(meeting_card(meeting(), T, administration=True))
