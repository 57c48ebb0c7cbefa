"""The goal cards. This module builds the cards for writing a goal: the offer of a form,
the whole goal as one form, one question at a time, and the goal as written, with a
button to change each field before it is sent. The cards that show saved goals live in
`kort.goal_view` and `kort.goal_lists` and are re-exported here, so the goal
dialogue finds every goal card in one place.

Input ids are the goal's field names, which are also the goal dialogue's step names, so
an answer from a form and a typed answer arrive under the same name.
"""

from __future__ import annotations

from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, edit_row, numbered, text, title, walk
from kort.goal_fields import (
    as_list,
    cancel_button,
    choice_label,
    field_value,
    flag_block,
    label,
    returned_block,
    where_line,
)
from kort.goal_lists import committee_card, my_goals_card, notice_after_committee, waiting_card
from kort.goal_view import approval_card, decided_card, goal_card
from store.goalfields import CHOICES, FIELDS, LENGTHS, MAX_ITEMS, Kind
from store.goalviews import BearingView, DraftingContext, GoalContent
from store.profiles import Template
from store.views import PeriodView

__all__ = [
    "approval_card",
    "choice_label",
    "committee_card",
    "decided_card",
    "field_card",
    "field_value",
    "form_offer_card",
    "goal_card",
    "goal_form_card",
    "my_goals_card",
    "notice_after_committee",
    "review_card",
    "waiting_card",
]

NO_BEARING = "none"  # the bearings choice meaning "none of them"; a reason is asked instead
REASON = "no_bearing_reason"
REVIEW_STEP = "review"
_SHORT_TEXT = 200  # longer texts get a box of several lines
_EXPANDED_UP_TO = 4  # choice sets with more options than this become a drop-down
_PICKED = (Kind.CHOICE, Kind.MULTI, Kind.BEARINGS, Kind.DATE)  # answered on a card, not typed


def form_offer_card(progress_id: str, texts: Texts) -> dict[str, Any]:
    """Sent as a goal dialogue starts: one button for those who would rather fill in the
    whole goal as a form than answer one question at a time."""
    form = {"action": actions.GOAL_FORM, "progress": progress_id}
    body: list[Any] = [
        text(texts("maalkort.tilbud.tekst"), subtle=True),
        buttons(button(texts("maalkort.tilbud.knap"), form)),
    ]
    return card(body, fallback_text=texts("maalkort.tilbud.tekst"))


# --- the whole goal as one form ----------------------------------------------------------


def goal_form_card(
    template: Template,
    context: DraftingContext,
    unit_id: Any,
    content: GoalContent,
    progress_id: str,
    step: str,
    texts: Texts,
) -> dict[str, Any]:
    """Every field of the unit's template as one form, for those who would rather fill
    in a form than answer one question at a time; prefilled with the answers so far."""
    inputs: list[Any] = []
    for entry in template.fields:
        # The title is always required: a goal without one cannot even be a draft.
        required = entry.required or entry.name == "title"
        inputs.append(_input(entry.name, context, unit_id, content, required, texts))
        if entry.name == "bearings":
            inputs.append(_text_input(REASON, content, False, texts))
    # `fields` names every input, because Teams leaves an empty one out of the data.
    review = {
        "action": actions.ANSWER,
        "progress": progress_id,
        "step": step,
        "fields": [i.id for i in inputs],
    }
    unit = context.unit(unit_id)
    body: list[Any] = [
        title(texts("maalkort.form.titel")),
        where_line(unit.name if unit else "", context.period, texts),
        text(texts("maalkort.form.intro")),
        *inputs,
        buttons(
            button(texts("maalkort.form.knap_gennemse"), review, positive=True),
            cancel_button(progress_id, texts),
        ),
    ]
    built = card(body, fallback_text=texts("maalkort.form.fallback"))
    return _with_earliest_date(built, context.period)


def field_card(
    field: str,
    context: DraftingContext,
    unit_id: Any,
    content: GoalContent,
    progress_id: str,
    step: str,
    texts: Texts,
) -> dict[str, Any] | None:
    """One question of the step-by-step dialogue as a small card: the choices, the
    bearings or a date picker. Texts and lists are simply typed, so they get no card."""
    if FIELDS.get(field) not in _PICKED:
        return None
    template = context.template(unit_id)
    entry = template.field(field) if template else None
    required = entry.required if entry else False
    answer = {"action": actions.ANSWER, "progress": progress_id, "step": step, "fields": [field]}
    body: list[Any] = [
        _input(field, context, unit_id, content, required, texts),
        buttons(button(texts("maalkort.felt.knap_naeste"), answer, positive=True)),
    ]
    built = card(body, fallback_text=label(field, texts))
    return _with_earliest_date(built, context.period)


def _input(
    field: str,
    context: DraftingContext,
    unit_id: Any,
    content: GoalContent,
    required: bool,
    texts: Texts,
) -> Any:
    kind = FIELDS[field]
    if kind is Kind.BEARINGS:
        return _bearings_input(content, context.bearings_for(unit_id), required, texts)
    if kind in (Kind.CHOICE, Kind.MULTI):
        return _choice_input(field, content, required, texts)
    if kind is Kind.DATE:
        return _date_input(field, content, context.period, required, texts)
    return _text_input(field, content, required, texts)


def _required(field: str, required: bool, texts: Texts) -> dict[str, Any]:
    if not required:
        return {}
    return {
        "is_required": True,
        "error_message": texts("maalkort.felt_fejl", label=label(field, texts)),
    }


def _text_input(field: str, content: GoalContent, required: bool, texts: Texts) -> ac.InputText:
    limit = LENGTHS.get(field, 2000)
    lines = FIELDS.get(field) is Kind.LINES
    value = content.value(field)
    return ac.InputText(
        id=field,
        label=label(field, texts),
        is_multiline=True if lines or limit > _SHORT_TEXT else None,
        # A list's limit is per line and the store checks each; the box only stops a flood.
        max_length=(limit + 1) * MAX_ITEMS if lines else limit,
        placeholder=texts("maalkort.en_pr_linje") if lines else None,
        value=("\n".join(value) if lines else value) or None,
        **_required(field, required, texts),
    )


def _choice_input(
    field: str, content: GoalContent, required: bool, texts: Texts
) -> ac.InputChoiceSet:
    choices = [
        ac.InputChoice(title=choice_label(field, c.value, texts), value=c.value)
        for c in CHOICES[field]
    ]
    multi = FIELDS[field] is Kind.MULTI
    value = content.value(field)
    chosen = ",".join(as_list(value)) if multi else value
    return _choice_set(field, choices, multi, chosen, required, texts)


def _bearings_input(
    content: GoalContent, bearings: tuple[BearingView, ...], required: bool, texts: Texts
) -> ac.InputChoiceSet:
    # Numbered as in the typed question ("Skriv numrene, fx 1, 3"); the value is the id.
    choices = [
        ac.InputChoice(title=numbered(number, b.title), value=str(b.id))
        for number, b in enumerate(bearings, start=1)
    ]
    choices.append(ac.InputChoice(title=texts("maal.felt.bearings.ingen"), value=NO_BEARING))
    if content.bearing_ids:
        chosen: str | None = ",".join(str(b) for b in content.bearing_ids)
    else:
        chosen = NO_BEARING if content.no_bearing_reason else None
    return _choice_set("bearings", choices, True, chosen, required, texts)


def _choice_set(
    field: str,
    choices: list[ac.InputChoice],
    multi: bool,
    value: str | None,
    required: bool,
    texts: Texts,
) -> ac.InputChoiceSet:
    # Check boxes and radio buttons show every option at once; a long list is a drop-down.
    expanded = multi or len(choices) <= _EXPANDED_UP_TO
    return ac.InputChoiceSet(
        id=field,
        label=label(field, texts),
        choices=choices,
        is_multi_select=multi or None,
        style=t.ChoiceInputStyle.EXPANDED if expanded else t.ChoiceInputStyle.COMPACT,
        placeholder=None if expanded else texts("maalkort.vaelg"),
        value=value or None,
        wrap=True,
        **_required(field, required, texts),
    )


def _date_input(
    field: str, content: GoalContent, period: PeriodView | None, required: bool, texts: Texts
) -> ac.InputDate:
    value = content.value(field)
    checks = _required(field, required, texts)
    if period is not None:  # the same message for a missing date and one outside the period
        start, end = texts.date(period.starts_on), texts.date(period.ends_on)
        checks["error_message"] = texts("maalkort.frist_fejl", start=start, end=end)
    return ac.InputDate(
        id=field,
        label=label(field, texts),
        value=value.isoformat() if value else None,
        max=period.ends_on.isoformat() if period else None,
        **checks,
    )


def _with_earliest_date(built: dict[str, Any], period: PeriodView | None) -> dict[str, Any]:
    """adaptive-cards-py 0.4 has no `min` on Input.Date, though the 1.5 schema does, so the
    period's first day is added to the serialised card."""
    if period is not None:
        for node in walk(built):
            if node.get("type") == "Input.Date":
                node["min"] = period.starts_on.isoformat()
    return built


# --- the goal as written ------------------------------------------------------------------


def review_card(
    template: Template,
    context: DraftingContext,
    unit_id: Any,
    content: GoalContent,
    progress_id: str,
    texts: Texts,
    *,
    flags: tuple[str, ...] = (),
    return_comment: str | None = None,
    goal_version: int | None = None,
) -> dict[str, Any]:
    """The goal as written, before it is sent: each field with its own Ret button, the
    warnings the approver will see, and the comment it was sent back with, if any.
    `goal_version` is given when an approved goal is being changed."""
    unit = context.unit(unit_id)
    body: list[Any] = [
        title(texts("maalkort.gennemse.titel")),
        where_line(unit.name if unit else "", context.period, texts),
    ]
    if return_comment:
        body.append(returned_block(return_comment, texts))
    if goal_version is not None:
        body.append(text(texts("maalkort.gennemse.ny_version", version=goal_version + 1)))
    body += [flag_block(flag, texts) for flag in flags]
    body.append(text(texts("maalkort.gennemse.intro")))
    bearings = context.bearings_for(unit_id)
    for entry in template.fields:
        shown = field_value(entry.name, content, bearings, texts)
        body.append(_review_row(entry.name, shown, entry.required, progress_id, texts))
    body.append(_review_buttons(progress_id, texts))
    return card(body, fallback_text=texts("maalkort.gennemse.fallback"))


def _review_row(
    field: str, shown: str, required: bool, progress_id: str, texts: Texts
) -> ac.ColumnSet:
    edit = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": field}
    answer = _answer(shown, required, texts)
    return edit_row(label(field, texts), answer, edit, texts("maalkort.gennemse.knap_ret"))


def _answer(shown: str, required: bool, texts: Texts) -> ac.TextBlock:
    if shown:
        return text(shown)
    if not required:
        return text(texts("maalkort.ikke_udfyldt"), subtle=True)
    missing = text(texts("maalkort.mangler"), bold=True)  # the words say it, not just the colour
    missing.color = t.Colors.ATTENTION
    return missing


def _review_buttons(progress_id: str, texts: Texts) -> ac.ActionSet | ac.Container:
    decided = {"action": actions.ANSWER, "progress": progress_id, "step": REVIEW_STEP}
    return buttons(
        button(
            texts("maalkort.gennemse.knap_send"), {**decided, "review": "submit"}, positive=True
        ),
        button(texts("maalkort.gennemse.knap_kladde"), {**decided, "review": "draft"}),
        cancel_button(progress_id, texts),
    )
