"""Every card builder, on representative data: valid Adaptive Cards 1.5, colour never the
only signal, digests within Teams' size limits, and golden files for the main cards.

Run with PEJLING_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change,
then read the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cardcheck import schema_errors
from harness import buttons, card_text, walk
from kort.catalogue import texts
from kort.common import notice_card
from kort.digests import SIZE_LIMIT, UNKNOWN_TOTAL, _digest_card, digest_cards, paginate
from kort.help import channel_help_card, help_card
from kort.status import goal_list_card, status_form_card, status_saved_card
from store.enums import Color, ColorScale, GoalState
from store.views import (
    BearingView,
    DigestBearing,
    DigestGoal,
    DigestSummary,
    DigestUnit,
    DigestView,
    DigestWindow,
    GoalView,
    PeriodView,
    StatusView,
)

GOLDEN = Path(__file__).parent / "golden"
T = texts("da")
WHEN = datetime(2026, 11, 22, 13, 5, tzinfo=UTC)


def status(color: Color, days_ago: int = 0, narrative: str = "Det går fremad.") -> StatusView:
    return StatusView(
        color, narrative, "Måling 9/2026: 71 %", WHEN - timedelta(days=days_ago), "Mette Kjærgaard"
    )


GOALS = [
    GoalView(11, "Flere elever trives i frikvartererne", 1, "Bøgeskov Skole",
             "Færre konflikter i frikvartererne.", "Trivselsmåling", status(Color.YELLOW, 30)),
    GoalView(12, "Styrket læsning i indskolingen", 1, "Bøgeskov Skole"),
]  # fmt: skip


def digest(
    units: int = 2, goals_per_unit: int = 2, narrative: str = "Det går fremad."
) -> DigestView:
    colors = [Color.GREEN, Color.YELLOW, Color.RED, None]
    built = []
    for u in range(units):
        entries = []
        for g in range(goals_per_unit):
            color = colors[(u + g) % len(colors)]
            latest = status(color, days_ago=g * 3, narrative=narrative) if color else None
            view = GoalView(
                u * 10 + g, f"Mål {g + 1} for enhed {u + 1}", u, f"Enhed {u + 1}", latest=latest
            )
            previous = status(Color.RED, 60) if g == 0 else None
            entries.append(
                DigestGoal(view, previous, changed=g < 2 and color is not None, stale=color is None)
            )
        built.append(DigestUnit(f"Enhed {u + 1}", tuple(entries)))
    window = DigestWindow("2026-11-02T07:00", WHEN - timedelta(days=20), WHEN + timedelta(days=15))
    return DigestView("buu", "Børne- og Uddannelsesudvalget", "Bøgeskov Kommune",
                      PeriodView("Valgperioden 2026–2029", date(2026, 1, 1), date(2029, 12, 31)),
                      window, window.start, tuple(built))  # fmt: skip


CARDS: dict[str, dict[str, Any]] = {
    "goal_list": goal_list_card(GOALS, "p-1", "goal", T),
    "status_form": status_form_card(GOALS[0], "p-1", "color", {"color": "yellow"}, T),
    "status_form_empty": status_form_card(GOALS[1], "p-1", "color", {}, T),
    "status_saved": status_saved_card(GOALS[0], status(Color.GREEN), T),
    "help_leader": help_card(T, leads=True),
    "help_other": help_card(T, leads=False),
    "help_head": help_card(T, leads=False, decides=True),
    "help_light": help_card(T, leads=True, uses_goals=False),
    "help_administration": help_card(T, leads=False, plans=True),
    "help_channel": channel_help_card(T),
    "notice": notice_card(T("dialog.stoppet")),
    "digest": digest_cards(digest(), T)[0],
    "digest_empty": digest_cards(digest(units=0), T)[0],
    "goal_list_en": goal_list_card(GOALS, "p-1", "goal", texts("en")),
    "digest_en": digest_cards(digest(), texts("en"))[0],
}


@pytest.mark.parametrize("name", list(CARDS))
def test_every_card_is_a_valid_adaptive_card_1_5(name: str) -> None:
    assert schema_errors(CARDS[name]) == []


def test_the_schema_check_catches_a_broken_card() -> None:
    broken = json.loads(json.dumps(CARDS["goal_list"]))
    broken["body"][0]["type"] = "TextBlok"
    assert schema_errors(broken)


@pytest.mark.parametrize("name", ["goal_list", "status_form", "status_saved", "digest"])
def test_main_cards_match_their_golden_files(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    rendered = json.dumps(CARDS[name], ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("PEJLING_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_colour_always_comes_with_its_word() -> None:
    for name, card in CARDS.items():
        for node in walk(card):
            if node.get("type") == "TextBlock" and node.get("color") in (
                "attention",
                "warning",
                "good",
            ):
                word = {
                    "attention": ("Rød", "Red"),
                    "warning": ("Gul", "Yellow"),
                    "good": ("Grøn", "Green"),
                }
                assert any(w in node["text"] for w in word[node["color"]]), (name, node["text"])


def test_every_button_is_an_execute_with_a_submit_fallback_and_an_action_name() -> None:
    for card in CARDS.values():
        for node in walk(card):
            if node.get("type") == "Action.Execute":
                assert node["fallback"]["type"] == "Action.Submit"
                assert node["fallback"]["data"] == node["data"]
                assert node["data"]["action"]


def test_the_goal_list_offers_one_button_per_goal_and_a_cancel() -> None:
    assert buttons(CARDS["goal_list"]) == ["Meld status", "Meld status", "Annullér"]
    assert "Seneste status: Gul · 23. oktober 2026" in card_text(CARDS["goal_list"])
    assert "Ingen status endnu" in card_text(CARDS["goal_list"])


def test_cancel_does_not_require_the_form_to_be_filled_in() -> None:
    cancel = next(n for n in walk(CARDS["status_form"]) if n.get("title") == "Annullér")
    assert cancel["associatedInputs"] == "none"


def test_help_shows_what_each_person_can_do() -> None:
    assert buttons(CARDS["help_leader"]) == ["Meld status", "Nyt mål"]
    assert buttons(CARDS["help_other"]) == []
    assert "til godkendelse" in card_text(CARDS["help_head"])
    assert "nyt mål" not in card_text(CARDS["help_light"])  # a municipality without goals
    assert "forbered" in card_text(CARDS["help_light"])  # there, the meetings are the product
    planner = CARDS["help_administration"]
    assert buttons(planner) == ["Planlæg dialogmøde"]
    assert "nyt dialogmøde" in card_text(planner) and "referat" in card_text(planner)


LEADERS_INTRO = "Jeg hjælper dig med at skrive jeres mål og melde status"


@pytest.mark.parametrize("name", ["help_other", "help_head", "help_administration", "help_light"])
def test_only_a_leader_with_goals_is_told_pejling_helps_write_goals(name: str) -> None:
    assert LEADERS_INTRO not in card_text(CARDS[name])
    assert LEADERS_INTRO in card_text(CARDS["help_leader"])


@pytest.mark.parametrize("name", [n for n in CARDS if n.startswith("help_") and "channel" not in n])
def test_help_shows_about_five_commands_and_the_rest_behind_flere(name: str) -> None:
    shown = CARDS[name]["body"][2]["text"].splitlines()
    [more] = [n for n in walk(CARDS[name]) if n.get("type") == "Action.ShowCard"]

    assert 4 <= len(shown) <= 5
    assert more["title"] == "Flere kommandoer"
    assert "**hjælp**" in card_text(more["card"])


BEARINGS = (
    DigestBearing(BearingView(1, "Tidlig indsats for sprog"), (Color.GREEN, Color.YELLOW, None)),
    DigestBearing(BearingView(2, "Mere udeliv i dagtilbuddene")),
)


def test_a_digest_traces_each_bearing_to_the_colours_of_its_goals() -> None:
    with_bearings = replace(digest(), bearings=BEARINGS, open_matters=("Flere vuggestuepladser",))
    [card] = digest_cards(with_bearings, T)

    shown = card_text(card)
    assert "sprog** · 3 mål følger det (Grøn 1, Gul 1, Ingen status endnu 1)" in shown
    assert "udeliv i dagtilbuddene** · ingen mål følger det endnu" in shown
    assert "1 sag venter på politisk beslutning:" in shown
    assert "Flere vuggestuepladser" in shown
    assert schema_errors(card) == []


def test_a_digest_marks_a_bearing_the_committee_has_not_decided() -> None:
    proposal = DigestBearing(BearingView(3, "Mere udeliv", proposed=True))
    [card] = digest_cards(replace(digest(), bearings=(*BEARINGS, proposal)), T)
    shown = card_text(card)
    assert "**Mere udeliv** · forslag, ikke besluttet af udvalget · ingen mål" in shown
    assert "**Tidlig indsats for sprog** · 3 mål" in shown  # decided: no mark


def test_a_digest_without_goals_shows_bearings_and_matters_only() -> None:
    light = replace(digest(units=0), bearings=BEARINGS, open_matters=("Ny legeplads",),
                    uses_goals=False)  # fmt: skip
    [card] = digest_cards(light, T)

    shown = card_text(card)
    assert "Tidlig indsats for sprog" in shown and "Ny legeplads" in shown
    for goal_words in ("ingen godkendte mål", "Grøn:", "mål følger", "statusmeldinger"):
        assert goal_words not in shown


def test_a_digest_without_goals_shows_the_summaries_of_the_dialogue_meetings() -> None:
    said = DigestSummary(
        datetime(2026, 12, 10, 13, tzinfo=UTC),
        "Et godt møde om udeliv.",
        (("Børnehaven Troldehøj", "Mere tid ude hver dag."),),
    )
    light = replace(digest(units=0), summaries=(said,), bearings=BEARINGS, uses_goals=False)
    [card] = digest_cards(light, T)

    shown = card_text(card)
    assert "Opsummeringer fra dialogmøderne:\nDialogmødet 10. december 2026" in shown
    assert "Et godt møde om udeliv." in shown
    assert "Børnehaven Troldehøj**: Mere tid ude hver dag." in shown
    assert "Tidlig indsats for sprog" in shown and "Grøn" not in shown
    assert schema_errors(card) == []


def test_help_leaves_out_the_midway_evaluation_where_none_is_held() -> None:
    without = card_text(help_card(T, leads=True, midway=False))
    assert "midtvejsevaluering" not in without and "slutrapport" in without
    assert "midtvejsevaluering" in card_text(CARDS["help_leader"])


def test_a_digest_says_which_question_its_colours_answer() -> None:
    """A quarterly status is the leader's expectation; "opfyldt" is the final report's word."""
    expected = card_text(digest_cards(digest(), T)[0])
    assert "Farverne er ledernes forventning til målene: Rød: ikke på vej" in expected
    met = replace(digest(), status_scale=ColorScale.FULFILMENT)
    shown = card_text(digest_cards(met, T)[0])
    assert "Farverne siger, om målene er opfyldt: Rød: ikke opfyldt · Gul: delvist opfyldt" in shown


def test_the_status_form_asks_what_is_expected() -> None:
    shown = str(CARDS["status_form"])  # the choices' titles
    assert "Gul – i risiko" in shown and "opfyldt" not in shown


def test_a_digest_without_goals_and_nothing_yet_says_so() -> None:
    [card] = digest_cards(replace(digest(units=0), uses_goals=False), T)
    assert T("digest.intet_endnu") in card_text(card)


def test_a_digest_shows_counts_changes_and_stale_goals_in_danish() -> None:
    shown = card_text(CARDS["digest"])
    assert "Overblik: Børne- og Uddannelsesudvalget" in shown
    assert "Grøn: 1 · Gul: 2 · Rød: 1 · Ingen status: 0" in shown
    assert "Ændret siden sidst: Rød → Grøn" in shown
    assert "siden 2. november 2026" in shown


def test_a_digest_asks_the_committee_about_new_goals_and_changed_ones() -> None:
    built = digest(units=1)
    [first, second] = built.units[0].goals
    changed = replace(first, goal=replace(first.goal, newer_state=GoalState.DEPARTMENT_APPROVED))
    drafting = replace(second, goal=replace(second.goal, newer_state=GoalState.DRAFT))
    unit = replace(built.units[0], goals=(changed, drafting), awaiting=("Mere natur",))
    [card] = digest_cards(replace(built, units=(unit,)), T)

    shown = card_text(card)
    assert "1 nyt mål venter på udvalgets godkendelse." in shown
    assert "1 ændret mål venter på udvalgets godkendelse." in shown
    note = "En ændret udgave af målet venter på udvalgets godkendelse."
    assert shown.count(note) == 1  # not for a change the leader is still writing
    assert shown.index("Mål 1 for enhed 1") < shown.index(note) < shown.index("Mål 2 for enhed 1")
    assert schema_errors(card) == []


def test_a_large_committee_is_split_into_parts_within_the_size_limit() -> None:
    large = digest(units=60, goals_per_unit=5, narrative="En lang beskrivelse af status. " * 10)
    parts = digest_cards(large, T)
    assert len(parts) > 1
    for number, part in enumerate(parts, start=1):
        assert len(json.dumps(part, ensure_ascii=False).encode()) <= SIZE_LIMIT
        assert schema_errors(part) == []
        assert f"Del {number} af {len(parts)}" in card_text(part)
    shown_units = [
        n["text"] for p in parts for n in walk(p) if n.get("text", "").startswith("Enhed ")
    ]
    assert len(set(shown_units)) == 60


def test_a_large_committee_is_split_as_measuring_every_trial_part_would_split_it() -> None:
    """The digest's parts are found by adding up sizes, not by building a trial card per
    unit; the parts must be the ones the trial cards give (kort.digests.paginate)."""
    large = digest(units=60, goals_per_unit=5, narrative="En lang beskrivelse af status. " * 10)
    pages = paginate(
        large.units,
        lambda units, n: _digest_card(large, units, T, quotes=False, page=(n, UNKNOWN_TOTAL)),
    )
    measured = [
        _digest_card(large, units, T, quotes=False, page=(n, len(pages)))
        for n, units in enumerate(pages, start=1)
    ]
    assert digest_cards(large, T) == measured


def test_a_mid_size_committee_drops_quotes_before_splitting() -> None:
    medium = digest(units=20, goals_per_unit=3, narrative="Lang tekst om status. " * 7)
    [only] = digest_cards(medium, T)
    assert "»" not in card_text(only)
