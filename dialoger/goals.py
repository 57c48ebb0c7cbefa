"""Goal commands and goal card buttons: `nyt mål`, `fortsæt`, `mine mål`, `til
godkendelse`, and showing, editing, approving and returning a goal.

Every id a card carries is checked by the store against who presses it.
"""

from __future__ import annotations

from typing import Any

from dialoger import digests, engine, runner
from dialoger.context import Context, card_id
from dialoger.flows import FLOWS
from dialoger.flows import goals as goals_flow
from dialoger.turn import Reply, Target, TurnResult, card_reply, say, show
from dialoger.under_way import under_way
from kort import goals as cards
from kort.department_agreements import department_agreements_card
from store import department_goals, goals, pen_holder, people, progress, status_history
from store.dates import parse_date
from store.enums import GoalState
from store.errors import Invalid
from store.profiles import profile
from store.text import shorten
from store.views import ProgressView


def goal_flow(ctx: Context) -> engine.Flow[goals_flow.GoalData] | None:
    return FLOWS.get(goals_flow.flow_name(ctx.require_actor().profile))


async def new_goal(ctx: Context, current: ProgressView | None) -> TurnResult:
    """`nyt mål`: start the dialogue, with a word on few goals when the unit has many."""
    flow = goal_flow(ctx)
    if flow is None:
        return TurnResult((say(ctx.texts("maal.bruges_ikke")),))
    resuming = current is not None and current.flow == flow.name
    started = await runner.start(ctx, flow, current)
    if resuming or not started.card_owner:  # picked up where it was, or refused
        return started
    data = await flow.load(ctx)
    return TurnResult(
        (*_intro(ctx, data, started.card_owner), *started.replies), started.card_owner
    )


def _intro(ctx: Context, data: goals_flow.GoalData, progress_id: str) -> list[Reply]:
    t = ctx.texts
    replies = [say(t("maal.intro", name=t("maal.navn")))]
    crowded = [u for u in data.context.units if u.active_goals >= data.context.profile.goal_limit]
    if crowded:
        replies.append(say(t("maal.faa_maal", unit=crowded[0].name, count=crowded[0].active_goals,
                             limit=data.context.profile.goal_limit)))  # fmt: skip
    replies.append(card_reply(ctx.turn, cards.form_offer_card(progress_id, t)))
    return replies


CONTINUES = "tale.fortsaetter_med"  # "Du fortsætter med målet »…«."


async def resume(ctx: Context, current: ProgressView | None) -> TurnResult:
    """`fortsæt`: the newest unfinished dialogue, else the newest draft or returned goal."""
    if current is not None:
        return await runner.resume(ctx, current, CONTINUES, what=under_way(ctx, current))
    actor = ctx.require_actor()
    paused = await progress.newest_unfinished(ctx.session, actor.municipality_id, actor.person_id)
    if paused is not None:
        reopened = await runner.reopen(ctx, ctx.memory.with_card(paused))
        return await runner.resume(ctx, reopened, CONTINUES, what=under_way(ctx, reopened))
    drafts = [g for g in await goals.goals_of_leader(ctx.session, actor, ctx.today)
              if g.state in goals.EDITABLE]  # fmt: skip
    if drafts:
        return await edit_goal(ctx, drafts[-1].id)
    return TurnResult((say(ctx.texts("dialog.intet_at_fortsaette")),))


async def my_goals(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """`mine mål`: a leader's goals; what waits for a department head or the administration."""
    actor = ctx.require_actor()
    if not profile(actor.profile).uses_goals:
        return TurnResult((say(ctx.texts("maal.bruges_ikke")),))
    replies: list[Reply] = []
    if actor.led_unit_ids:
        mine = await goals.goals_of_leader(ctx.session, actor, ctx.today)
        drafts = await _unfinished(ctx)
        since = mine[0].period.starts_on if mine and mine[0].period else None
        trends = await status_history.trends(
            ctx.session, actor.municipality_id, [g.id for g in mine], since
        )
        card = cards.my_goals_card(mine, drafts, ctx.texts, can_draft=True, trends=trends)
        replies.append(show(card))
    replies += await _department_agreements(ctx)
    waiting = await approvals(ctx, current)
    replies += [r for r in waiting.replies if r.card is not None or not replies]
    return TurnResult(tuple(replies) or (say(ctx.texts("maal.ingen_maal_at_vise")),))


async def _department_agreements(ctx: Context) -> list[Reply]:
    """Where the committee agrees goals with the departments' management (Jammerbugt),
    the agreement above the units' own: the department's with its committee."""
    actor = ctx.require_actor()
    if not profile(actor.profile).department_agreements:
        return []
    found = await department_goals.agreements_for(ctx.session, actor, ctx.today)
    return [show(department_agreements_card(found, ctx.texts))] if found else []


async def _unfinished(ctx: Context) -> list[tuple[str, str]]:
    actor = ctx.require_actor()
    found = await progress.unfinished(
        ctx.session, actor.municipality_id, actor.person_id, goals_flow.flow_name(actor.profile)
    )
    return [(p.id, p.answers.get("title") or ctx.texts("maal.uden_titel")) for p in found]


async def approvals(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """`til godkendelse`: goals waiting for the department head's or committee's decision."""
    actor = ctx.require_actor()
    waiting = await goals.waiting_for(ctx.session, actor)
    mine = [g for g in waiting if g.state == GoalState.SUBMITTED]
    committee = [g for g in waiting if g.state == GoalState.DEPARTMENT_APPROVED]
    replies: list[Reply] = []
    if mine:
        replies.append(show(cards.waiting_card(mine, ctx.texts)))
    if committee:
        replies.append(show(cards.committee_card(committee, ctx.texts)))
    return TurnResult(tuple(replies) or (say(ctx.texts("maal.intet_til_godkendelse")),))


async def show_goal(ctx: Context, goal_id: Any) -> TurnResult:
    """A goal's card; to its department head, while it waits, the card to decide on."""
    actor = ctx.require_actor()
    detail = await goals.goal_detail(ctx.session, actor, _id(goal_id))
    if detail.state == GoalState.SUBMITTED and goals.decides(actor, detail):
        return TurnResult((card_reply(ctx.turn, cards.approval_card(detail, ctx.texts)),))
    can_edit = detail.unit_id in actor.led_unit_ids and detail.state != GoalState.CLOSED
    # A goal the administration wrote for the unit: its leader can comment on it.
    can_comment = can_edit and detail.pen_holder is not None
    card = await digests.whole_goal_card(ctx, detail, can_edit, can_comment)
    return TurnResult((card_reply(ctx.turn, card),))


async def edit_goal(ctx: Context, goal_id: Any) -> TurnResult:
    """Open a saved goal in the dialogue again, at the review, with any comment shown."""
    actor = ctx.require_actor()
    flow = goal_flow(ctx)
    if flow is None:
        return TurnResult((say(ctx.texts("maal.bruges_ikke")),))
    detail = await goals.goal_detail(ctx.session, actor, _id(goal_id))
    data: goals_flow.GoalData = await flow.load(ctx)
    unit = data.at({goals_flow.PERIOD: detail.period.id if detail.period else None}).unit(
        detail.unit_id
    )
    if unit is None or detail.state == GoalState.CLOSED:
        raise Invalid("maal.kan_ikke_rettes", state=detail.state)
    answers = goals_flow.answers_from(detail, unit)
    return await runner.start_at(ctx, flow, goals_flow.REVIEW, answers, data)


async def show_form(ctx: Context, progress_id: Any) -> TurnResult:
    """The whole goal as one form, instead of one question at a time."""
    actor = ctx.require_actor()
    found = await progress.find(
        ctx.session, actor.municipality_id, actor.person_id, str(progress_id)
    )
    flow = goal_flow(ctx)
    if found is None or found[1] in (progress.DONE, progress.CANCELLED) or flow is None:
        return TurnResult((say(ctx.texts("dialog.kort_ikke_aktivt")),))
    current = found[0]
    data: goals_flow.GoalData = await flow.load(ctx)
    if goals_flow.PERIODS_OPEN in current.answers and goals_flow.PERIOD not in current.answers:
        return await runner.resume(ctx, current, "maal.vaelg_periode_foerst")
    unit = current.answers.get(goals_flow.UNIT, {}).get("id")
    if unit is None:
        return await runner.resume(ctx, current, "maal.vaelg_enhed_foerst")
    content = goals_flow.content_from(current.answers, data.leader)
    context = data.at(current.answers)
    drafting = context.unit(unit)
    if drafting is None:  # no longer the leader's: taking the dialogue up again says so
        return await runner.resume(ctx, current, "maal.ikke_din_enhed")
    form = cards.goal_form_card(context.template_of(drafting), context, unit, content,
                                current.id, current.step, ctx.texts)  # fmt: skip
    return TurnResult((card_reply(ctx.turn, form),), card_owner=current.id)


async def decide(ctx: Context, action: str) -> TurnResult:
    """The department head approves or returns the goal named on their card."""
    actor, data = ctx.require_actor(), ctx.turn.data
    goal_id, revision = _id(data.get("goal")), _id(data.get("revision"))
    if action == "approve":
        decided = await goals.approve(ctx.session, actor, goal_id, revision, ctx.turn.now)
        told = ctx.texts("maal.godkendt_af", title=decided.content.title, name=actor.person_name)
    else:
        comment = str(data.get("comment") or "")
        decided = await goals.return_to_leader(ctx.session, actor, goal_id, revision, comment,
                                               ctx.turn.now)  # fmt: skip
        told = ctx.texts("maal.sendt_tilbage_af", title=decided.content.title,
                         name=actor.person_name, comment=comment.strip())  # fmt: skip
    await _tell_leaders(ctx, decided, told)
    done = ctx.texts(f"maal.besluttet.{decided.state.value}", title=decided.content.title)
    return TurnResult((show(cards.decided_card(decided, ctx.texts), Target.REPLACE), say(done)))


async def record_committee(ctx: Context) -> TurnResult:
    """The administration records the committee's approval, with the meeting's date."""
    data = ctx.turn.data
    meeting = parse_date(str(data.get("meeting_date") or ""))
    if meeting is None:
        return TurnResult((say(ctx.texts("maal.moededato_mangler")),))
    chosen = [_id(key.removeprefix("goal_")) for key, value in data.items()
              if key.startswith("goal_") and str(value).lower() == "true"]  # fmt: skip
    if not chosen:
        return TurnResult((say(ctx.texts("maal.ingen_valgt")),))
    approved = await goals.approve_in_committee(ctx.session, ctx.require_actor(), chosen, meeting,
                                                ctx.turn.now)  # fmt: skip
    for goal in approved:
        await _tell_leaders(ctx, goal, ctx.texts("maal.godkendt_i_udvalg", title=goal.content.title,
                                                 date=ctx.texts.date(meeting)))  # fmt: skip
    done = ctx.texts("maal.udvalg_registreret", count=len(approved), date=ctx.texts.date(meeting))
    return TurnResult((show(cards.notice_after_committee(approved, ctx.texts), Target.REPLACE),
                       say(done)))  # fmt: skip


async def comment_goal(ctx: Context) -> TurnResult:
    """COMMENT_GOAL: the unit's leader comments on a goal the administration wrote as
    pen-holder; the pen-holder (and the department head, once it is sent) is told, and the
    comment stays in the goal's history."""
    actor, data = ctx.require_actor(), ctx.turn.data
    typed = data.get("goal_comment")
    done = await pen_holder.comment(ctx.session, actor, _id(data.get("goal")),
                                    typed if isinstance(typed, str) else None,
                                    ctx.turn.now)  # fmt: skip
    goal = done.goal
    told = ctx.texts("maal.kommentar.til_pennefoerer", leader=actor.person_name,
                     title=goal.content.title, unit=goal.unit_name,
                     comment=shorten(str(typed).strip(), 300))  # fmt: skip
    for person in done.tell:
        ctx.notify(person, told, cards.goal_card(goal, ctx.texts))
    names = ", ".join(done.names)
    thanks = (ctx.texts("maal.kommentar.sendt", title=goal.content.title, names=names)
              if names else ctx.texts("maal.kommentar.gemt", title=goal.content.title))  # fmt: skip
    card = cards.goal_card(goal, ctx.texts, can_comment=goal.pen_holder is not None)
    return TurnResult(
        (say(thanks), show(card, Target.REPLACE if ctx.turn.from_card else Target.NEW))
    )


async def _tell_leaders(ctx: Context, goal: goals.GoalDetail, text: str) -> None:
    card = cards.goal_card(goal, ctx.texts, can_edit=goal.state == GoalState.RETURNED)
    for leader in await people.leaders(ctx.session, [goal.unit_id]):
        ctx.notify(leader, text, card)


async def carry_over(ctx: Context) -> TurnResult:
    """The goal card's button: the goal carried into the next period as a draft, shown."""
    actor = ctx.require_actor()
    carried = await goals.carry_over(ctx.session, actor, _id(ctx.turn.data.get("goal")),
                                     ctx.turn.now)  # fmt: skip
    goal = carried.goal
    period = goal.period.name if goal.period else ""
    key = "maal.viderefoert" if carried.created else "maal.allerede_viderefoert"
    card = cards.goal_card(goal, ctx.texts, can_edit=True)
    return TurnResult((say(ctx.texts(key, title=goal.content.title, period=period)), show(card)))


def _id(value: Any) -> int:
    return card_id(value, "maal.ukendt")
