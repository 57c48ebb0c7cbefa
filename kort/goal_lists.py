"""Lists of goals: a leader's own goals and unfinished drafts, the goals waiting for a
department head's decision, and the administration's form for recording which goals the
committee approved at its meeting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_cards import card as ac

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title
from kort.goal_fields import SEP, bullets, latest_status_block
from kort.status import trend_line
from store.enums import Color, GoalAction, GoalState
from store.goalviews import GoalDetail

EDITABLE = (GoalState.DRAFT, GoalState.RETURNED)  # as store.goals.EDITABLE
MEETING_DATE = "meeting_date"


def my_goals_card(
    goals: list[GoalDetail],
    drafts: list[tuple[str, str]],
    texts: Texts,
    *,
    can_draft: bool,
    trends: Mapping[int, Sequence[Color]] | None = None,
) -> dict[str, Any]:
    """`mine mål`: the leader's goals in the period with where each stands, the goals they
    are still writing (`drafts`: progress id and title), and a button for a new one."""
    body: list[Any] = [title(texts("maalkort.mine.titel"))]
    if not goals and not drafts:
        body.append(text(texts("maalkort.mine.tom")))
        if can_draft:
            body.append(text(texts("maalkort.mine.tom_kan_skrive")))
    body += [_my_goal(goal, texts, (trends or {}).get(goal.id, ())) for goal in goals]
    if drafts:
        body.append(
            ac.Container(separator=True, items=[text(texts("maalkort.mine.i_gang"), bold=True)])
        )
        body += [_draft(progress_id, name, texts) for progress_id, name in drafts]
    if can_draft:
        new = {"action": actions.NEW_GOAL}
        body.append(buttons(button(texts("maalkort.mine.knap_nyt"), new, positive=True)))
    return card(body, fallback_text=texts("maalkort.mine.fallback"))


def _my_goal(goal: GoalDetail, texts: Texts, trend: Sequence[Color] = ()) -> ac.Container:
    state = texts(f"maal.tilstand.{goal.state}")
    items: list[Any] = [
        text(goal.content.title, bold=True),
        text(SEP.join(_where(goal, state)), subtle=True, small=True),
    ]
    if goal.reportable or goal.latest is not None:  # a draft has no status to show
        items.append(latest_status_block(goal.latest, texts))
    if len(trend) > 1 and (line := trend_line(trend, texts)):  # one status is no trend yet
        items.append(text(line, small=True))
    actions_ = [
        button(texts("maalkort.mine.knap_vis"), {"action": actions.SHOW_GOAL, "goal": goal.id})
    ]
    if goal.state in EDITABLE:
        edit = {"action": actions.EDIT_GOAL, "goal": goal.id}
        actions_.append(button(texts("maalkort.mine.knap_ret"), edit))
    items.append(buttons(*actions_))
    return ac.Container(separator=True, items=items)


def _where(goal: GoalDetail, state: str) -> list[str]:
    """Unit, period and state: `mine mål` holds the next period's goals beside this one's."""
    return [goal.unit_name, *([goal.period.name] if goal.period else []), state]


def _draft(progress_id: str, name: str, texts: Texts) -> ac.Container:
    # RESUME asks the dialogue's current question again; an empty ANSWER could instead
    # finish a dialogue whose questions are all answered.
    resume = {"action": actions.RESUME, "progress": progress_id}
    return ac.Container(
        items=[
            text(name or texts("maalkort.mine.uden_titel")),
            buttons(button(texts("maalkort.mine.knap_fortsaet"), resume)),
        ]
    )


def waiting_card(goals: list[GoalDetail], texts: Texts) -> dict[str, Any]:
    """The goals waiting for the viewer's decision, each with a button to open it."""
    body: list[Any] = [title(texts("maalkort.venter.titel"))]
    if not goals:
        body.append(text(texts("maalkort.venter.tom")))
    else:
        body.append(text(texts("maalkort.venter.intro", count=len(goals))))
    body += [_waiting(goal, texts) for goal in goals]
    return card(body, fallback_text=texts("maalkort.venter.fallback"))


def _waiting(goal: GoalDetail, texts: Texts) -> ac.Container:
    items: list[Any] = [
        text(goal.content.title, bold=True),
        text(goal.unit_name, subtle=True, small=True),
    ]
    sent = _sent_line(goal, texts)
    if sent:
        items.append(text(sent, subtle=True, small=True))
    show = {"action": actions.SHOW_GOAL, "goal": goal.id}
    items.append(buttons(button(texts("maalkort.venter.knap"), show, positive=True)))
    return ac.Container(separator=True, items=items)


def _sent_line(goal: GoalDetail, texts: Texts) -> str | None:
    """When (and by whom) it was last sent, if the goal came with its history."""
    sent = [e for e in goal.events if e.action is GoalAction.SUBMITTED]
    if not sent:
        return None
    when = texts.date(sent[-1].at)
    if sent[-1].person:
        return texts("maalkort.venter.sendt_af", date=when, person=sent[-1].person)
    return texts("maalkort.venter.sendt", date=when)


def committee_card(goals: list[GoalDetail], texts: Texts) -> dict[str, Any]:
    """For the administration: tick the goals the committee approved, grouped by unit
    in the order given, and give the meeting's date."""
    body: list[Any] = [title(texts("maalkort.udvalg.titel"))]
    if not goals:
        body.append(text(texts("maalkort.udvalg.tom")))
        return card(body, fallback_text=texts("maalkort.udvalg.tom"))
    body.append(text(texts("maalkort.udvalg.intro")))
    ids: list[str] = []
    for unit_name, unit_goals in _by_unit(goals):
        toggles = [_toggle(goal) for goal in unit_goals]
        ids += [toggle.id for toggle in toggles]
        body.append(ac.Container(separator=True, items=[text(unit_name, bold=True), *toggles]))
    body.append(
        ac.InputDate(
            id=MEETING_DATE,
            label=texts("maalkort.udvalg.dato"),
            is_required=True,
            error_message=texts("maalkort.udvalg.dato_fejl"),
            separator=True,
        )
    )
    # A toggle always sends "true" or "false"; `fields` is there for the date all the same.
    record = {"action": actions.COMMITTEE_APPROVAL, "fields": [MEETING_DATE, *ids]}
    body.append(buttons(button(texts("maalkort.udvalg.knap"), record, positive=True)))
    return card(body, fallback_text=texts("maalkort.udvalg.fallback"))


def notice_after_committee(approved: list[GoalDetail], texts: Texts) -> dict[str, Any]:
    """Replaces the committee card once the approval is recorded: which goals, no inputs,
    so the same approval cannot be recorded twice."""
    lines = bullets(SEP.join([goal.content.title, goal.unit_name]) for goal in approved)
    body: list[Any] = [title(texts("maalkort.udvalg.registreret")), text(lines)]
    return card(body, fallback_text=texts("maalkort.udvalg.registreret"))


def _toggle(goal: GoalDetail) -> ac.InputToggle:
    return ac.InputToggle(
        id=f"goal_{goal.id}",
        title=goal.content.title,
        value="false",
        value_on="true",
        value_off="false",
        wrap=True,
    )


def _by_unit(goals: list[GoalDetail]) -> list[tuple[str, list[GoalDetail]]]:
    # In the order given: the store sorts, and Danish order (æ, ø, å) is its business.
    groups: dict[int, tuple[str, list[GoalDetail]]] = {}
    for goal in goals:
        groups.setdefault(goal.unit_id, (goal.unit_name, []))[1].append(goal)
    return list(groups.values())
