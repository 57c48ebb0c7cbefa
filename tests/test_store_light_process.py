"""Dragør's lighter meeting process ("relativt enkel og ubureaukratisk"), on SQLite and
PostgreSQL: no leader is asked or reminded to prepare (a leader may still write
`forbered`), and the administration approves a summary once the meeting has been held,
without a comment round. Hvidovre keeps both."""

from __future__ import annotations

from datetime import datetime, timedelta

from harness import buttons
from kort.catalogue import texts
from kort.summaries import summary_card
from meetingkit import HELD, WHEN, content_for, plan_meeting, prepare, refusal, write_summary
from store import outbox, summaries
from store.enums import SummaryState
from store.orgfile import OrgFile
from store.outbox import Kind
from store.profiles import profile
from store_helpers import Sessions, actor_of, imported, with_profile

DAY_BEFORE = WHEN - timedelta(days=1)


async def due_kinds(sessions: Sessions, now: datetime) -> list[Kind]:
    async with sessions() as session:
        return sorted({item.kind for item in await outbox.due(session, now)})


async def approve(
    sessions: Sessions, org: OrgFile, written: summaries.SummaryChange
) -> SummaryState:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "camilla")
        shown = written.summary
        done = await summaries.approve(session, actor, shown.id, shown.revision, HELD)
    return done.summary.state


def test_the_dragoer_profile_leaves_out_the_requests_and_the_comment_round() -> None:
    light, full = profile("dragoer").meetings, profile("hvidovre").meetings
    assert (light.preparation_requests, light.comment_round) == (False, False)
    assert (full.preparation_requests, full.comment_round) == (True, True)


async def test_dragoer_asks_no_one_to_prepare_but_a_leader_may(
    sessions: Sessions, demo: OrgFile
) -> None:
    dragoer = await imported(sessions, with_profile(demo, "dragoer"))
    planned = await plan_meeting(sessions, dragoer, "boegeskov-skole")

    assert await due_kinds(sessions, DAY_BEFORE) == [Kind.PACK]  # no request, no reminder
    await prepare(sessions, dragoer, "mette", planned.meeting.id, "boegeskov-skole")
    assert await due_kinds(sessions, DAY_BEFORE) == [Kind.PACK]


async def test_hvidovre_still_asks_and_reminds(sessions: Sessions, demo: OrgFile) -> None:
    await plan_meeting(sessions, demo, "boegeskov-skole")
    assert Kind.PREPARE in await due_kinds(sessions, DAY_BEFORE)


async def test_dragoer_approves_the_draft_after_the_meeting_without_a_comment_round(
    sessions: Sessions, demo: OrgFile
) -> None:
    dragoer = await imported(sessions, with_profile(demo, "dragoer"))
    planned = await plan_meeting(sessions, dragoer, "boegeskov-skole")
    written = await write_summary(
        sessions, dragoer, planned.meeting.id, content_for(planned.meeting)
    )

    draft = summary_card(written.summary, texts("da"), mode="draft")
    assert buttons(draft) == ["Godkend referatet", "Ret referatet"]
    assert await approve(sessions, dragoer, written) is SummaryState.APPROVED


async def test_hvidovre_sends_the_draft_round_before_it_is_approved(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole")
    written = await write_summary(sessions, demo, planned.meeting.id, content_for(planned.meeting))

    draft = summary_card(written.summary, texts("da"), mode="draft")
    assert buttons(draft)[0] == "Send til kommentering"
    refused = await refusal(approve(sessions, demo, written))
    assert refused.key == "referat.ikke_sendt"
