"""Cards that show one saved goal: to anyone allowed to see it, to the department head
who decides on it, and the short note that replaces the decision card afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, facts, text, title
from kort.evaluations import evaluation_blocks
from kort.goal_fields import (
    SEP,
    bullets,
    field_value,
    flag_block,
    label,
    latest_status_block,
    returned_block,
    where_line,
)
from kort.status import history_blocks
from store.goalfields import LENGTHS
from store.goalviews import GoalDetail, GoalEventView
from store.limits import NARRATIVE_MAX
from store.text import shorten
from store.views import PeriodView, StatusEntry

# Short answers go in one fact set; longer ones, and lists, get a heading of their own.
FACT_FIELDS = (
    "goal_type",
    "perspective",
    "evaluation_method",
    "deadline",
    "responsible",
    "national_goal",
    "grades",
)
SECTION_FIELDS = ("bearings", "expected_effect", "success_criteria", "data_source", "sub_goals")
COMMENT_MAX = LENGTHS.get("return_comment", 2000)  # as store.goals.check_text allows
QUOTE_LENGTH = 160  # a comment in the history is shortened; the full one is at the top


def goal_card(
    detail: GoalDetail,
    texts: Texts,
    *,
    can_edit: bool = False,
    statuses: Sequence[StatusEntry] = (),
    can_comment: bool = False,
    carry_to: PeriodView | None = None,
) -> dict[str, Any]:
    """One goal for anyone allowed to see it: what it says, where it stands, and what has
    happened to it; `statuses`, its status history in the period, beside the evaluations.
    Its leader gets a button to change it; on a goal the administration wrote as
    pen-holder, a box to comment; and while the next period's goals are drafted
    (`carry_to`), a button to carry it into that period as a draft."""
    body = goal_body(detail, texts, statuses)
    if can_comment:
        body += comment_form(detail, texts)
    shown = []
    if can_edit:
        edit = {"action": actions.EDIT_GOAL, "goal": detail.id}
        shown.append(button(texts("maalkort.vis.knap_ret"), edit))
    if carry_to is not None:
        carry = {"action": actions.CARRY_GOAL, "goal": detail.id}
        shown.append(button(texts("maalkort.vis.knap_videre", period=carry_to.name), carry))
    if shown:
        body.append(buttons(*shown))
    return card(body, fallback_text=texts("maalkort.vis.fallback", title=detail.content.title))


def comment_form(detail: GoalDetail, texts: Texts) -> list[Any]:
    """A comment to the pen-holder (and the department head, once the goal is sent)."""
    box = ac.InputText(
        id="goal_comment",
        label=texts("maalkort.kommentar.label"),
        placeholder=texts("maalkort.kommentar.hint"),
        is_multiline=True,
        is_required=True,
        error_message=texts("maalkort.kommentar.fejl"),
        max_length=NARRATIVE_MAX,
    )
    send = {"action": actions.COMMENT_GOAL, "goal": detail.id}
    return [
        ac.Container(separator=True, items=[box]),
        buttons(button(texts("maalkort.kommentar.knap"), send, positive=True)),
    ]


def goal_body(detail: GoalDetail, texts: Texts, statuses: Sequence[StatusEntry] = ()) -> list[Any]:
    """The goal for reading, without buttons: the body of the goal and approval cards."""
    content = detail.content
    body: list[Any] = [title(content.title), where_line(detail.unit_name, detail.period, texts)]
    if detail.pen_holder:
        body.append(text(texts("maalkort.vis.pennefoerer", name=detail.pen_holder), small=True))
    if detail.reportable or detail.latest is not None:  # a draft has no status to show
        body.append(latest_status_block(detail.latest, texts))
    if detail.return_comment:
        body.append(returned_block(detail.return_comment, texts))
    body += [flag_block(flag, texts) for flag in detail.flags]
    state = [
        (texts("maalkort.vis.tilstand"), texts(f"maal.tilstand.{detail.state}")),
        (texts("maalkort.vis.version"), str(detail.version)),
    ]
    answers = [
        (label(f, texts), field_value(f, content, detail.bearings, texts)) for f in FACT_FIELDS
    ]
    body.append(facts(state + answers))
    for field in SECTION_FIELDS:
        body += _section(label(field, texts), field_value(field, content, detail.bearings, texts))
    body += _section(texts("maalkort.vis.opfoelgning"), detail.follow_up)
    # The statuses of the period, and beside them the midway evaluations and final reports.
    body += history_blocks(statuses, texts)
    body += evaluation_blocks(detail.evaluations, texts)
    body += _history(detail.events, texts)
    return body


def _section(heading: str, value: str | None) -> list[Any]:
    if not value:
        return []
    return [
        ac.Container(
            spacing=t.Spacing.MEDIUM, items=[text(heading, bold=True, small=True), text(value)]
        )
    ]


def _history(events: tuple[GoalEventView, ...], texts: Texts) -> list[Any]:
    """What happened to the goal, oldest first, one line each; a new version is named on
    the first line that belongs to it."""
    if not events:
        return []
    lines = []
    version = events[0].version
    for event in events:
        lines.append(_event_line(event, event.version != version, texts))
        version = event.version
    return [
        ac.Container(
            separator=True,
            items=[
                text(texts("maalkort.vis.historik"), bold=True, small=True),
                text(bullets(lines), small=True),
            ],
        )
    ]


def _event_line(event: GoalEventView, new_version: bool, texts: Texts) -> str:
    parts = [texts(f"maal.handling.{event.action}")]
    if new_version:
        parts.append(texts("maalkort.vis.ny_version", version=event.version))
    if event.budget_year:  # why the version is new: the year's adjustment after the budget
        parts.append(texts("maalkort.vis.budget", year=event.budget_year))
    if event.carried_from:
        parts.append(texts("maalkort.vis.fra_periode", period=event.carried_from))
    if event.person:
        parts.append(event.person)
    parts.append(texts.date(event.at))
    if event.meeting_date:
        parts.append(texts("maalkort.vis.udvalgsmoede", date=texts.date(event.meeting_date)))

    if event.comment:
        parts.append(texts("maalkort.vis.citat", text=shorten(event.comment, QUOTE_LENGTH)))
    return SEP.join(parts)


def approval_card(detail: GoalDetail, texts: Texts) -> dict[str, Any]:
    """What a department head gets when a goal is sent for approval: the goal, a comment
    box and the two decisions. The revision shown travels with both, so a click on an old
    card cannot decide on a goal that has changed since."""
    decision = {"goal": detail.id, "revision": detail.revision}
    approve = {"action": actions.APPROVE_GOAL, **decision}
    send_back = {"action": actions.RETURN_GOAL, **decision, "fields": ["comment"]}
    body: list[Any] = [
        text(texts("maalkort.godkend.intro"), subtle=True, small=True),
        *goal_body(detail, texts),
        # Not isRequired: approving needs no comment; the store refuses a return without one.
        ac.InputText(
            id="comment",
            label=texts("maalkort.godkend.kommentar"),
            placeholder=texts("maalkort.godkend.kommentar_pladsholder"),
            is_multiline=True,
            max_length=COMMENT_MAX,
            separator=True,
        ),
        buttons(
            button(texts("maalkort.godkend.knap_godkend"), approve, positive=True),
            button(texts("maalkort.godkend.knap_tilbage"), send_back),
        ),
    ]
    fallback = texts("maalkort.godkend.fallback", title=detail.content.title)
    return card(body, fallback_text=fallback)


def decided_card(detail: GoalDetail, texts: Texts) -> dict[str, Any]:
    """Replaces an approval card once the goal is decided, so it cannot be decided twice."""
    state = texts(f"maal.tilstand.{detail.state}")
    body: list[Any] = [
        text(detail.content.title, bold=True),
        where_line(detail.unit_name, detail.period, texts),
        text(texts("maalkort.besluttet.tilstand", state=state)),
    ]
    fallback = texts("maalkort.besluttet.fallback", title=detail.content.title, state=state)
    return card(body, fallback_text=fallback)
