"""Cards of the status dialogue: the goal list, the status form, and the saved receipt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import (
    button,
    buttons,
    card,
    color_meaning,
    color_text,
    color_word,
    facts,
    numbered,
    text,
    title,
)
from store.enums import Color, ColorScale
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.views import GoalView, StatusEntry, StatusView


def latest_line(goal: GoalView, texts: Texts) -> str:
    if goal.latest is None:
        return texts("status.kort.ingen_seneste")
    return texts(
        "status.kort.seneste",
        color=color_word(goal.latest.color, texts),
        date=texts.date(goal.latest.reported_at),
    )


def goal_list_card(
    goals: list[GoalView],
    progress_id: str,
    step: str,
    texts: Texts,
    deputy_for: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """The leader's goals, numbered, each with its latest status and a button to report on it.
    `deputy_for`: unit id → the absent leader whose units' goals the reader reports on as
    deputy, which each such goal says."""
    body: list[Any] = [title(texts("status.kort.titel")), text(texts("status.kort.intro"))]
    standing_in = deputy_for or {}
    for number, goal in enumerate(goals, start=1):
        chosen = {
            "action": actions.CHOOSE_GOAL,
            "progress": progress_id,
            "step": step,
            "goal": goal.id,
        }
        body.append(
            ac.Container(
                separator=True,
                items=[
                    text(numbered(number, goal.title), bold=True),
                    text(goal.unit_name, subtle=True, small=True),
                    *_deputy_line(standing_in.get(goal.unit_id), texts),
                    _latest_block(goal, texts),
                    buttons(button(texts("status.kort.knap_vaelg"), chosen)),
                ],
            )
        )
    body.append(buttons(_cancel(progress_id, texts)))
    return card(body, fallback_text=texts("status.vaelg_maal"))


def _deputy_line(absent: str | None, texts: Texts) -> list[ac.TextBlock]:
    """A line saying whom the reader reports for as deputy, when they stand in."""
    if absent is None:
        return []
    return [text(texts("fravaer.kort.som_stedfortraeder", name=absent), small=True)]


def _latest_value(goal: GoalView, texts: Texts) -> str:
    if goal.latest is None:
        return texts("status.kort.ingen_seneste")
    color = color_word(goal.latest.color, texts)
    return texts("status.kort.farve_dato", color=color, date=texts.date(goal.latest.reported_at))


def _latest_block(goal: GoalView, texts: Texts) -> ac.RichTextBlock:
    return color_text(
        goal.latest.color if goal.latest else None, texts, latest_line(goal, texts), small=True
    )


FORM_FIELDS = ("color", "narrative", "evidence")


def status_form_card(
    goal: GoalView,
    progress_id: str,
    step: str,
    answers: dict[str, Any],
    texts: Texts,
    deputy_for: str | None = None,
    scale: ColorScale = ColorScale.EXPECTED,
) -> dict[str, Any]:
    """Colour, narrative and evidence for one goal in one form; earlier answers are kept.
    `deputy_for`: the absent leader the reader reports for, if they stand in; `scale`:
    what the colours mean in the profile's status (whether the goal is expected to be met)."""
    # `fields` names the inputs, because Teams leaves an empty one out of the data.
    save = {
        "action": actions.ANSWER,
        "progress": progress_id,
        "step": step,
        "goal": goal.id,
        "fields": list(FORM_FIELDS),
    }
    body: list[Any] = [
        title(texts("status.kort.form_titel")),
        text(goal.title, bold=True),
        *_deputy_line(deputy_for, texts),
        facts(
            [
                (texts("status.kort.enhed"), goal.unit_name),
                (texts("status.kort.effekt"), goal.expected_effect),
                (texts("status.kort.seneste_kort"), _latest_value(goal, texts)),
            ]
        ),
        ac.InputChoiceSet(
            id="color",
            label=texts("status.kort.farve_label"),
            style=t.ChoiceInputStyle.EXPANDED,
            is_required=True,
            error_message=texts("status.kort.farve_fejl"),
            value=answers.get("color"),
            choices=[_color_choice(color, scale, texts) for color in Color],
        ),
        ac.InputText(
            id="narrative",
            label=texts("status.kort.fortaelling_label"),
            placeholder=texts("status.kort.fortaelling_pladsholder"),
            is_multiline=True,
            is_required=True,
            max_length=NARRATIVE_MAX,
            error_message=texts("status.kort.fortaelling_fejl"),
            value=answers.get("narrative"),
        ),
        ac.InputText(
            id="evidence",
            label=texts("status.kort.dokumentation_label"),
            placeholder=texts("status.kort.dokumentation_pladsholder"),
            max_length=EVIDENCE_MAX,
            value=answers.get("evidence"),
        ),
        buttons(
            button(texts("status.kort.knap_gem"), save, positive=True),
            _cancel(progress_id, texts),
        ),
    ]
    return card(body, fallback_text=texts("status.spoerg_farve", goal=goal.title))


def _color_choice(color: Color, scale: ColorScale, texts: Texts) -> ac.InputChoice:
    meaning = color_meaning(color, scale, texts)
    label = texts("status.kort.valg", color=color_word(color, texts), meaning=meaning)
    return ac.InputChoice(title=label, value=color.value)


def _cancel(progress_id: str, texts: Texts) -> ac.ActionExecute:
    data = {"action": actions.CANCEL, "progress": progress_id}
    return button(texts("status.kort.knap_annuller"), data, validate=False)


def status_saved_card(
    goal: GoalView, status: StatusView, texts: Texts, status_id: int | None = None
) -> dict[str, Any]:
    """The receipt that replaces the form, so the form cannot be sent twice; with
    `status_id`, a *Ret* button to correct or withdraw it while it is the latest."""
    body: list[Any] = [
        title(texts("status.kort.gemt_titel")),
        text(goal.title, bold=True),
        color_text(status.color, texts),
        facts(
            [
                (texts("status.kort.fortaelling"), status.narrative),
                (texts("status.kort.dokumentation"), status.evidence),
                (texts("status.kort.meldt_af"), _reporter(status, texts)),
                (texts("status.kort.tidspunkt"), texts.day_time(status.reported_at)),
                (texts("status.kort.rettet"), _corrected(status, texts)),
            ]
        ),
    ]
    if status_id is not None:
        correct = {"action": actions.CORRECT_STATUS, "status": status_id}
        body.append(buttons(button(texts("status.kort.knap_ret"), correct, validate=False)))
    color = color_word(status.color, texts)
    return card(body, fallback_text=texts("status.gemt", goal=goal.title, color=color))


def _reporter(status: StatusView, texts: Texts) -> str | None:
    if status.deputy_for is None:
        return status.reported_by
    return texts(
        "fravaer.kort.meldt_af_stedfortraeder", name=status.reported_by, absent=status.deputy_for
    )


def status_confirm_card(
    goal: GoalView, answers: dict[str, Any], progress_id: str, step: str, texts: Texts
) -> dict[str, Any]:
    """What Pejling understood from a status in one message, to save with one click
    (*Gem*) or correct on the form (*Ret*)."""
    color = Color(answers["color"])
    save = {"action": actions.ANSWER, "progress": progress_id, "step": step, step: "ja"}
    correct = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": "color"}
    body: list[Any] = [
        title(texts("status.kort.forstaaet_titel")),
        text(goal.title, bold=True),
        text(goal.unit_name, subtle=True, small=True),
        color_text(color, texts),
        facts(
            [
                (texts("status.kort.fortaelling"), answers.get("narrative")),
                (texts("status.kort.dokumentation"), answers.get("evidence")),
            ]
        ),
        buttons(
            button(texts("status.kort.knap_gem_kort"), save, positive=True),
            button(texts("status.kort.knap_ret"), correct, validate=False),
            _cancel(progress_id, texts),
        ),
    ]
    fallback = texts("status.forstaaet", goal=goal.title, color=color_word(color, texts))
    return card(body, fallback_text=fallback)


def _corrected(status: StatusView, texts: Texts) -> str | None:
    return texts.day_time(status.corrected_at) if status.corrected_at else None


def withdraw_offer_card(
    goal: GoalView, status: StatusView, status_id: int, texts: Texts
) -> dict[str, Any]:
    """Her latest status on a goal, to withdraw (*Træk tilbage*) or correct (*Ret*)."""
    withdraw = {"action": actions.WITHDRAW_STATUS, "status": status_id}
    correct = {"action": actions.CORRECT_STATUS, "status": status_id}
    body: list[Any] = [
        title(texts("status.kort.fortryd_titel")),
        text(goal.title, bold=True),
        color_text(status.color, texts),
        facts(
            [
                (texts("status.kort.fortaelling"), status.narrative),
                (texts("status.kort.dokumentation"), status.evidence),
                (texts("status.kort.tidspunkt"), texts.day_time(status.reported_at)),
            ]
        ),
        buttons(
            button(texts("status.kort.knap_traek_tilbage"), withdraw, validate=False),
            button(texts("status.kort.knap_ret"), correct, validate=False),
        ),
    ]
    return card(body, fallback_text=texts("status.fortryd_spoerg", goal=goal.title))


# A compact trend reads at a glance in any Teams theme: the colours as the three dots.
DOTS = {Color.RED: "🔴", Color.YELLOW: "🟡", Color.GREEN: "🟢"}


def trend_line(colors: Sequence[Color], texts: Texts) -> str | None:
    """ "Udvikling: 🟡 Gu · 🟡 Gu · 🟢 Gr" — the statuses of the period, oldest first, each
    with its letter, so the trend does not rest on colour alone; None without any."""
    if not colors:
        return None
    marks = (f"{DOTS[Color(c)]} {texts(f'dokument.bogstav.{Color(c).value}')}" for c in colors)
    return texts("status.kort.udvikling", dots=" · ".join(marks))


def history_blocks(entries: Sequence[StatusEntry], texts: Texts) -> list[Any]:
    """Every status in the period, newest first: colour and word, date, who, narrative and
    evidence; an earlier version of a corrected one, and a withdrawn one, said as such."""
    if not entries:
        return []
    # The course as a strip stands beside this list on the goal card (kort.digest_on_demand).
    items: list[Any] = [text(texts("status.kort.historik"), bold=True)]
    for entry in reversed(entries):
        items.append(_history_entry(entry, texts))
    return [ac.Container(separator=True, items=items)]


def _history_entry(entry: StatusEntry, texts: Texts) -> ac.Container:
    head = texts(
        "status.kort.historik_linje",
        dot=DOTS[entry.color],
        color=color_word(entry.color, texts),
        date=texts.date(entry.reported_at),
        who=entry.reported_by or texts("status.kort.ukendt_person"),
    )
    lines: list[ac.ElementT] = [text(head, bold=entry.change is None, small=True)]
    if entry.change is not None:
        note = texts(
            f"status.kort.historik_{entry.change}",
            date=texts.date(entry.changed_at) if entry.changed_at else "",
            who=entry.changed_by or texts("status.kort.ukendt_person"),
        )
        lines.append(text(note, subtle=True, small=True))
    elif entry.corrected_at is not None:
        lines.append(text(texts("status.kort.historik_rettet_nu"), subtle=True, small=True))
    lines.append(text(entry.narrative, small=True, subtle=entry.change is not None))
    if entry.evidence:
        evidence = texts("status.kort.historik_dokumentation", evidence=entry.evidence)
        lines.append(text(evidence, small=True, subtle=True))
    return ac.Container(items=lines, spacing=t.Spacing.SMALL)
