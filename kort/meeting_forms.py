"""The cards of the meeting dialogues: a list to pick from, the planning form and its
review, the preparation form and the goals to follow up on, the summary's review.

Every input is named after the dialogue step it answers, and the form's button lists
them under `fields` (Teams leaves an empty input out of the data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_cards import card as ac

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, color_word, edit_row, facts, numbered, text, title
from kort.goal_fields import cancel_button
from store.limits import NOTE_MAX, PLACE_MAX
from store.meetingviews import (
    PREPARATION_FIELDS,
    MeetingPlan,
    MeetingUnitView,
    MeetingView,
    PlanningCommittee,
    SummaryContent,
)
from store.text import shorten
from store.views import BearingView, GoalView

REVIEW_STEP = "review"


def _answer(progress_id: str, step: str, **extra: Any) -> dict[str, Any]:
    return {"action": actions.ANSWER, "progress": progress_id, "step": step, **extra}


def choice_card(
    question: str, options: Sequence[tuple[str, str]], progress_id: str, step: str, texts: Texts
) -> dict[str, Any]:
    """A numbered list with a button per option; the button answers `step` with its value."""
    body: list[Any] = [text(question, bold=True)]
    for number, (label, value) in enumerate(options, start=1):
        chosen = _answer(progress_id, step, **{step: value})
        body.append(
            ac.ColumnSet(
                separator=True,
                columns=[
                    ac.Column(width="stretch", items=[text(numbered(number, label))]),
                    ac.Column(
                        width="auto", items=[buttons(button(texts("moedeform.vaelg"), chosen))]
                    ),
                ],
            )
        )
    body.append(buttons(cancel_button(progress_id, texts)))
    return card(body, fallback_text=question)


# --- planning ---------------------------------------------------------------------------


def planning_form_card(
    committee: PlanningCommittee | None, shown: Mapping[str, Any], progress_id: str, texts: Texts
) -> dict[str, Any]:
    """Day, time, meeting model, units, theme and place on one form."""
    units = committee.units if committee else ()
    chosen = ",".join(str(u) for u in shown.get("units") or ())
    inputs: list[Any] = [
        ac.InputDate(id="day", label=texts("moede.felt.day"), is_required=True,
                     value=_str(shown.get("day")), error_message=texts("moedeform.mangler")),
        ac.InputTime(id="time", label=texts("moede.felt.time"), is_required=True,
                     value=_str(shown.get("time")), error_message=texts("moedeform.mangler")),
        ac.InputChoiceSet(
            id="model", label=texts("moede.felt.model"), is_required=True,
            value=_str(shown.get("model")), error_message=texts("moedeform.mangler"),
            choices=[ac.InputChoice(title=texts(f"moede.model.{n}"), value=str(n))
                     for n in (1, 2, 3)],
        ),
        ac.InputChoiceSet(
            id="units", label=texts("moede.felt.units"), is_required=True, is_multi_select=True,
            value=chosen or None, error_message=texts("moedeform.mangler"),
            choices=[ac.InputChoice(title=_unit_title(u), value=str(u.id)) for u in units],
        ),
        ac.InputText(id="theme", label=texts("moede.felt.theme"), is_multiline=True,
                     max_length=NOTE_MAX, value=_str(shown.get("theme"))),
        ac.InputText(id="place", label=texts("moede.felt.place"), max_length=PLACE_MAX,
                     value=_str(shown.get("place"))),
    ]  # fmt: skip
    send = _answer(progress_id, "day", fields=[i.id for i in inputs])
    body: list[Any] = [
        title(texts("moedeform.plan_titel", committee=committee.name if committee else "")),
        text(texts("moedeform.plan_intro"), subtle=True),
        *inputs,
        buttons(
            button(texts("moedeform.videre"), send, positive=True),
            cancel_button(progress_id, texts),
        ),
    ]
    return card(body, fallback_text=texts("moedeform.plan_titel", committee=""))


def _unit_title(unit: Any) -> str:
    area = f", {unit.area}" if unit.area else ""
    return f"{unit.name} ({unit.unit_type}{area})"


def _str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def planning_review_card(
    committee: PlanningCommittee | None,
    plan: MeetingPlan,
    progress_id: str,
    step: str,
    changing: bool,
    texts: Texts,
) -> dict[str, Any]:
    """The plan as it will be sent to the leaders, with a Ret button per answer."""
    units = [committee.unit(u) for u in plan.unit_ids] if committee else []
    rows = [
        ("committee", committee.name if committee else ""),
        ("day", texts.day_time(plan.starts_at)),
        ("model", texts(f"moede.model.{int(plan.model)}")),
        ("units", ", ".join(u.name for u in units if u)),
        ("theme", plan.theme or ""),
        ("place", plan.place or ""),
    ]
    body: list[Any] = [title(texts("moedeform.gennemse_titel"))]
    for name, value in rows:
        edit = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": name}
        body.append(
            _row(texts(f"moede.felt.{name}"), value or texts("moedeform.ikke_udfyldt"), edit, texts)
        )
    decided = _answer(progress_id, step, **{step: "plan"})
    label = texts("moedeform.knap_gem_aendring" if changing else "moedeform.knap_planlaeg")
    body.append(buttons(button(label, decided, positive=True), cancel_button(progress_id, texts)))
    return card(body, fallback_text=texts("moedeform.gennemse_titel"))


def _row(heading: str, value: str, edit: dict[str, Any], texts: Texts) -> ac.ColumnSet:
    label = texts("moedeform.ret")
    return edit_row(heading, text(value), edit, label, validate=False)


# --- preparation --------------------------------------------------------------------------


def preparation_form_card(
    chosen: tuple[MeetingView, MeetingUnitView] | None,
    shown: Mapping[str, Any],
    progress_id: str,
    texts: Texts,
) -> dict[str, Any]:
    """The preparation note on one form, prefilled with what is written so far."""
    meeting, unit = chosen if chosen else (None, None)
    inputs = [
        ac.InputText(id=name, label=texts(f"forbered.felt.{name}"), is_multiline=True,
                     max_length=NOTE_MAX, value=_str(shown.get(name)),
                     is_required=name == "unit_status", error_message=texts("moedeform.mangler"))
        for name in PREPARATION_FIELDS
        if name != "goal_follow_up" or (shown.get("meeting") or {}).get("goals")
    ]  # fmt: skip
    send = _answer(progress_id, "unit_status", fields=[i.id for i in inputs])
    heading = texts("moedeform.forbered_titel", unit=unit.name if unit else "")
    when = texts("moedeform.moede_linje", committee=meeting.committee_name,
                 when=texts.day_time(meeting.starts_at)) if meeting else ""  # fmt: skip
    body: list[Any] = [
        title(heading),
        text(when, subtle=True),
        text(texts("moedeform.forbered_intro"), subtle=True),
        *inputs,
        buttons(
            button(texts("moedeform.knap_gem"), send, positive=True),
            cancel_button(progress_id, texts),
        ),
    ]
    return card(body, fallback_text=heading)


def goals_follow_up_card(goals: Sequence[GoalView], texts: Texts) -> dict[str, Any]:
    """The unit's goals with their newest status, and a way into the status dialogue."""
    body: list[Any] = [title(texts("moedeform.maal_titel"))]
    for goal in goals:
        latest = goal.latest
        status = (
            texts(
                "moedeform.seneste",
                color=color_word(latest.color, texts),
                date=texts.date(latest.reported_at),
            )
            if latest
            else texts("moedeform.ingen_status")
        )
        body.append(
            ac.Container(
                separator=True, items=[text(goal.title, bold=True), text(status, subtle=True)]
            )
        )
    body.append(text(texts("moedeform.maal_hint"), subtle=True, small=True))
    body.append(
        buttons(
            button(texts("moedeform.knap_status"), {"action": actions.START_STATUS}, validate=False)
        )
    )
    return card(body, fallback_text=texts("moedeform.maal_titel"))


# --- summary review -------------------------------------------------------------------------


def summary_review_card(
    meeting: MeetingView,
    content: SummaryContent,
    bearings: Sequence[BearingView],
    progress_id: str,
    step: str,
    edits: Mapping[str, str],
    texts: Texts,
) -> dict[str, Any]:
    """The summary as written so far, a Ret button per part (`edits`: part → the step
    that editing it starts at), and Gem."""
    names = {u.id: u.name for u in meeting.units}
    old = {b.id: b.title for b in bearings}
    units = "\n\n".join(
        f"**{names.get(u.unit_id, '')}**: {shorten(u.text, 400)}" for u in content.units
    )
    lines = {
        "units": units,
        "general": shorten(content.general or "", 800),
        "bearings": "\n".join(
            f"- {b.title}"
            + (texts("moedeform.erstatter", title=old.get(b.replaces, "")) if b.replaces else "")
            for b in content.bearings
        ),
        "matters": "\n".join(f"- {m.title}" for m in content.matters),
        "follow_ups": "\n".join(
            f"- {f.text}"
            + (f" ({f.owner})" if f.owner else "")
            + (f", {texts.date(f.due)}" if f.due else "")
            for f in content.follow_ups
        ),
    }
    body: list[Any] = [
        title(texts("moedeform.referat_titel")),
        facts([(meeting.committee_name, texts.day_time(meeting.starts_at))]),
    ]
    for part, value in lines.items():
        edit = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": edits[part]}
        body.append(
            _row(
                texts(f"referat.del.{part}"), value or texts("moedeform.ikke_udfyldt"), edit, texts
            )
        )
    decided = _answer(progress_id, step, **{step: "gem"})
    body.append(buttons(button(texts("moedeform.knap_gem_kladde"), decided, positive=True),
                        cancel_button(progress_id, texts)))  # fmt: skip
    return card(body, fallback_text=texts("moedeform.referat_titel"))
