"""`overblik` on demand: the same cards as the committee's digest, as of now, for whoever
asks. A politician gets their committee's, a department head their department's units, the
administration a choice of committee, and a committee's channel that committee's. Under it
a card opens any unit's page or goal's card; the last card has the report as PDF/Excel."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from dialoger.context import Context, card_id
from dialoger.turn import Reply, TurnResult, say, show
from kort.digest_on_demand import committee_choice_card, open_card, unit_card, with_course
from kort.digests import digest_cards
from kort.documents.buttons import with_documents
from kort.goals import goal_card
from store import committees, digests, goals, status_history
from store import documents as documents_store
from store.dates import LOCAL_TIME
from store.errors import DomainError
from store.goalviews import GoalDetail
from store.models import Committee
from store.views import DigestView, ProgressView


async def show_overview(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """Typed `overblik` (or "hvordan går det") in a personal chat."""
    actor = ctx.require_actor()
    chosen, units = await documents_store.overview_scope(ctx.session, actor)
    if not chosen:
        return TurnResult((say(ctx.texts("overblik.ingen")),))
    if actor.is_administration and len(chosen) > 1:
        every = await committees.committees(ctx.session, actor.municipality_id)
        return TurnResult((show(committee_choice_card(every, ctx.texts)),))
    replies: list[Reply] = []
    for committee_id in chosen:
        replies += await _overview(ctx, committee_id, units)
    return TurnResult(tuple(replies))


async def from_card(ctx: Context) -> TurnResult:
    """The administration chose a committee; anyone else may press only their own."""
    actor = ctx.require_actor()
    chosen, units = await documents_store.overview_scope(ctx.session, actor)
    wanted = ctx.turn.data.get("committee")
    if not isinstance(wanted, int) or wanted not in chosen:
        return TurnResult((say(ctx.texts("overblik.ingen")),))
    return TurnResult(tuple(await _overview(ctx, wanted, units)))


async def in_channel(ctx: Context) -> TurnResult:
    """`overblik` in a committee's channel: that committee's, for everyone in it."""
    committee = await _channel_committee(ctx)
    if committee is None:
        return TurnResult((say(ctx.texts("overblik.ingen_kanal")),))
    return TurnResult(tuple(await _overview(ctx, committee, None)))


async def _overview(ctx: Context, committee_id: int, units: frozenset[int] | None) -> list[Reply]:
    committee = await ctx.session.get_one(Committee, committee_id)
    now = ctx.turn.now
    window = digests.digest_window(committee.digest_schedule, now)
    digest = _only(await digests.build_digest(ctx.session, committee, window, now), units)
    built = digest_cards(digest, ctx.texts)
    request = await documents_store.report_request(ctx.session, committee, now)
    if request is not None:
        built[-1] = with_documents(built[-1], request, ctx.texts)
    opener = open_card(digest, ctx.texts)
    return [show(c) for c in built] + ([show(opener)] if opener else [])


def _only(digest: DigestView, units: frozenset[int] | None) -> DigestView:
    """A department head's overview: their own units of the committee."""
    if units is None:
        return digest
    kept = tuple(u for u in digest.units if any(g.goal.unit_id in units for g in u.goals))
    return replace(digest, units=kept)


async def show_unit(ctx: Context) -> TurnResult:
    """A unit's page, from the overview's drop-down or a button."""
    actor = ctx.require_actor()
    try:
        unit = card_id(ctx.turn.data.get("unit"), "dokument.ukendt_enhed")
        report = await documents_store.unit_page(ctx.session, actor, unit, ctx.turn.now)
    except DomainError as refused:
        return TurnResult((say(ctx.texts(refused.key)),))
    return TurnResult((show(unit_card(report, ctx.texts)),))


async def whole_goal_card(
    ctx: Context, detail: GoalDetail, can_edit: bool, can_comment: bool = False
) -> dict[str, Any]:
    """A goal, whole, for anyone `goal_detail` let see it: the goal card with every status
    of the period and the evaluations, its course as a strip, and its documents."""
    since = detail.period.starts_on if detail.period else None
    statuses = await status_history.history(ctx.session, ctx.municipality_id, detail.id, since)
    carry_to = await goals.carry_target(ctx.session, ctx.require_actor(), detail, ctx.today)
    shown = goal_card(
        detail, ctx.texts, can_edit=can_edit, statuses=statuses, can_comment=can_comment,
        carry_to=carry_to,
    )  # fmt: skip
    card = await goal_whole(ctx, shown, detail.id)
    request = await documents_store.agreement_request(ctx.session, detail.id)
    if request is None or not await documents_store.may_see(
        ctx.session, ctx.require_actor(), request
    ):
        return card
    return with_documents(card, request, ctx.texts)


async def goal_whole(ctx: Context, card: dict[str, Any], goal_id: int) -> dict[str, Any]:
    """The goal card with its course through the period (see `course_section`)."""
    course = await documents_store.goal_course(ctx.session, goal_id, ctx.turn.now)
    if course is None:
        return card
    today = ctx.turn.now.astimezone(LOCAL_TIME).date()
    period = await documents_store.period_of_goal(ctx.session, goal_id)
    span = (period[0], min(today, period[1])) if period else None
    return with_course(card, course, ctx.texts, span)


async def open_goal(ctx: Context) -> TurnResult:
    """A goal opened from the overview or a unit's page: a new message, so the overview
    stays (and in a channel it is everyone's), with the goal's course and its documents."""
    actor = ctx.require_actor()
    try:
        goal_id = card_id(ctx.turn.data.get("goal"), "maal.ukendt")
        detail = await goals.goal_detail(ctx.session, actor, goal_id)
    except DomainError as refused:
        return TurnResult((say(ctx.texts(refused.key)),))
    return TurnResult((show(await whole_goal_card(ctx, detail, can_edit=False)),))


async def _channel_committee(ctx: Context) -> int | None:
    where = ctx.turn.channel_id or ctx.turn.conversation_id.split(";")[0]
    return await ctx.session.scalar(
        select(Committee.id).where(
            Committee.municipality_id == ctx.municipality_id, Committee.channel_id == where
        )
    )
