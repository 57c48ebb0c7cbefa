"""The reminder cards: valid Adaptive Cards 1.5 for every item of the year and every
stage, the button that does the work and `udsæt` for a leader, none for a department
head, Danish and English words, and the administration's list of people Pejling cannot
reach."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest

from cardcheck import schema_errors
from harness import button_data, buttons, card_text
from kort import actions
from kort.catalogue import texts
from kort.reminders import reminder_card, unreached_card
from store.reminderviews import Owing, Reminder, Stage
from store.views import ItemKind

DA, EN = texts("da"), texts("en")
STATUS = Reminder(ItemKind.STATUS, date(2027, 3, 15), 1, 0, Stage.REMIND, 7, (3,))
OWING = Owing("goal:status:2027-03-15:remind:7", STATUS, ((3, "Bøgeskov Skole"),),
              snooze_days=(1, 3, 7))  # fmt: skip


def owing(subject: ItemKind = ItemKind.STATUS, stage: Stage = Stage.REMIND) -> Owing:
    return replace(OWING, reminder=replace(STATUS, subject=subject, stage=stage))


@pytest.mark.parametrize("subject", [ItemKind.DRAFTING, ItemKind.STATUS, ItemKind.MIDWAY,
                                     ItemKind.FINAL_REPORT])  # fmt: skip
@pytest.mark.parametrize("stage", list(Stage))
def test_every_reminder_card_is_valid_in_both_languages(subject: ItemKind, stage: Stage) -> None:
    for language in (DA, EN):
        card = reminder_card(owing(subject, stage), language)
        assert schema_errors(card) == []
        assert "{" not in card_text(card)  # no text left unfilled


def test_a_status_reminder_says_what_by_when_for_which_unit() -> None:
    card = reminder_card(OWING, DA)

    assert card_text(card) == (
        "Tid til statusmelding\n"
        "Meld status på jeres mål – rød, gul eller grøn – senest 15. marts 2027.\n"
        "Mangler for:\n- Bøgeskov Skole"
    )
    assert buttons(card) == ["Meld status", "Udsæt 1 dag", "Udsæt 3 dage", "Udsæt 1 uge"]
    assert button_data(card, "Meld status") == {"action": actions.START_STATUS}
    assert button_data(card, "Udsæt 3 dage") == {
        "action": actions.SNOOZE, "key": OWING.key, "days": 3,
    }  # fmt: skip


def test_a_nudge_says_the_deadline_has_passed() -> None:
    said = card_text(reminder_card(owing(stage=Stage.NUDGE), DA))
    assert said.startswith("Påmindelse: statusmeldingen\n")
    assert "Fristen var 15. marts 2027, og det mangler stadig." in said


def test_an_evaluation_reminder_starts_the_evaluation() -> None:
    card = reminder_card(owing(ItemKind.MIDWAY), DA)
    assert button_data(card, "Skriv midtvejsevaluering") == {
        "action": actions.START_EVALUATION, "kind": "midway",
    }  # fmt: skip
    final = reminder_card(owing(ItemKind.FINAL_REPORT), DA)
    assert button_data(final, "Skriv slutrapport")["kind"] == "final"


def test_a_deputy_is_told_whom_they_stand_in_for() -> None:
    card = reminder_card(replace(OWING, on_behalf_of=("Mette Kjærgaard",)), DA)
    assert "Du får den som stedfortræder for Mette Kjærgaard." in card_text(card)


def test_the_department_head_gets_the_late_units_and_no_buttons() -> None:
    told = replace(owing(stage=Stage.ESCALATE), leaders=("Mette Kjærgaard",))
    card = reminder_card(told, DA)

    assert card_text(card) == (
        "Mangler: statusmeldingen\n"
        "Fristen for statusmeldingen var 15. marts 2027. Disse enheder mangler stadig:\n"
        "- Bøgeskov Skole\n"
        "Ledere: Mette Kjærgaard"
    )
    assert buttons(card) == []


@dataclass(frozen=True)
class Lost:
    name: str
    since: datetime | None = None
    channel: bool = False


def test_the_administrations_list_says_why_each_cannot_be_reached() -> None:
    removed = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)
    card = unreached_card(
        [Lost("Jonas Bach"), Lost("Lise Holm", removed), Lost("Socialudvalget", removed, True)],
        DA,
    )

    assert schema_errors(card) == []
    assert card_text(card).endswith(
        "- Jonas Bach – har aldrig åbnet Pejling\n"
        "- Lise Holm – fjernede Pejling 3. oktober 2026\n"
        "- Kanalen for Socialudvalget – Pejling blev fjernet 3. oktober 2026"
    )
