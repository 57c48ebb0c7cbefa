"""A joint dialogue meeting end to end over HTTP, on SQLite and PostgreSQL: camilla plans
the daycares' meeting of Børne- og Uddannelsesudvalget, presses *Fælles møde* and lets
Social- og Sundhedsudvalget take part; inger, its politician, gets the invitation in her
chat and finds the meeting under `dialogmøder`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot import outbox as outbox_edge
from bot.devtools.chat.wire import Where
from conftest import database_for
from fakebf import FakeBotFramework, Message
from goalkit import personal_messages, press
from harness import CHANNEL, RunningPejling, at, card_text, install, running_pejling, shown
from kort.common import walk
from store.orgfile import OrgFile
from store.outbox import Kind
from store.outbox_planning import Source
from test_e2e_meetings import (
    BUU,
    NOW,
    PACKED,
    approve,
    channel_posts,
    link_channel,
    planned,
    posted,
    write_summary,
)

SSU = "Social- og Sundhedsudvalget"
SSU_CHANNEL = Where.channel(
    CHANNEL.tenant_id, "19:ssu-kanal@thread.tacv2", "19:boegeskov-team@thread.tacv2",
    "Bøgeskov Kommune",
)  # fmt: skip


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


async def made_joint(pejling: RunningPejling) -> Message:
    """The daycares' meeting, with Social- og Sundhedsudvalget taking part; its card."""
    meeting = await planned(pejling)
    form, _ = await press(pejling, "camilla", meeting, "Fælles møde")
    [choices] = [n for n in walk(form) if n.get("id") == "committees"]
    ssu = next(c["value"] for c in choices["choices"] if c["title"] == SSU)
    card, _ = await press(pejling, "camilla", shown(meeting, form), "Gem udvalgene",
                          {"committees": ssu})  # fmt: skip
    await pejling.runtime.bot.told()  # the invitations are out
    return shown(meeting, card)


def channel_of(message: Message) -> str:
    return str(message.conversation_id).split(";")[0]


async def test_the_pack_of_a_joint_meeting_is_posted_in_every_committees_channel(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await pejling.say("camilla", "tilknyt ssu", SSU_CHANNEL)
    meeting = await made_joint(pejling)

    answer, _ = await press(pejling, "camilla", meeting, "Send mødepakken nu")

    assert answer == f"Mødepakken sendes nu til kanalerne for {BUU}, {SSU}."
    posts = await posted(pejling, 2)
    assert sorted(channel_of(p) for p in posts) == sorted(
        [CHANNEL.conversation_id, SSU_CHANNEL.conversation_id]
    )
    assert all(card_text(p.cards[0]).startswith(f"Mødepakke\n{BUU}") for p in posts)
    assert len(channel_posts(pejling)) == 2


async def test_a_committee_taking_part_without_a_channel_is_named_and_gets_no_post(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    meeting = await made_joint(pejling)

    answer, said = await press(pejling, "camilla", meeting, "Send mødepakken nu")

    assert answer == f"Mødepakken sendes nu til kanalen for {BUU}."
    assert [m.text for m in said] == [
        f"{SSU} har ingen kanal tilknyttet endnu. Skriv @Pejling tilknyt {SSU} i udvalgets "
        "kanal, så sendes mødepakken dér."
    ]
    [post] = await posted(pejling, 1)
    assert channel_of(post) == CHANNEL.conversation_id


async def packs_sent(pejling: RunningPejling, now: datetime) -> list[bool]:
    """The scheduler's tick at `now` for the meetings: whether each pack went out."""
    done = await outbox_edge.tick(pejling.runtime.proactive, now, sources=[Source.MEETINGS])
    return [r.sent for r in done if r.kind == Kind.PACK]


async def test_the_scheduled_pack_of_a_joint_meeting_goes_to_each_channel_once(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await pejling.say("camilla", "tilknyt ssu", SSU_CHANNEL)
    await made_joint(pejling)

    tick = await packs_sent(pejling, PACKED)
    again = await packs_sent(pejling, PACKED + timedelta(minutes=1))

    assert tick == [True, True]
    assert again == []
    assert sorted(channel_of(p) for p in channel_posts(pejling)) == sorted(
        [CHANNEL.conversation_id, SSU_CHANNEL.conversation_id]
    )


async def test_the_approved_summary_of_a_joint_meeting_is_posted_in_each_channel(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await pejling.say("camilla", "tilknyt ssu", SSU_CHANNEL)
    await made_joint(pejling)
    draft = await write_summary(pejling)

    _, said, _ = await approve(pejling, draft)

    assert said[0].text.endswith(f"Den sendes også til de andre udvalg i det fælles møde: {SSU}.")
    posts = await posted(pejling, 2)
    assert sorted(channel_of(p) for p in posts) == sorted(
        [CHANNEL.conversation_id, SSU_CHANNEL.conversation_id]
    )
    assert all(card_text(p.cards[0]).startswith("Referat af dialogmødet") for p in posts)


async def test_a_politician_cannot_make_a_meeting_joint(pejling: RunningPejling) -> None:
    meeting = await planned(pejling)
    form, _ = await press(pejling, "camilla", meeting, "Fælles møde")

    answer, _ = await press(pejling, "jens", shown(meeting, form), "Gem udvalgene")

    assert answer == "Det er administrationen, der planlægger dialogmøder og skriver opsummeringen."
