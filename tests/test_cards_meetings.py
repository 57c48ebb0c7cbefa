"""The dialogue meeting cards on representative data: valid Adaptive Cards 1.5, every
button an Action.Execute with its Submit fallback and the ids the route needs, colour
never the only signal, Danish (and English) words, and the long cards - meeting pack,
summary, bearings - within Teams' size limit for a committee of 30 units."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cardcheck import coloured_runs, schema_errors
from harness import button_data, buttons, card_text, walk
from kort import actions
from kort.bearings import (
    bearing_decision_inputs,
    bearings_cards,
    decision_inputs,
    matter_form_card,
    matters_card,
    meeting_list_card,
    scope_text,
)
from kort.catalogue import texts
from kort.digests import SIZE_LIMIT, card_size
from kort.meeting_pack import pack_cards
from kort.meetings import (
    cancelled_card,
    changed_card,
    invitation_card,
    meeting_card,
    meetings_card,
    preparation_card,
    preparation_request_card,
    uninvited_card,
)
from kort.summaries import summary_card, summary_cards, summary_sent_card
from store.enums import BearingScope, Color, MatterState, MeetingModel, MeetingState, SummaryState
from store.meetingviews import (
    AgreedBearing,
    AgreedMatter,
    CommentView,
    CommitteeBearings,
    CommitteeMeetingView,
    FollowUpView,
    MatterView,
    MeetingUnitView,
    MeetingView,
    PackGoal,
    PackUnit,
    PackView,
    PreparationContent,
    PreparationView,
    SummaryContent,
    SummaryView,
    TracedBearing,
    UnitSummary,
)
from store.views import BearingView, GoalView, PeriodView, Scope, StatusView

T, EN = texts("da"), texts("en")
# 13.05 UTC is 14.05 in Copenhagen in March: "onsdag 3. marts 2027 kl. 14.05".
WHEN = datetime(2027, 3, 3, 13, 5, tzinfo=UTC)
SHOWN_WHEN = "onsdag 3. marts 2027 kl. 14.05"
PERIOD = PeriodView("Valgperioden 2026–2029", date(2026, 1, 1), date(2029, 12, 31))
COMMITTEE = "Børne- og Skoleudvalget"
PROSE = "Børnene trives, og personalet arbejder målrettet med læring og fællesskab i hverdagen. "


# --- factories: small views, with the defaults a test does not care about ------------------


def long_text(length: int) -> str:
    return (PROSE * (length // len(PROSE) + 1))[:length]


def unit(number: int, name: str | None = None, **more: Any) -> MeetingUnitView:
    return MeetingUnitView(number, name or f"Enhed {number:02d}", "skole", **more)


UNITS = (
    unit(1, "Bøgeskov Skole", prepared=True),
    unit(2, "Ådalens Skole"),
    unit(3, "Toftegård Skole", area="Nord"),
)


def meeting(**changes: Any) -> MeetingView:
    fields: dict[str, Any] = {
        "id": 7,
        "committee_id": 2,
        "committee_name": COMMITTEE,
        "model": MeetingModel.ONE_TYPE,
        "starts_at": WHEN,
        "units": UNITS,
        "theme": "Trivsel i skolen",
        "place": "Rådhuset, mødelokale 2",
        "revision": 3,
    }
    return MeetingView(**{**fields, **changes})


def status(color: Color, days: int = 0, narrative: str = "Det går fremad.") -> StatusView:
    return StatusView(color, narrative, None, WHEN - timedelta(days=days), "Mette Kjærgaard")


def goal(number: int, title: str, latest: StatusView | None, unit_id: int = 1) -> GoalView:
    name = next((u.name for u in UNITS if u.id == unit_id), f"Enhed {unit_id:02d}")
    return GoalView(number, title, unit_id, name, latest=latest)


def preparation(unit_view: MeetingUnitView, **content: str) -> PreparationView:
    return PreparationView(
        7, unit_view.id, unit_view.name, PreparationContent(**content), "Mette Kjærgaard", WHEN
    )


def full_note(length: int) -> dict[str, str]:
    """Every field of a preparation, `length` characters each."""
    return {
        field: long_text(length)
        for field in (
            "goal_follow_up",
            "unit_status",
            "conditions",
            "challenges",
            "development_needs",
            "input_gathered",
        )
    }


# --- a small committee ----------------------------------------------------------------------

TREND = (status(Color.YELLOW, 60), status(Color.YELLOW, 30), status(Color.GREEN, 2))
READING = goal(41, "Flere elever læser dagligt", TREND[-1])
BREAKS = goal(42, "Færre konflikter i frikvartererne", None)
BEARING = BearingView(31, "Flere børn skal trives i skolen", "Trivsel er en forudsætning.")
AREA_BEARING = BearingView(32, "Et stærkt samarbejde", scope=Scope(BearingScope.AREA, "Nord"))
PACK = PackView(
    meeting=meeting(),
    municipality_name="Bøgeskov Kommune",
    period=PERIOD,
    units=(
        PackUnit(
            UNITS[0],
            goals=(PackGoal(READING, TREND), PackGoal(BREAKS)),
            preparation=preparation(UNITS[0], unit_status="Vi har fået to nye lærere."),
            earlier=(PackGoal(goal(11, "Mere bevægelse", status(Color.RED, 400))),),
        ),
        PackUnit(UNITS[1]),
    ),
    bearings=(BEARING, AREA_BEARING),
)
LIGHT_PACK = replace(
    PACK,
    uses_goals=False,
    units=(
        PackUnit(UNITS[0], preparation=preparation(UNITS[0], challenges="Rekruttering.")),
        PackUnit(UNITS[1]),
    ),
)

SUMMARY = SummaryView(
    id=5,
    meeting=meeting(summary_state=SummaryState.DRAFT),
    state=SummaryState.DRAFT,
    revision=2,
    content=SummaryContent(
        units=(
            UnitSummary(1, "Skolen er godt i gang.", goal_follow_up="Læsemålet er nået."),
            UnitSummary(2, "Ådalen mangler lærere."),
        ),
        general="Udvalget takkede for en god dialog.",
        bearings=(
            AgreedBearing("Alle børn skal læse hver dag", "Også i fritiden."),
            AgreedBearing("Mere natur", scope=Scope(BearingScope.UNIT_TYPE, "skole"), replaces=31),
            AgreedBearing("Tryg skolevej", scope=Scope(BearingScope.UNIT, unit_id=2)),
        ),
        matters=(
            AgreedMatter("Ny skolestruktur", legal="Kræver høring.", economic="2 mio. kr."),
            AgreedMatter("Flere pædagoger"),
        ),
        follow_ups=(
            FollowUpView("Tal om læsning", "Jens Holm", date(2027, 4, 1)),
            FollowUpView("Send data til udvalget"),
        ),
    ),
    comment_deadline=date(2027, 3, 10),
    comments=(
        CommentView("Anna Berg", "Husk tallene fra trivselsmålingen.", WHEN, revision=1),
        CommentView("Jens Holm", "Fint.", WHEN + timedelta(hours=2), revision=2),
    ),
    written_by="Jens Holm",
    replaced={31: "Flere børn skal trives i skolen"},
    unit_names={1: "Bøgeskov Skole", 2: "Ådalens Skole"},
)
IN_COMMENTS = replace(SUMMARY, state=SummaryState.COMMENTS)
APPROVED = replace(SUMMARY, state=SummaryState.APPROVED, approved_by="Anna Berg", approved_at=WHEN)

# Decided on 10 December 2026, and one agreed at a dialogue meeting, not yet decided.
DECIDED_TRACED = CommitteeBearings(
    2,
    COMMITTEE,
    PERIOD,
    (
        TracedBearing(replace(BEARING, decided_on=date(2026, 12, 10))),
        TracedBearing(BearingView(34, "Mere udeliv for de mindste", proposed=True)),
    ),
)
TRACED = CommitteeBearings(
    2,
    COMMITTEE,
    PERIOD,
    (
        TracedBearing(BEARING, (READING, goal(43, "Mere trivsel", status(Color.RED, 3), 2))),
        TracedBearing(AREA_BEARING),
    ),
)
MATTERS = [
    MatterView(
        1, COMMITTEE, "Ny skolestruktur", MatterState.DECIDED, WHEN, decided_on=date(2027, 4, 7),
        decision="Udvalget godkendte strukturen.", legal="Kræver høring.",
    ),
    MatterView(2, COMMITTEE, "Flere pædagoger", MatterState.OPEN, WHEN,
               committee_meeting_id=7, committee_meeting=date(2027, 1, 14), committee_id=2),
    MatterView(3, COMMITTEE, "Ny skolebus", MatterState.OPEN, WHEN, economic="1 mio. kr.",
               other="Ruten skal i udbud", committee_meeting_id=8,
               committee_meeting=date(2027, 2, 11), committee_id=2),
    MatterView(4, COMMITTEE, "Ny idrætshal", MatterState.OPEN, WHEN, committee_id=2),
]  # fmt: skip
LATER = (
    CommitteeMeetingView(7, 2, date(2027, 1, 14)),
    CommitteeMeetingView(8, 2, date(2027, 2, 11)),
)


# --- a large committee: 30 units × 5 goals × 8 statuses, long notes --------------------------


def big_units(count: int = 30) -> tuple[MeetingUnitView, ...]:
    return tuple(unit(n, f"Enhed {n:02d} – {long_text(40)}") for n in range(1, count + 1))


def big_pack(count: int = 30) -> PackView:
    units = big_units(count)
    colors = (Color.RED, Color.YELLOW, Color.GREEN)
    entries = []
    for n, member in enumerate(units):
        goals = []
        for g in range(5):
            trend = tuple(
                status(colors[(n + g + s) % 3], 80 - s * 10, long_text(1500)) for s in range(8)
            )
            title = f"Mål {g + 1}: " + long_text(180)
            goals.append(PackGoal(GoalView(n * 10 + g, title, member.id, member.name,
                                           latest=trend[-1]), trend))  # fmt: skip
        note = preparation(member, **full_note(1 + (n * 397) % 2000))
        earlier = tuple(PackGoal(replace(p.goal, id=p.goal.id + 1000)) for p in goals[:3])
        entries.append(PackUnit(member, tuple(goals), note, earlier))
    bearings = tuple(BearingView(b, f"Pejlemærke {b}", long_text(600)) for b in range(5))
    return PackView(meeting(units=units), "Bøgeskov Kommune", PERIOD, tuple(entries),
                    bearings=bearings)  # fmt: skip


def big_summary() -> SummaryView:
    units = big_units()
    content = SummaryContent(
        units=tuple(
            UnitSummary(u.id, long_text(2000), goal_follow_up=long_text(2000)) for u in units
        ),
        general=long_text(2000),
        bearings=tuple(AgreedBearing(f"Pejlemærke {b}", long_text(2000)) for b in range(10)),
        matters=tuple(
            AgreedMatter(f"Sag {m}", long_text(2000), long_text(2000), long_text(2000))
            for m in range(5)
        ),
        follow_ups=tuple(FollowUpView(long_text(500), "Jens Holm", date(2027, 4, 1))
                         for _ in range(10)),
    )  # fmt: skip
    comments = tuple(CommentView("Anna Berg", long_text(2000), WHEN, 1) for _ in range(20))
    return replace(
        SUMMARY,
        meeting=meeting(units=units),
        content=content,
        comments=comments,
        unit_names={u.id: u.name for u in units},
    )


def big_bearings() -> CommitteeBearings:
    """Three bearings for the whole committee; every one of the 150 goals follows each."""
    units = big_units()
    goals = tuple(
        GoalView(u.id * 10 + g, f"Mål {u.id * 10 + g} – " + long_text(180), u.id, u.name,
                 latest=status(Color.YELLOW, g) if g % 2 else None)
        for u in units for g in range(5)
    )  # fmt: skip
    traced = tuple(
        TracedBearing(BearingView(b, f"Pejlemærke {b}", long_text(2000)), goals) for b in range(3)
    )
    return CommitteeBearings(2, COMMITTEE, PERIOD, traced)


BIG_PACK = pack_cards(big_pack(), T)
BIG_SUMMARY = big_summary()
BIG_BEARINGS = bearings_cards(big_bearings(), T)


# --- every card -----------------------------------------------------------------------------

CARDS: dict[str, dict[str, Any]] = {
    "meeting_admin": meeting_card(meeting(), T, administration=True),
    "meeting_leader": meeting_card(meeting(), T, leader_unit_ids=frozenset({1, 2})),
    "meeting_cancelled": meeting_card(
        meeting(state=MeetingState.CANCELLED), T, administration=True
    ),
    "meeting_summary": meeting_card(meeting(summary_state=SummaryState.COMMENTS), T),
    "meetings": meetings_card([meeting(), meeting(id=8, units=UNITS[:1])], T, administration=True),
    "meetings_empty": meetings_card([], T, administration=True),
    "invitation": invitation_card(meeting(), "Bøgeskov Skole", date(2027, 2, 17), T),
    "changed": changed_card(meeting(), WHEN - timedelta(days=1), T),
    "cancelled": cancelled_card(meeting(state=MeetingState.CANCELLED), T),
    "uninvited": uninvited_card(meeting(), "Ådalens Skole", T),
    "prepare": preparation_request_card(meeting(), 1, "Bøgeskov Skole", T),
    "prepare_reminder": preparation_request_card(meeting(), 1, "Bøgeskov Skole", T, reminder=True),
    "preparation": preparation_card(PACK.units[0].preparation, meeting(), T),  # type: ignore[arg-type]
    "pack": pack_cards(PACK, T)[0],
    "pack_light": pack_cards(LIGHT_PACK, T)[0],
    "summary_draft": summary_card(SUMMARY, T, mode="draft"),
    "summary_comments": summary_card(IN_COMMENTS, T, mode="draft"),
    "summary_comment": summary_card(IN_COMMENTS, T, mode="comment"),
    "summary_posted": summary_card(APPROVED, T, mode="posted"),
    "summary_sent": summary_sent_card(IN_COMMENTS, T),
    "bearings": bearings_cards(TRACED, T)[0],
    "bearings_empty": bearings_cards(replace(TRACED, bearings=()), T)[0],
    "bearings_proposed": bearings_cards(DECIDED_TRACED, T)[0],
    "bearings_proposed_admin": bearings_cards(DECIDED_TRACED, T, administration=True)[0],
    "matters_admin": matters_card(MATTERS, T, administration=True),
    "matters": matters_card(MATTERS, T),
    "matters_empty": matters_card([], T),
    "matter_form": matter_form_card(MATTERS[2], LATER, T),
    "matter_form_en": matter_form_card(MATTERS[2], LATER, EN),
    "meeting_list": meeting_list_card(COMMITTEE, date(2027, 2, 11), MATTERS[2:3], T),
    "meeting_en": meeting_card(meeting(), EN, administration=True, leader_unit_ids=frozenset({1})),
    "pack_en": pack_cards(PACK, EN)[0],
    "summary_en": summary_card(IN_COMMENTS, EN, mode="comment"),
    "bearings_en": bearings_cards(TRACED, EN)[0],
    "matters_en": matters_card(MATTERS, EN, administration=True),
    # The parts of a long card are built alike; the first and the last stand for them all.
    "big_pack_first": BIG_PACK[0],
    "big_pack_last": BIG_PACK[-1],
    "big_bearings_first": BIG_BEARINGS[0],
    "big_bearings_last": BIG_BEARINGS[-1],
    "big_summary_draft": summary_card(BIG_SUMMARY, T, mode="draft"),
    "big_summary_comment": summary_card(BIG_SUMMARY, T, mode="comment"),
    "big_summary_first": summary_cards(BIG_SUMMARY, T)[0],
    "big_summary_last": summary_cards(BIG_SUMMARY, T)[-1],
}


def executes(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in walk(card) if n.get("type") == "Action.Execute"]


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in walk(card) if str(n.get("type", "")).startswith("Input.")}


def bold_texts(card: dict[str, Any]) -> list[str]:
    return [n["text"] for n in walk(card) if n.get("type") == "TextBlock" and n.get("weight")]


@pytest.mark.parametrize("name", list(CARDS))
def test_every_meeting_card_is_a_valid_adaptive_card_1_5(name: str) -> None:
    assert schema_errors(CARDS[name]) == []


@pytest.mark.parametrize("name", list(CARDS))
def test_every_meeting_card_fits_in_a_teams_message(name: str) -> None:
    assert card_size(CARDS[name]) <= SIZE_LIMIT


@pytest.mark.parametrize("name", list(CARDS))
def test_every_button_is_an_execute_with_an_identical_submit_fallback(name: str) -> None:
    for node in executes(CARDS[name]):
        assert node["fallback"]["type"] == "Action.Submit"
        assert node["fallback"]["data"] == node["data"]
        assert node["data"]["action"] in actions.ALL
    assert "actions" not in CARDS[name]


def test_colour_is_never_the_only_signal() -> None:
    words = {
        "attention": ("Rød", "Red", "Bemærk", "Note"),
        "warning": ("Gul", "Yellow"),
        "good": ("Grøn", "Green"),
    }
    coloured = coloured_runs(CARDS, words)
    for name, colour, said in coloured:
        assert any(w in said for w in words[colour]), (name, said)
    assert len(coloured) > 20


# --- the meeting ----------------------------------------------------------------------------


def test_the_meeting_card_shows_model_time_and_who_has_prepared() -> None:
    shown = card_text(CARDS["meeting_admin"])
    assert f"Tidspunkt: {SHOWN_WHEN}" in shown
    assert "Mødemodel: Model 1 – alle enheder af én type" in shown
    assert "Tema: Trivsel i skolen" in shown and "Sted: Rådhuset, mødelokale 2" in shown
    assert "Bøgeskov Skole: Forberedt" in shown
    assert "Ådalens Skole: Ikke forberedt endnu" in shown


@pytest.mark.parametrize(
    ("model", "label"),
    [
        (MeetingModel.ONE_TYPE, "Model 1 – alle enheder af én type"),
        (MeetingModel.ACROSS, "Model 2 – på tværs (område eller tema)"),
        (MeetingModel.ONE_UNIT, "Model 3 – én enhed"),
    ],
)
def test_each_meeting_model_has_its_words(model: MeetingModel, label: str) -> None:
    assert label in card_text(meeting_card(meeting(model=model), T))


def test_the_administration_can_change_cancel_send_the_pack_and_write_the_summary() -> None:
    card = CARDS["meeting_admin"]
    # The destructive button on a row of its own, after the others.
    assert buttons(card) == [
        "Ret mødet",
        "Send mødepakken nu",
        "Udvalgets viden",
        "Fælles møde",
        "Skriv referat",
        "Aflys mødet",
    ]
    assert button_data(card, "Ret mødet") == {"action": actions.EDIT_MEETING, "meeting": 7}
    assert button_data(card, "Aflys mødet") == {
        "action": actions.CANCEL_MEETING, "meeting": 7, "revision": 3,
    }  # fmt: skip
    assert button_data(card, "Send mødepakken nu") == {"action": actions.SEND_PACK, "meeting": 7}
    assert button_data(card, "Skriv referat") == {"action": actions.WRITE_SUMMARY, "meeting": 7}


def test_a_leader_prepares_for_each_of_their_own_units_only() -> None:
    card = CARDS["meeting_leader"]
    assert buttons(card) == [
        "Skriv forberedelse: Bøgeskov Skole",
        "Skriv forberedelse: Ådalens Skole",
    ]
    assert button_data(card, "Skriv forberedelse: Ådalens Skole") == {
        "action": actions.PREPARE, "meeting": 7, "unit": 2,
    }  # fmt: skip
    alone = meeting_card(meeting(), T, leader_unit_ids=frozenset({3, 99}))
    assert button_data(alone, "Skriv forberedelse")["unit"] == 3


def test_a_cancelled_meeting_says_so_and_offers_nothing_to_do() -> None:
    card = CARDS["meeting_cancelled"]
    assert "Mødet er aflyst." in card_text(card)
    assert buttons(card) == []


def test_the_meeting_card_tells_where_the_summary_is() -> None:
    assert "Referatet er sendt til kommentering." in card_text(CARDS["meeting_summary"])
    approved = meeting_card(meeting(summary_state=SummaryState.APPROVED), T, administration=True)
    assert "Skriv referat" not in buttons(approved) and "Ret referatet" not in buttons(approved)


def test_the_list_of_meetings_opens_each_and_lets_the_administration_plan_one() -> None:
    card = CARDS["meetings"]
    shown = card_text(card)
    assert f"{SHOWN_WHEN} · {COMMITTEE}" in shown
    assert "Model 1 – alle enheder af én type · 3 enheder" in shown
    assert "Model 1 – alle enheder af én type · 1 enhed" in shown
    shows = [n["data"] for n in executes(card) if n["data"]["action"] == actions.SHOW_MEETING]
    assert shows == [{"action": actions.SHOW_MEETING, "meeting": 7},
                     {"action": actions.SHOW_MEETING, "meeting": 8}]  # fmt: skip
    assert buttons(card)[-1] == "Planlæg dialogmøde"
    assert button_data(card, "Planlæg dialogmøde") == {"action": actions.PLAN_MEETING}
    assert "Planlæg dialogmøde" not in buttons(meetings_card([meeting()], T))


def test_an_empty_list_of_meetings_says_so_kindly() -> None:
    shown = card_text(CARDS["meetings_empty"])
    assert "Der er ingen dialogmøder at vise endnu." in shown
    assert "Der er ingen dialogmøder" in card_text(meetings_card([], T))
    assert buttons(meetings_card([], T)) == []


# --- what a leader is told ------------------------------------------------------------------


def test_an_invitation_says_when_and_when_to_prepare() -> None:
    shown = card_text(CARDS["invitation"])
    assert f"Bøgeskov Skole deltager i et dialogmøde med {COMMITTEE} {SHOWN_WHEN}." in shown
    assert "Du bliver bedt om at forberede dig fra 17. februar 2027." in shown


def test_a_changed_meeting_shows_the_new_time_and_the_old_one_when_it_moved() -> None:
    assert f"Tidspunkt: {SHOWN_WHEN} (før: tirsdag 2. marts 2027 kl. 14.05)" in card_text(
        CARDS["changed"]
    )
    unmoved = card_text(changed_card(meeting(), WHEN, T))
    assert "før" not in unmoved and "Sted: Rådhuset, mødelokale 2" in unmoved
    assert "Enheder: Bøgeskov Skole, Ådalens Skole, Toftegård Skole" in unmoved


def test_cancelled_and_uninvited_leaders_are_told_plainly() -> None:
    assert f"Dialogmødet med {COMMITTEE} {SHOWN_WHEN} er aflyst." in card_text(CARDS["cancelled"])
    shown = card_text(CARDS["uninvited"])
    assert f"Ådalens Skole deltager ikke længere i dialogmødet med {COMMITTEE}" in shown


def test_the_request_to_prepare_says_what_it_covers_and_opens_the_dialogue() -> None:
    card = CARDS["prepare"]
    shown = card_text(card)
    for label in ("Opfølgning på målene", "Enhedens status", "Vilkår", "Udfordringer",
                  "Udviklingsbehov", "Input fra medarbejdere og bestyrelse"):  # fmt: skip
        assert f"- {label}" in shown
    assert button_data(card, "Skriv forberedelse") == {
        "action": actions.PREPARE, "meeting": 7, "unit": 1,
    }  # fmt: skip
    assert "Påmindelse: forbered dialogmødet" in card_text(CARDS["prepare_reminder"])
    light = preparation_request_card(meeting(), 1, "Bøgeskov Skole", T, uses_goals=False)
    assert "mål" not in card_text(light)


def test_a_saved_preparation_shows_its_filled_fields_and_who_wrote_it() -> None:
    shown = card_text(CARDS["preparation"])
    assert "Enhedens status\nVi har fået to nye lærere." in shown
    assert "Udfordringer" not in shown  # empty fields are left out
    assert f"Skrevet af Mette Kjærgaard {SHOWN_WHEN}" in shown
    empty = preparation(UNITS[1])
    assert "Der er ikke skrevet noget endnu." in card_text(preparation_card(empty, meeting(), T))


# --- the meeting pack -----------------------------------------------------------------------


def test_a_small_pack_is_one_card_with_the_meeting_and_the_bearings() -> None:
    assert len(pack_cards(PACK, T)) == 1
    shown = card_text(CARDS["pack"])
    assert shown.startswith("Mødepakke\n")
    assert f"Tidspunkt: {SHOWN_WHEN}" in shown
    assert "Enheder: Bøgeskov Skole, Ådalens Skole, Toftegård Skole" in shown
    assert "Udvalgets pejlemærker" in shown and "Flere børn skal trives i skolen" in shown
    assert "For: Hele udvalget" in shown and "For: Område Nord" in shown


def test_the_pack_marks_a_bearing_the_committee_has_not_decided() -> None:
    proposal = BearingView(34, "Mere udeliv for de mindste", proposed=True)
    [card] = pack_cards(replace(PACK, bearings=(BEARING, proposal)), T)
    shown = card_text(card)
    assert (
        "Mere udeliv for de mindste\nFor: Hele udvalget\n"
        "**Bemærk:** forslag fra dialogmødet · udvalget har ikke besluttet det endnu"
    ) in shown
    assert shown.count("**Bemærk:** forslag") == 1


def test_the_pack_shows_each_goals_status_in_words_and_its_trend() -> None:
    shown = card_text(CARDS["pack"])
    assert "Seneste status: Grøn · 1. marts 2027" in shown
    assert "Forløb i perioden: Gul → Gul → Grøn" in shown
    assert "Færre konflikter i frikvartererne\nIngen status endnu" in shown
    assert "»Det går fremad.«" in shown


def test_the_pack_shows_the_preparation_or_that_none_came() -> None:
    shown = card_text(CARDS["pack"])
    assert "Enhedens status\nVi har fået to nye lærere." in shown
    assert "Ådalens Skole" in shown and "Ingen forberedelse modtaget" in shown
    assert "Enheden har ingen godkendte mål i perioden." in shown


def test_the_pack_shows_last_periods_results() -> None:
    assert "Resultater fra sidste periode\n- Mere bevægelse: Rød" in card_text(CARDS["pack"])


def test_a_light_pack_has_no_goals_and_no_word_about_them() -> None:
    shown = card_text(CARDS["pack_light"])
    assert "Rekruttering." in shown and "Ingen forberedelse modtaget" in shown
    assert not re.search(r"\bmål", shown, re.IGNORECASE), shown
    assert "Forløb" not in shown and "Seneste status" not in shown


def test_a_large_pack_is_split_by_unit_into_numbered_parts() -> None:
    count = len(BIG_PACK)
    assert count > 1
    titles = [card_text(part).splitlines()[0] for part in BIG_PACK]
    assert titles == [f"Mødepakke · del {n} af {count}" for n in range(1, count + 1)]
    assert all(card_size(part) <= SIZE_LIMIT for part in BIG_PACK)


def test_a_split_pack_keeps_every_unit_whole_and_in_order() -> None:
    names = [u.unit.name for u in big_pack().units]
    found = [
        (n, name) for n, part in enumerate(BIG_PACK) for name in names if name in bold_texts(part)
    ]
    assert [name for _, name in found] == names  # each exactly once, in the order given
    parts = [n for n, _ in found]
    assert parts == sorted(parts)


def test_a_unit_too_large_for_a_card_of_its_own_has_its_texts_shortened() -> None:
    huge = big_pack(1)
    many = tuple(replace(g, goal=replace(g.goal, id=n)) for n, g in
                 enumerate(huge.units[0].goals * 8))  # fmt: skip
    huge = replace(huge, units=(replace(huge.units[0], goals=many),))
    parts = pack_cards(huge, T)
    assert all(card_size(part) <= SIZE_LIMIT for part in parts)
    assert "…" in card_text(parts[-1])


# --- the summary ----------------------------------------------------------------------------


def test_a_draft_is_sent_for_comments_and_then_approved_with_the_revision() -> None:
    card = CARDS["summary_draft"]
    assert buttons(card) == ["Send til kommentering", "Ret referatet"]
    ids = {"summary": 5, "revision": 2}
    assert button_data(card, "Send til kommentering") == {"action": actions.SEND_SUMMARY, **ids}
    assert button_data(card, "Ret referatet") == {"action": actions.WRITE_SUMMARY, "meeting": 7}
    out = CARDS["summary_comments"]
    assert buttons(out) == ["Godkend referatet", "Ret referatet"]
    approve = button_data(out, "Godkend referatet")
    assert approve["action"] == actions.APPROVE_SUMMARY and "revision" in approve
    assert buttons(summary_card(APPROVED, T, mode="draft")) == []


def test_the_summary_shows_units_bearings_matters_and_follow_ups() -> None:
    shown = card_text(CARDS["summary_draft"])
    assert (
        "Bøgeskov Skole\nSkolen er godt i gang.\nOpfølgning på målene\nLæsemålet er nået." in shown
    )
    assert "Generelt\nUdvalget takkede for en god dialog." in shown
    assert "Alle børn skal læse hver dag\nFor: Hele udvalget\nOgså i fritiden." in shown
    assert "For: Alle enheder af typen skole" in shown
    assert "Erstatter: Flere børn skal trives i skolen" in shown
    assert "Tryg skolevej\nFor: Ådalens Skole" in shown
    assert "Juridiske konsekvenser: Kræver høring." in shown
    assert "Personalemæssige konsekvenser: Ikke beskrevet endnu" in shown
    assert "- Tal om læsning · Ansvarlig: Jens Holm · Senest 1. april 2027" in shown
    assert "- Send data til udvalget" in shown


def test_the_draft_shows_the_comments_and_flags_those_on_an_older_version() -> None:
    shown = card_text(CARDS["summary_draft"])
    assert f"Anna Berg · {SHOWN_WHEN}" in shown
    assert "Husk tallene fra trivselsmålingen." in shown
    assert shown.count("skrevet til en tidligere udgave") == 1
    assert "Husk tallene" not in card_text(CARDS["summary_comment"])


def test_a_participant_comments_in_a_box_by_the_deadline() -> None:
    card = CARDS["summary_comment"]
    assert "Kommentarer senest 10. marts 2027" in card_text(card)
    comment = inputs(card)["comment"]
    assert comment["isMultiline"] is True and comment["isRequired"] is True
    assert button_data(card, "Send kommentar") == {
        "action": actions.COMMENT_SUMMARY, "summary": 5, "revision": 2, "fields": ["comment"],
    }  # fmt: skip


def test_the_posted_summary_has_no_buttons_and_says_who_approved_it() -> None:
    card = CARDS["summary_posted"]
    assert buttons(card) == [] and inputs(card) == {}
    assert "Godkendt 3. marts 2027 af Anna Berg" in card_text(card)
    assert summary_cards(APPROVED, T) == [
        {**summary_card(APPROVED, T, mode="posted"), "msteams": {"width": "Full"}}
    ]


def test_the_participants_are_told_the_draft_is_out_for_comments() -> None:
    shown = card_text(CARDS["summary_sent"])
    assert "klar til dine kommentarer" in shown and "Kommentarer senest 10. marts 2027" in shown


def test_a_long_summary_is_shortened_on_a_personal_card_and_says_so() -> None:
    for mode in ("draft", "comment"):
        card = CARDS[f"big_summary_{mode}"]
        assert "De lange tekster er forkortet her" in card_text(card)
        assert all(u.name in card_text(card) for u in big_units())


def test_a_long_posted_summary_is_split_into_parts_and_keeps_every_unit() -> None:
    parts = summary_cards(BIG_SUMMARY, T)
    assert len(parts) > 1
    assert all(card_size(part) <= SIZE_LIMIT for part in parts)
    headings = [name for part in parts for name in bold_texts(part)]
    assert all(headings.count(u.name) == 1 for u in big_units())
    assert card_text(parts[1]).startswith(f"Referat af dialogmødet · Del 2 af {len(parts)}")
    assert all("forkortet" not in card_text(part) for part in parts)


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        summary_card(SUMMARY, T, mode="final")


# --- bearings and matters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "unit_name", "expected"),
    [
        (Scope(), None, "Hele udvalget"),
        (Scope(BearingScope.UNIT_TYPE, "dagtilbud"), None, "Alle enheder af typen dagtilbud"),
        (Scope(BearingScope.AREA, "Nord"), None, "Område Nord"),
        (Scope(BearingScope.UNIT, unit_id=4), "Bøgeskov Skole", "Bøgeskov Skole"),
        (Scope(BearingScope.UNIT, unit_id=4), None, "Enhed nr. 4"),
    ],
)
def test_whom_a_bearing_is_for_in_words(scope: Scope, unit_name: str | None, expected: str) -> None:
    assert scope_text(scope, unit_name, T) == expected


def test_a_bearing_is_traced_to_the_goals_that_follow_it() -> None:
    shown = card_text(CARDS["bearings"])
    assert shown.startswith(f"Pejlemærker for {COMMITTEE}, Valgperioden 2026–2029")
    assert "Grøn  Bøgeskov Skole · Flere elever læser dagligt · 1. marts 2027" in shown
    assert "Rød  Ådalens Skole · Mere trivsel · 28. februar 2027" in shown
    assert "Et stærkt samarbejde\nFor: Område Nord\nIngen mål følger pejlemærket endnu." in shown
    assert "Udvalget har ingen pejlemærker endnu." in card_text(CARDS["bearings_empty"])


def test_without_goals_a_bearing_stands_alone() -> None:
    """Dragør: the committee sees its bearings, never a goal or that none follows."""
    light = replace(TRACED, bearings=(TracedBearing(AREA_BEARING),), uses_goals=False)
    [card] = bearings_cards(light, T)
    shown = card_text(card)
    assert "Et stærkt samarbejde\nFor: Område Nord" in shown
    assert "mål" not in shown.lower()


def test_a_proposal_is_shown_as_such_and_a_decided_bearing_with_its_day() -> None:
    shown = card_text(CARDS["bearings_proposed"])
    assert "Flere børn skal trives i skolen" in shown
    assert "Besluttet af udvalget torsdag 10. december 2026" in shown
    assert (
        "Mere udeliv for de mindste\nFor: Hele udvalget\n"
        "**Bemærk:** forslag fra dialogmødet · udvalget har ikke besluttet det endnu"
    ) in shown
    card = CARDS["bearings_proposed"]
    assert inputs(card) == {} and buttons(card) == []  # a politician reads it


def test_the_administration_records_the_committees_decision_on_a_proposal() -> None:
    card = CARDS["bearings_proposed_admin"]
    decided_on, words = bearing_decision_inputs(34)
    found = inputs(card)
    assert set(found) == {decided_on, words}  # the decided bearing has no form
    assert found[decided_on]["type"] == "Input.Date"
    assert found[words]["value"] == "Mere udeliv for de mindste"  # as proposed, unless changed
    assert [n["data"] for n in executes(card)] == [
        {"action": actions.DECIDE_BEARING, "bearing": 34, "fields": [decided_on, words]}
    ]
    assert buttons(card) == ["Registrér udvalgets beslutning"]


def test_many_goals_on_many_bearings_are_split_within_the_size_limit() -> None:
    assert len(BIG_BEARINGS) > 1
    assert all(card_size(part) <= SIZE_LIMIT for part in BIG_BEARINGS)
    shown = "\n".join(card_text(part) for part in BIG_BEARINGS)
    for traced in big_bearings().bearings:
        assert shown.count(traced.goals[-1].title) == 3  # once under each bearing
    assert "Pejlemærke 0 (fortsat)" in shown
    assert f"Del 1 af {len(BIG_BEARINGS)}" in card_text(BIG_BEARINGS[0])


def test_matters_list_open_ones_first_with_their_consequences() -> None:
    shown = card_text(CARDS["matters"])
    assert shown.index("Flere pædagoger") < shown.index("Ny skolestruktur")
    assert "Økonomiske konsekvenser: 1 mio. kr." in shown
    assert "Juridiske konsekvenser: Ikke beskrevet endnu" in shown
    # Flere pædagoger and Ny idrætshal have none described yet.
    assert shown.count("**Bemærk:** Administrationen skal beskrive konsekvenserne") == 2
    assert "Besluttet 7. april 2027: Udvalget godkendte strukturen." in shown
    assert inputs(CARDS["matters"]) == {} and buttons(CARDS["matters"]) == []


def test_open_matters_are_listed_under_the_committee_meeting_they_are_on() -> None:
    shown = card_text(CARDS["matters"])
    assert (
        shown.index("Til udvalgsmødet 14. januar 2027")
        < shown.index("Flere pædagoger")
        < shown.index("Til udvalgsmødet 11. februar 2027")
        < shown.index("Ny skolebus")
        < shown.index("Endnu ikke på et udvalgsmøde")
        < shown.index("Ny idrætshal")
    )
    assert "Andre konsekvenser: Ruten skal i udbud" in shown


def test_the_administration_completes_a_matter_on_its_form() -> None:
    card = CARDS["matter_form"]
    found = inputs(card)
    assert list(found) == [
        "legal", "economic", "staff", "other", "committee_meeting", "new_meeting",
    ]  # fmt: skip
    assert (found["economic"]["value"], found["other"]["value"]) == (
        "1 mio. kr.", "Ruten skal i udbud",
    )  # fmt: skip
    chosen = found["committee_meeting"]
    assert chosen["value"] == "8"
    assert [c["title"] for c in chosen["choices"]] == [
        "Til udvalgsmødet 14. januar 2027", "Til udvalgsmødet 11. februar 2027",
    ]  # fmt: skip
    (press,) = [n["data"] for n in executes(card)]
    assert press == {"action": actions.SAVE_MATTER, "matter": 3, "fields": list(found)}


def test_a_committee_meetings_list_names_the_meeting_and_has_no_inputs() -> None:
    card = CARDS["meeting_list"]
    shown = card_text(card)
    assert shown.startswith(f"Sager til udvalgsmødet 11. februar 2027\n{COMMITTEE}\nNy skolebus")
    assert "Andre konsekvenser: Ruten skal i udbud" in shown
    assert inputs(card) == {} and buttons(card) == []


def test_the_administration_records_a_decision_per_open_matter() -> None:
    card = CARDS["matters_admin"]
    decision, decided_on = decision_inputs(3)
    found = inputs(card)
    assert set(found) == {*decision_inputs(2), *decision_inputs(4), decision, decided_on}
    assert found[decision]["type"] == "Input.Text" and found[decided_on]["type"] == "Input.Date"
    presses = [n["data"] for n in executes(card)]
    assert presses == [
        press
        for m in (2, 3, 4)
        for press in (
            {"action": actions.EDIT_MATTER, "matter": m},
            {"action": actions.DECIDE_MATTER, "matter": m, "fields": list(decision_inputs(m))},
        )
    ]
    assert "Der er ingen sager til politisk beslutning." in card_text(CARDS["matters_empty"])


# --- English --------------------------------------------------------------------------------


def test_the_cards_speak_english_too() -> None:
    assert "Meeting model: Model 1 – all units of one type" in card_text(CARDS["meeting_en"])
    assert "Write preparation" in buttons(CARDS["meeting_en"])
    pack = card_text(CARDS["pack_en"])
    assert pack.startswith("Meeting pack\n") and "3 March 2027" in pack
    assert "Through the period: Yellow → Yellow → Green" in pack
    assert "Comments by 10 March 2027" in card_text(CARDS["summary_en"])
    assert "Bearings for" in card_text(CARDS["bearings_en"])
    assert "Record the decision" in buttons(CARDS["matters_en"])
