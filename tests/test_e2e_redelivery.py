"""Teams re-delivers an activity, with the same id, when the bot is slow (TEAMS-FACTS §6).
Each copy is handled once: one status update, one reply, one change per click — one after
the other, at the same moment, and on two instances sharing one PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import database_for
from fakebf import FakeBotFramework
from harness import (
    RunningPejling,
    button_data,
    rows,
    running_pejling,
    status_updates,
    table_counts,
    two_on_postgresql,
)
from store.models import SeenActivity
from store.orgfile import OrgFile

METTE_GOAL = "boegeskov-skole-trivsel"
TEXT_ANSWER = "application/vnd.microsoft.activity.message"
CARD = "application/vnd.microsoft.card.adaptive"


@pytest.fixture(params=["sqlite", "postgresql"])
async def on_both(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """Pejling on SQLite (one writer at a time) and on PostgreSQL (turns really overlap)."""
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        yield running


async def at_last_question(pejling: RunningPejling) -> dict[str, Any]:
    """Mette has answered all but the evidence; the activity that answers it, not yet sent."""
    for answer in ("status", "1", "gul", "Halvvejs."):
        await pejling.say("mette", answer)
    return pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "spring over")


def calls_to_teams(pejling: RunningPejling) -> int:
    return len(pejling.fake.requests_to("*", "/v3/"))


async def test_a_message_sent_twice_saves_one_status_and_is_answered_once(
    on_both: RunningPejling,
) -> None:
    pejling = on_both
    last = await at_last_question(pejling)
    await pejling.post(last)
    answered = calls_to_teams(pejling)

    status, _ = await pejling.post(last)  # the same activity id again

    assert status == 201
    assert calls_to_teams(pejling) == answered  # no second receipt, no note
    assert len(await status_updates(pejling, METTE_GOAL)) == 2  # the demo's, and one


async def test_a_message_sent_twice_at_once_saves_one_status_and_is_answered_once(
    on_both: RunningPejling,
) -> None:
    pejling = on_both
    last = await at_last_question(pejling)
    before = calls_to_teams(pejling)

    await asyncio.gather(pejling.post(last), pejling.post(last))

    assert len(await status_updates(pejling, METTE_GOAL)) == 2
    # The one copy that was handled answers as a single post does: the receipt replaces
    # the form and nothing else is said; the other copy sends nothing.
    assert calls_to_teams(pejling) - before == await answer_calls_of_one_post(pejling)


async def answer_calls_of_one_post(pejling: RunningPejling) -> int:
    """How many calls to Teams answering the last question makes, measured on Karin."""
    for answer in ("status", "1", "gul", "Halvvejs."):
        await pejling.say("karin", answer)
    before = calls_to_teams(pejling)
    await pejling.say("karin", "spring over")
    return calls_to_teams(pejling) - before


async def test_a_click_sent_twice_changes_once_and_the_copy_gets_a_short_answer(
    on_both: RunningPejling,
) -> None:
    pejling = on_both
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    data = button_data(form.cards[0], "Gem statusmelding")
    data.update(color="green", narrative="Alle leger.")
    click = pejling.wire.execute(pejling.who("mette"), pejling.personal("mette"), data, form.id)

    _, first = await pejling.post(click)
    after_first = await table_counts(pejling)
    status, copy = await pejling.post(click)

    assert first["type"] == CARD  # the receipt
    assert status == 200
    assert copy == {
        **copy,
        "type": TEXT_ANSWER,
        "value": "Det har jeg allerede modtaget og svaret på.",
    }
    assert await table_counts(pejling) == after_first
    assert len(await status_updates(pejling, METTE_GOAL)) == 2


async def test_a_click_sent_twice_at_once_changes_once(on_both: RunningPejling) -> None:
    pejling = on_both
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    data = button_data(form.cards[0], "Gem statusmelding")
    data.update(color="red", narrative="Gården mangler voksne.")
    click = pejling.wire.execute(pejling.who("mette"), pejling.personal("mette"), data, form.id)

    answers = await asyncio.gather(pejling.post(click), pejling.post(click))

    assert {body["type"] for _, body in answers} == {CARD, TEXT_ANSWER}
    assert len(await status_updates(pejling, METTE_GOAL)) == 2
    [seen] = await rows(
        pejling, select(SeenActivity).where(SeenActivity.activity_id == click["id"])
    )
    assert seen.conversation_id == click["conversation"]["id"]


@pytest.fixture
async def two_instances(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[tuple[RunningPejling, RunningPejling]]:
    """Two Pejling instances on one PostgreSQL database behind one load balancer."""
    async with two_on_postgresql(fake_bf, tmp_path, demo_org) as both:
        yield both


async def test_a_copy_sent_to_another_instance_at_once_is_handled_once(
    two_instances: tuple[RunningPejling, RunningPejling],
) -> None:
    first, second = two_instances
    last = await at_last_question(first)
    before = calls_to_teams(first)

    await asyncio.gather(first.post(last), second.post(last))

    assert len(await status_updates(first, METTE_GOAL)) == 2
    assert calls_to_teams(first) - before == await answer_calls_of_one_post(first)
