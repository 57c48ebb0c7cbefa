"""The coaching rules for what a leader writes: whether a success criterion says something
one can check afterwards, and whether a goal reads as a statutory or productivity
requirement rather than a development goal."""

from __future__ import annotations

import pytest

from store.goals import observable, statutory
from store.goalviews import GoalContent


@pytest.mark.parametrize(
    "criterion",
    [
        "Mindst 80 % af eleverne svarer, at de har nogen at være sammen med i frikvarteret",
        "Alle pædagoger har gennemført kurset inden 1. juni 2027",
        "Færre konflikter i frikvarteret",
        "Flere elever i 2. klasse læser alderssvarende",
        "Sygefraværet falder til under 5,5 %",
        "Ventetiden i telefonen er højst fem minutter",
        "Svar til borgerne inden for tre hverdage",
        "Børnene er ude to timer hver dag",
        "Halvdelen af forældrene deltager i forældrekaffen",
        "Antallet af elever med bekymrende fravær er halveret",
        "Ingen borgere venter mere end en uge på svar",
        "Legepatruljen er i gang på mellemtrinnet senest i august",
        "Fraværet er lavere end sidste skoleår",
    ],
)
def test_a_criterion_with_a_number_a_time_or_a_countable_change_is_observable(
    criterion: str,
) -> None:
    assert observable(criterion)


@pytest.mark.parametrize(
    "criterion",
    [
        "Eleverne trives bedre",
        "Vi arbejder med læsning",
        "Børnene har det godt",
        "Vi har fokus på trivsel",
        "Et godt arbejdsmiljø",
        "Forældrene er glade for samarbejdet",
        "Vi er godt i gang med læsebåndet",
        "Personalet kommer i gang med den nye pædagogiske læreplan",
    ],
)
def test_a_criterion_that_only_names_a_wish_or_an_activity_is_not_observable(
    criterion: str,
) -> None:
    assert not observable(criterion)


def test_danish_letters_may_be_typed_without_them() -> None:
    """»faerre« on a keyboard without æ is the same word."""
    assert observable("Faerre konflikter i frikvarteret")
    assert observable("FÆRRE KONFLIKTER")


@pytest.mark.parametrize(
    "title",
    [
        "Overholde lovkravet om sprogvurdering af 3-årige",
        "Kortere sagsbehandlingstid på hjemmehjælp",
        "Lovpligtige tilsyn gennemføres til tiden",
        "Overholdelse af bekendtgørelsen om hygiejne",
        "Effektivisering af rengøringen",
        "Højere produktivitet i hjemmeplejen",
        "Ny lovgivning om dagtilbud indføres",
        "Vi lever op til de nationale krav til læsning",
    ],
)
def test_a_statutory_or_productivity_goal_is_recognised(title: str) -> None:
    assert statutory(GoalContent(title=title))


@pytest.mark.parametrize(
    "title",
    [
        "Flere elever trives i frikvartererne",
        "Mere udeliv og natur i hverdagen",
        "Tættere samarbejde med forældrene",
        "Færre forskellige hjælpere hos den enkelte borger",
        "Sprogindsats for de 0–3-årige",
    ],
)
def test_a_development_goal_is_not_statutory(title: str) -> None:
    assert not statutory(GoalContent(title=title))


def test_the_expected_effect_counts_as_well_as_the_title() -> None:
    content = GoalContent(
        title="Hurtigere svar til borgerne",
        expected_effect="Vi overholder de lovpligtige svarfrister.",
    )
    assert statutory(content)


def test_a_missing_expected_effect_is_no_problem() -> None:
    assert not statutory(GoalContent(title="Flere elever læser", expected_effect=None))
