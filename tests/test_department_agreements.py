"""Jammerbugt's two agreement levels (004: politicians with management, department head
with unit): the committee's agreement with a department's management comes from the
organisation file, only where the profile has that level, and is shown to those who work
under or with the department — in the store (SQLite and PostgreSQL), on its card, and in
Teams through the fake Bot Framework."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cardcheck import schema_errors
from fakebf import FakeBotFramework
from harness import RunningPejling, card_text, running_pejling
from kort.catalogue import texts
from kort.department_agreements import department_agreements_card
from store import department_goals
from store.enums import AgreementLevel
from store.errors import OrgFileError
from store.goalviews import DepartmentAgreement, DepartmentGoalView
from store.models import DepartmentGoal
from store.orgfile import OrgFile
from store.profiles import profile
from store_helpers import TODAY, Sessions, actor_of, by_key, edited, imported, with_profile
from test_documents import made, read

T = texts("da")
AGREED = {
    "key": "dagtilbud-skole-inklusion",
    "title": "Flere børn går i almindelige tilbud",
    "expected_effect": "Færre visitationer til specialtilbud.",
    "success_criteria": ["Andelen i almentilbud stiger til 96 %"],
    "agreed_on": "2026-12-03",
}


def with_department_agreement(org: OrgFile) -> OrgFile:
    """The demo as Jammerbugt, with Center for Dagtilbud og Skole's agreement with BUU."""

    def change(raw: dict[str, Any]) -> None:
        by_key(raw["departments"], "dagtilbud-skole")["goals"] = [AGREED]

    return edited(with_profile(org, "jammerbugt"), change)


def test_jammerbugts_profile_has_both_agreement_levels_and_hvidovres_one() -> None:
    assert profile("jammerbugt").agreement_levels == (
        AgreementLevel.DEPARTMENT,
        AgreementLevel.UNIT,
    )
    assert profile("jammerbugt").department_agreements
    assert not profile("hvidovre").department_agreements


def test_a_profile_without_the_upper_level_refuses_department_goals(demo_org: OrgFile) -> None:
    def change(raw: dict[str, Any]) -> None:
        by_key(raw["departments"], "dagtilbud-skole")["goals"] = [AGREED]

    with pytest.raises(OrgFileError) as refused:
        edited(demo_org, change)
    assert refused.value.key == "org.profile_without_department_goals"
    assert refused.value.params["field"] == "departments.dagtilbud-skole.goals"


async def test_the_agreement_is_imported_once_and_seen_by_those_who_work_with_it(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    org = await imported(sessions, with_department_agreement(demo_org))
    await imported(sessions, org)  # importing again changes nothing

    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DepartmentGoal)) == 1
        seen = {}
        for person in ("henrik", "mette", "jens", "camilla", "birgitte", "inger"):
            actor = await actor_of(session, org, person)
            seen[person] = await department_goals.agreements_for(session, actor, TODAY)
    [agreement] = seen["henrik"]
    assert (agreement.department, agreement.committee) == (
        "Center for Dagtilbud og Skole",
        "Børne- og Uddannelsesudvalget",
    )
    [goal] = agreement.goals
    assert (goal.title, goal.agreed_on) == (AGREED["title"], date(2026, 12, 3))
    assert seen["mette"] == seen["jens"] == seen["camilla"] == seen["henrik"]
    assert seen["birgitte"] == []  # heads other departments


def test_the_card_names_both_parties_and_every_goal() -> None:
    agreement = DepartmentAgreement(
        "Center for Dagtilbud og Skole",
        "Børne- og Uddannelsesudvalget",
        (DepartmentGoalView(AGREED["title"], "Færre visitationer.", ("96 %",), date(2026, 12, 3)),),
    )
    for language in (T, texts("en")):
        assert schema_errors(department_agreements_card([agreement], language)) == []
    shown = card_text(department_agreements_card([agreement], T))

    assert "Aftaler mellem udvalg og center" in shown
    assert "Center for Dagtilbud og Skole og Børne- og Uddannelsesudvalget" in shown
    assert AGREED["title"] in shown and "Aftalt i udvalget 3. december 2026" in shown


@pytest.fixture
async def jammerbugt(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    async with running_pejling(fake_bf, tmp_path, with_department_agreement(demo_org)) as app:
        yield app


async def test_the_department_head_and_the_leader_see_the_agreement_above_their_own(
    jammerbugt: RunningPejling,
) -> None:
    for person in ("henrik", "mette"):
        replies = await jammerbugt.say(person, "mine mål")
        shown = [card_text(card) for m in replies for card in m.cards]
        assert any("Aftaler mellem udvalg og center" in text for text in shown), person
        assert any(AGREED["title"] in text for text in shown), person


async def test_the_units_agreement_document_carries_the_level_above_it(
    sessions: Sessions, demo_org: OrgFile, tmp_path: Path
) -> None:
    """004: the agreement is one document; a school's shows its centre's agreement with
    the committee before its own goals."""
    org = await imported(sessions, with_department_agreement(demo_org))

    text, _, _ = read(await made(sessions, org, "aftale"), tmp_path)

    assert "Centerets aftale med Børne- og Uddannelsesudvalget" in text
    assert AGREED["title"] in text and "Aftalt i udvalget 3. december 2026" in text
    assert text.index(AGREED["title"]) < text.rindex("Enheder og mål")  # past the contents
