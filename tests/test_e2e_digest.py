"""A committee's digest, end to end: posted as a new post in the linked channel at the fake
Bot Framework service, once per digest period, through Teams' refusals and retries, from
the library call, the `pejling digest` command and the scheduler alike."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

import bot.scheduler
from bot import outbox as outbox_edge
from bot.app import RUNTIME
from bot.digests import DigestResult, Outcome, post_digest
from bot.scheduler import scheduler_context, send_outbox
from cardcheck import schema_errors
from clikit import pejling_in_process
from fakebf import FakeBotFramework, RecordedRequest
from harness import (
    CHANNEL,
    RunningPejling,
    card_text,
    committee,
    pejling_command,
    report_status,
    rows,
    running_pejling,
    walk,
)
from store.models import ConversationRef, DigestPost
from store.orgfile import OrgFile
from store.outbox_planning import Source
from store_helpers import with_profile

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


async def link_channel(pejling: RunningPejling, key: str = "buu") -> None:
    await pejling.say("camilla", f"tilknyt {key}", CHANNEL)


async def digest(pejling: RunningPejling, key: str = "buu") -> DigestResult:
    """What the scheduler and `pejling digest` do, for one committee, now."""
    runtime = pejling.runtime
    chosen = await committee(pejling, key)
    now = datetime.now(UTC)
    return await post_digest(runtime.proactive, chosen.id, now)


def new_posts(pejling: RunningPejling) -> list[RecordedRequest]:
    """The `POST /v3/conversations` calls: each one is a new post in a channel."""
    return [r for r in pejling.fake.requests_to("POST") if r.path == "/v3/conversations"]


async def digest_posts(pejling: RunningPejling) -> list[DigestPost]:
    return await rows(pejling, select(DigestPost).order_by(DigestPost.id))


@pytest.fixture
async def linked(pejling: RunningPejling) -> RunningPejling:
    """The demo, with buu's channel linked and a fresh yellow from mette on her first goal."""
    await link_channel(pejling)
    await report_status(pejling, "mette", "gul", "Legepatruljen er i gang i alle frikvarterer.")
    return pejling


async def test_a_digest_is_one_new_post_in_the_committees_channel(linked: RunningPejling) -> None:
    result = await digest(linked)

    assert result.outcome is Outcome.SENT
    [created] = linked.fake.created_conversations
    assert created.parameters["isGroup"] is True
    assert created.parameters["channelData"]["channel"]["id"] == CHANNEL.channel_id
    assert created.parameters["tenantId"] == CHANNEL.tenant_id
    [post] = linked.fake.messages_in(CHANNEL.channel_id)[-1:]
    assert post.conversation_id == created.id
    assert card_text(post.cards[0]).startswith("Overblik: Børne- og Uddannelsesudvalget")
    [state] = await digest_posts(linked)
    assert (state.state, state.activity_id) == ("sent", created.activity_id)


async def test_the_digest_shows_the_update_as_colour_and_word(linked: RunningPejling) -> None:
    await digest(linked)

    card = linked.fake.created_conversations[0].parameters["activity"]["attachments"][0]["content"]
    shown = card_text(card)
    assert "Flere elever trives i frikvartererne" in shown
    assert "Ny melding siden sidst, stadig Gul" in shown
    assert "»Legepatruljen er i gang i alle frikvarterer.«" in shown
    # The word carries the status; a dot before it in Teams' yellow marks it.
    lines = [n["inlines"] for n in walk(card) if n.get("type") == "RichTextBlock"]
    marked = [[(r["text"], r.get("color")) for r in runs[:2]] for runs in lines]
    assert [("● ", "warning"), ("Gul", None)] in marked


async def test_a_changed_colour_is_shown_as_before_and_after(linked: RunningPejling) -> None:
    await report_status(linked, "jonas", "gul", "Fraværsgruppen virker.")

    await digest(linked)

    [post] = linked.fake.messages_in(CHANNEL.channel_id)[-1:]
    assert "Ændret siden sidst: Rød → Gul" in card_text(post.cards[0])


async def test_a_second_run_in_the_same_period_does_not_post_again(
    linked: RunningPejling,
) -> None:
    first = await digest(linked)

    again = await digest(linked)

    assert again.outcome is Outcome.ALREADY
    assert again.posted_at == first.posted_at
    assert len(new_posts(linked)) == 1


async def test_a_restarted_pejling_on_the_same_database_does_not_post_again(
    linked: RunningPejling, tmp_path: Path
) -> None:
    await digest(linked)
    url = linked.runtime.settings.database_url

    async with running_pejling(linked.fake, tmp_path, linked.org, database_url=url) as restarted:
        again = await digest(restarted)

    assert again.outcome is Outcome.ALREADY
    assert len(new_posts(linked)) == 1


async def test_a_committee_without_a_channel_gets_no_digest(linked: RunningPejling) -> None:
    result = await digest(linked, "ssu")

    assert result.outcome is Outcome.NO_CHANNEL
    assert new_posts(linked) == []
    assert await digest_posts(linked) == []


async def test_a_429_is_retried_after_the_time_teams_asks_for(linked: RunningPejling) -> None:
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[429], retry_after=1)

    result = await digest(linked)

    assert result.outcome is Outcome.SENT
    refused, posted = new_posts(linked)
    assert (refused.status, posted.status) == (429, 201)
    assert posted.at - refused.at >= 1.0
    assert len(linked.fake.created_conversations) == 1
    assert [p.state for p in await digest_posts(linked)] == ["sent"]


async def test_a_502_twice_is_retried_until_it_is_posted(linked: RunningPejling) -> None:
    """`Retry-After: 0` keeps the test fast; without it the waits are 2 s and 4 s, jittered."""
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[502, 502], retry_after=0)

    result = await digest(linked)

    assert result.outcome is Outcome.SENT
    assert [r.status for r in new_posts(linked)] == [502, 502, 201]
    assert len(linked.fake.created_conversations) == 1


async def test_a_403_is_not_retried_and_the_period_stays_open(linked: RunningPejling) -> None:
    """403 means the bot was removed from the team: no retry, and the channel is marked."""
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[403])

    result = await digest(linked)

    assert result.outcome is Outcome.UNREACHABLE
    assert [r.status for r in new_posts(linked)] == [403]
    [failed] = await digest_posts(linked)
    assert failed.state == "failed"
    assert failed.error.startswith("403")
    [channel] = await rows(
        linked, select(ConversationRef).where(ConversationRef.channel_id == CHANNEL.channel_id)
    )
    assert channel.unreachable_at is not None


async def test_after_a_403_a_later_run_in_the_same_period_posts(linked: RunningPejling) -> None:
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[403])
    await digest(linked)

    again = await digest(linked)

    assert again.outcome is Outcome.SENT
    assert [r.status for r in new_posts(linked)] == [403, 201]
    assert [p.state for p in await digest_posts(linked)] == ["sent"]


async def test_a_digest_posted_after_a_403_makes_the_channel_reachable_again(
    linked: RunningPejling,
) -> None:
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[403])
    await digest(linked)

    await digest(linked)

    query = select(ConversationRef).where(ConversationRef.channel_id == CHANNEL.channel_id)
    [channel] = await rows(linked, query)
    assert channel.unreachable_at is None


async def test_the_digest_card_is_a_valid_adaptive_card_1_5_at_full_width(
    linked: RunningPejling,
) -> None:
    await digest(linked)

    [post] = linked.fake.messages_in(CHANNEL.channel_id)[-1:]
    card = post.cards[0]
    assert card["msteams"] == {"width": "Full"}  # Teams' extension, unknown to the schema
    assert schema_errors(card) == []


# ---------------------------------------------------------------------------
# `pejling digest`, the command


async def test_the_digest_command_posts_once_per_period(linked: RunningPejling) -> None:
    url = linked.runtime.settings.database_url

    code, out, err = await pejling_command(url, "digest", "--committee", "buu")

    assert code == 0, err
    assert out == "Børne- og Uddannelsesudvalget: overblikket er sendt til kanalen.\n"
    assert len(new_posts(linked)) == 1
    code, out, err = await pejling_in_process(url, "digest", "--udvalg", "buu")
    assert code == 0, err
    assert "overblikket for denne periode er allerede sendt" in out
    assert len(new_posts(linked)) == 1


async def test_the_digest_command_refuses_an_unknown_committee(pejling: RunningPejling) -> None:
    url = pejling.runtime.settings.database_url

    code, _, err = await pejling_in_process(url, "digest", "--committee", "xyz")

    assert code == 2
    assert "Jeg kender ikke et udvalg med nøglen eller navnet »xyz«." in err


# ---------------------------------------------------------------------------
# The scheduler


@pytest.fixture
def schedulers(monkeypatch: pytest.MonkeyPatch) -> list[AsyncIOScheduler]:
    """The APScheduler instances `scheduler_context` starts, for inspection."""
    started: list[AsyncIOScheduler] = []

    class Recorded(AsyncIOScheduler):
        def start(self, *args: Any, **kwargs: Any) -> None:
            started.append(self)
            super().start(*args, **kwargs)

    monkeypatch.setattr(bot.scheduler, "AsyncIOScheduler", Recorded)
    return started


@asynccontextmanager
async def scheduling(pejling: RunningPejling):  # type: ignore[no-untyped-def]
    app = web.Application()
    app[RUNTIME] = pejling.runtime
    async with asynccontextmanager(scheduler_context)(app):
        yield


async def test_the_scheduler_runs_the_outbox_every_two_minutes_and_closes_goals_at_night(
    pejling: RunningPejling, schedulers: list[AsyncIOScheduler]
) -> None:
    """No job per committee: digests are planned in the outbox like every other message,
    so a restart or a second instance cannot post one twice or lose one."""
    async with scheduling(pejling):
        [scheduler] = schedulers
        jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {"close-ended-goals", "outbox"}
    assert jobs["outbox"].func is send_outbox
    assert jobs["outbox"].trigger.interval == timedelta(minutes=2)
    assert jobs["close-ended-goals"].next_run_time.astimezone(COPENHAGEN).hour == 2


# buu's schedule "0 7 1-7 * mon": 7.00 Danish time on the first Monday of a month.
FIRST_MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=COPENHAGEN)


async def digest_tick(pejling: RunningPejling, now: datetime, owner: str = "a") -> list[str]:
    """One outbox tick at `now`, for digests only: how buu's went (the other committees
    have no channel linked here, and their digests are skipped)."""
    buu = await committee(pejling, "buu")
    done = await outbox_edge.tick(pejling.runtime.proactive, now, owner, [Source.DIGESTS])
    return [f"digest {r.outcome}" for r in done if r.payload["committee"] == buu.id]


async def test_a_scheduled_digest_posts_once_per_period(linked: RunningPejling) -> None:
    assert await digest_tick(linked, FIRST_MONDAY - timedelta(minutes=1)) == []

    assert await digest_tick(linked, FIRST_MONDAY + timedelta(minutes=1)) == ["digest sent"]
    assert await digest_tick(linked, FIRST_MONDAY + timedelta(minutes=3), "b") == []

    assert len(new_posts(linked)) == 1
    assert len(linked.fake.messages_in(CHANNEL.channel_id)) >= 1


async def test_a_digest_missed_while_pejling_was_down_is_caught_up_within_six_hours(
    linked: RunningPejling,
) -> None:
    late = await digest_tick(linked, FIRST_MONDAY + timedelta(hours=5, minutes=50))

    assert late == ["digest sent"]
    [row] = await digest_posts(linked)
    assert row.window_start == FIRST_MONDAY.astimezone(UTC)  # the period it was due for


async def test_a_digest_missed_by_more_than_six_hours_waits_for_the_next_period(
    linked: RunningPejling,
) -> None:
    assert await digest_tick(linked, FIRST_MONDAY + timedelta(hours=6, minutes=1)) == []
    assert new_posts(linked) == []


async def test_a_scheduled_digest_teams_refuses_is_tried_again_after_a_wait(
    linked: RunningPejling,
) -> None:
    linked.fake.fail_next("POST", "/v3/conversations", statuses=[400])

    assert await digest_tick(linked, FIRST_MONDAY) == ["digest failed"]
    assert [p.state for p in await digest_posts(linked)] == ["failed"]
    assert await digest_tick(linked, FIRST_MONDAY + timedelta(minutes=1)) == []
    assert await digest_tick(linked, FIRST_MONDAY + timedelta(minutes=3)) == ["digest sent"]
    assert [r.status for r in new_posts(linked)] == [400, 201]


async def test_dragoers_committee_never_sees_a_goal(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """Dragør (003) keeps no goals: its digest and its bearings show the bearings, never a
    goal, a colour or a count of them."""
    dragoer = with_profile(demo_org, "dragoer")
    async with running_pejling(fake_bf, tmp_path, dragoer) as pejling:
        await link_channel(pejling)
        assert (await digest(pejling)).outcome is Outcome.SENT
        said = await pejling.say("jens", "pejlemærker")

    [post] = pejling.fake.messages_in(CHANNEL.channel_id)[-1:]
    shown = card_text(post.cards[0])
    bearings = "\n".join(card_text(card) for message in said for card in message.cards)
    assert "Udvalgets pejlemærker:" in shown and "Alle børn skal trives" in bearings
    for goal_words in ("Grøn", "Gul", "Rød", "mål følger", "Farverne", "Ingen status"):
        assert goal_words not in shown and goal_words not in bearings
