"""What a dialogue is about goes away while a person is answering it: the goal is closed
in the night at the end of its period while the leader's status form is open, or a new
organisation file no longer makes the leader the leader of the unit whose goal she is
writing. She is told why, in plain words, what she wrote comes back to her, and the
dialogue ends: no apology for a technical error, nothing saved on another goal.

On SQLite and on PostgreSQL, over HTTP against the fake Bot Framework service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import database_for
from fakebf import FakeBotFramework, Message
from goalkit import METTE_ALL, TYPED, answer, new_goals
from harness import RunningPejling, at, card_text, progress_of, running_pejling, status_updates
from kort.catalogue import texts
from store import goals
from store.dates import LOCAL_TIME
from store.importer import import_org
from store.orgfile import OrgFile
from store_helpers import by_key, edited

T = texts("da")
# The period of the demo's goals ends on 31 December 2029; the nightly job closes them.
LAST_DAY = datetime(2029, 12, 31, 15, 0, tzinfo=LOCAL_TIME)
NEXT_MORNING = datetime(2030, 1, 1, 8, 0, tzinfo=LOCAL_TIME)
NARRATIVE = "Legepatruljen kom i gang i alle frikvarterer i december."
CLOSED = T("status.maal_lukket", goal="Flere elever trives i frikvartererne")


@pytest.fixture(params=["sqlite", "postgresql"])
async def pejling(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        yield running


async def night_closes_the_period(pejling: RunningPejling) -> None:
    """The nightly job after the period's last day, as the scheduler runs it."""
    async with pejling.runtime.sessions.begin() as session:
        assert await goals.close_ended(session, NEXT_MORNING.date(), NEXT_MORNING) > 0
    at(pejling, NEXT_MORNING)


async def open_the_status_form(pejling: RunningPejling) -> Message:
    at(pejling, LAST_DAY)
    await pejling.say("mette", "status")
    replies = await pejling.say("mette", "1")
    [form] = [m for m in replies if m.cards]
    assert T("status.kort.knap_gem") in str(form.cards[-1])
    return form


def said(replies: list[Message]) -> str:
    """Everything the replies show: their texts and their cards' texts."""
    texts_ = [m.text or "" for m in replies]
    return "\n".join(texts_ + [card_text(c) for m in replies for c in m.cards])


async def test_a_status_form_submitted_after_the_goal_closed_says_so_and_keeps_the_text(
    pejling: RunningPejling,
) -> None:
    form = await open_the_status_form(pejling)
    await night_closes_the_period(pejling)

    body, replies = await pejling.execute(
        "mette", form, T("status.kort.knap_gem"),
        {"color": "green", "narrative": NARRATIVE, "evidence": ""},
    )  # fmt: skip

    everything = said(replies) + str(body)
    assert T("fejl.teknisk") not in everything
    assert CLOSED in everything
    assert NARRATIVE in everything  # what she wrote comes back to her, in place of the form
    assert T("status.kort.knap_gem") not in everything
    assert len(await status_updates(pejling, "boegeskov-skole-trivsel")) == 1  # the demo's own
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.state != "active"


async def test_a_status_dialogue_taken_up_again_after_the_goal_closed_ends_with_why(
    pejling: RunningPejling,
) -> None:
    """She opened the form on the last day and comes back to it the next morning by
    typing `status`: the form cannot be shown again for a closed goal, and the one in
    the chat says why instead of offering to save."""
    form = await open_the_status_form(pejling)
    await night_closes_the_period(pejling)

    replies = await pejling.say("mette", "status")

    everything = said(replies)
    assert T("fejl.teknisk") not in everything
    assert CLOSED in everything
    [old] = [m for m in pejling.fake.messages_in(form.conversation_id) if m.id == form.id]
    assert card_text(old.cards[-1]) == CLOSED
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.state != "active"


async def test_a_typed_answer_after_the_goal_closed_is_not_saved_on_another_goal(
    pejling: RunningPejling,
) -> None:
    await open_the_status_form(pejling)
    await pejling.say("mette", "gul")
    await pejling.say("mette", NARRATIVE)
    await night_closes_the_period(pejling)

    replies = await pejling.say("mette", "spring over")
    again = await pejling.say("mette", "1")

    assert T("fejl.teknisk") not in said(replies) + said(again)
    assert CLOSED in said(replies) and NARRATIVE in said(replies)
    for goal in ("boegeskov-skole-trivsel", "boegeskov-skole-laesning"):
        assert NARRATIVE not in [s.narrative for s in await status_updates(pejling, goal)]


# --- a goal being written for a unit the leader no longer leads -------------------------


def moved_to(org: OrgFile, person: str, unit: str) -> OrgFile:
    """`org` where `person` leads `unit` instead of the unit she led."""

    def move(raw: dict[str, Any]) -> None:
        by_key(raw["people"], person)["roles"] = [{"role": "unit_leader", "scope": unit}]

    return edited(org, move)


async def reimported(pejling: RunningPejling, org: OrgFile) -> None:
    async with pejling.runtime.sessions.begin() as session:
        await import_org(session, org)


async def test_a_goal_sent_after_a_new_org_file_moved_the_leader_says_why_and_keeps_it(
    pejling: RunningPejling,
) -> None:
    """Mette reaches the review of her goal; the municipality imports a new
    organisation file in which she leads Engholm Skole, not Bøgeskov Skole; she sends."""
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_ALL)
    await reimported(pejling, moved_to(pejling.org, "mette", "engholm-skole"))

    replies = await pejling.say("mette", "send")

    everything = said(replies)
    assert T("fejl.teknisk") not in everything
    assert T("maal.enhed_ikke_din_mere", unit="Bøgeskov Skole") in everything
    assert TYPED["title"] in everything and TYPED["expected_effect"] in everything
    assert await new_goals(pejling) == []
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.state != "active"


async def test_the_goal_form_asked_for_after_a_new_org_file_moved_the_leader_says_why(
    pejling: RunningPejling,
) -> None:
    """Halfway through, she asks for the whole goal as one form: it cannot be drawn for
    a unit that is no longer hers."""
    await pejling.say("mette", "nyt mål")
    await answer(pejling, "mette", METTE_ALL[:4])
    await reimported(pejling, moved_to(pejling.org, "mette", "engholm-skole"))

    replies = await pejling.say("mette", "formular")

    everything = said(replies)
    assert T("fejl.teknisk") not in everything
    assert T("maal.enhed_ikke_din_mere", unit="Bøgeskov Skole") in everything
    assert TYPED["title"] in everything
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.state != "active"
