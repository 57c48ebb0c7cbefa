"""A joint dialogue meeting end to end over HTTP, on SQLite and PostgreSQL: camilla plans
the daycares' meeting of Børne- og Uddannelsesudvalget, presses *Fælles møde* and lets
Social- og Sundhedsudvalget take part; inger, its politician, gets the invitation in her
chat and finds the meeting under `dialogmøder`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import database_for
from fakebf import FakeBotFramework
from goalkit import personal_messages, press
from harness import RunningPejling, at, card_text, install, running_pejling, shown
from kort.common import walk
from store.orgfile import OrgFile
from test_e2e_meetings import BUU, NOW, planned

SSU = "Social- og Sundhedsudvalget"


@pytest.fixture(params=["sqlite", "postgresql"])
async def pejling(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        at(running, NOW)
        await install(running, "inger")
        yield running


async def test_another_committees_politician_is_invited_and_sees_the_joint_meeting(
    pejling: RunningPejling,
) -> None:
    meeting = await planned(pejling)
    form, _ = await press(pejling, "camilla", meeting, "Fælles møde")
    [choices] = [n for n in walk(form) if n.get("id") == "committees"]
    ssu = next(c["value"] for c in choices["choices"] if c["title"] == SSU)
    before = len(personal_messages(pejling, "inger"))

    card, said = await press(pejling, "camilla", shown(meeting, form), "Gem udvalgene",
                             {"committees": ssu})  # fmt: skip

    assert [m.text for m in said] == [f"Fælles møde: {SSU} deltager sammen med {BUU}."]
    assert f"Sammen med: {SSU}" in card_text(card)
    await pejling.runtime.bot.told()
    [invitation] = [c for m in personal_messages(pejling, "inger")[before:] for c in m.cards]
    assert card_text(invitation).startswith(
        "Invitation til fælles dialogmøde\nDit udvalg deltager i et fælles dialogmøde med "
        f"{BUU} torsdag 4. marts 2027 kl. 14.00."
    )
    listed = await pejling.say("inger", "dialogmøder")
    assert BUU in card_text(listed[-1].cards[-1])


async def test_a_politician_cannot_make_a_meeting_joint(pejling: RunningPejling) -> None:
    meeting = await planned(pejling)
    form, _ = await press(pejling, "camilla", meeting, "Fælles møde")

    answer, _ = await press(pejling, "jens", shown(meeting, form), "Gem udvalgene")

    assert answer == "Det er administrationen, der planlægger dialogmøder og skriver opsummeringen."
