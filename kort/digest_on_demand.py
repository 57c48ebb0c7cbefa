"""The overview on demand (`overblik`), around the digest's own cards: the administration's
choice of committee, a card to open any unit or goal of the overview, a unit's page, and a
goal's course through the period (every status, the evaluations, the effect against the
expected one) for the goal card. Colours are always written as words or letters too."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, color_word, text, title
from store.documentviews import CommitteeReport, ReportGoal
from store.enums import Color, EvaluationKind
from store.text import shorten
from store.views import CommitteeView, DigestView

NARRATIVE_SHOWN = 160  # characters of each status's narrative on a card


def committee_choice_card(committees: list[CommitteeView], texts: Texts) -> dict[str, Any]:
    """For the administration: one button per committee."""
    rows = [
        button(c.name, {"action": actions.SHOW_OVERVIEW, "committee": c.id}, validate=False)
        for c in committees
    ]
    body: list[Any] = [text(texts("overblik.vaelg_udvalg"), bold=True), buttons(*rows)]
    return card(body, fallback_text=texts("overblik.vaelg_udvalg"))


def open_card(digest: DigestView, texts: Texts) -> dict[str, Any] | None:
    """Two drop-downs under the overview: open a unit's page, or a goal's card."""
    goals = digest.goals
    if not goals:
        return None
    units = {g.goal.unit_id: g.goal.unit_name for g in goals}
    unit_choices = [ac.InputChoice(title=name, value=str(i)) for i, name in units.items()]
    goal_choices = [
        ac.InputChoice(
            title=shorten(f"{g.goal.unit_name}: {g.goal.title}", 90), value=str(g.goal.id)
        )
        for g in goals
    ]
    body: list[Any] = [
        title(texts("overblik.aabn_titel")),
        _choices("unit", texts("overblik.vaelg_enhed"), unit_choices),
        buttons(button(texts("overblik.aabn_enhed"), {"action": actions.SHOW_UNIT})),
        _choices("goal", texts("overblik.vaelg_maal"), goal_choices),
        buttons(button(texts("overblik.aabn_maal"), {"action": actions.OPEN_GOAL})),
    ]
    return card(body, fallback_text=texts("overblik.aabn_titel"))


def _choices(field: str, label: str, choices: list[ac.InputChoice]) -> ac.InputChoiceSet:
    return ac.InputChoiceSet(
        id=field,
        label=label,
        choices=choices,
        style=t.ChoiceInputStyle.COMPACT,
        placeholder=label,
        wrap=True,
    )


def unit_card(report: CommitteeReport, texts: Texts) -> dict[str, Any]:
    """A unit's page: its goals, each with its course and a button to open it."""
    unit = report.units[0]
    body: list[Any] = [
        title(texts("overblik.enhed_titel", unit=unit.name)),
        text(
            texts("overblik.enhed_under", department=unit.department, period=report.period),
            subtle=True,
        ),
    ]
    if unit.leaders:
        body.append(text(texts("overblik.enhed_ledere", names=", ".join(unit.leaders)), small=True))
    if not unit.goals:
        body.append(text(texts("overblik.ingen_maal"), subtle=True))
    body += [_goal_row(goal, texts) for goal in unit.goals]
    return card(body, fallback_text=unit.name)


def _goal_row(goal: ReportGoal, texts: Texts) -> ac.Container:
    items: list[Any] = [text(goal.title, bold=True), _latest(goal, texts)]
    if goal.statuses:  # without any, the latest line's "Ingen status endnu" says it all
        items.append(_letters(goal, texts))
    if goal.goal_id is not None:
        items.append(
            buttons(
                button(
                    texts("overblik.aabn_maal"),
                    {"action": actions.OPEN_GOAL, "goal": goal.goal_id},
                    validate=False,
                )
            )
        )
    return ac.Container(items=items, separator=True)


def _latest(goal: ReportGoal, texts: Texts) -> ac.TextBlock:
    latest = goal.latest
    if latest is None:
        return text(texts("farve.ingen"), subtle=True, small=True)
    return text(
        texts(
            "overblik.seneste",
            color=color_word(latest.color, texts),
            date=texts.date(latest.reported_at),
        ),
        small=True,
    )


def _letters(goal: ReportGoal, texts: Texts) -> ac.TextBlock:
    """The status strip as letters, oldest first: it reads without colour."""
    if not goal.statuses:
        return text(texts("overblik.ingen_forloeb"), subtle=True, small=True)
    letters = " · ".join(_letter(s.color, texts) for s in goal.statuses)
    return text(texts("overblik.forloeb", letters=letters), small=True)


def _letter(color: Color, texts: Texts) -> str:
    return texts(f"dokument.bogstav.{Color(color).value}")


def course_section(
    goal: ReportGoal, texts: Texts, period: tuple[date, date] | None = None
) -> list[Any]:
    """For the goal card, which lists the statuses and evaluations itself: the course as a
    strip (a picture over `period`, and letters, which read without colour) and the final
    report's effect against the expected effect."""
    items: list[Any] = [
        *_picture(goal, texts, period),
        _letters(goal, texts),
        text(texts("overblik.forklaring"), subtle=True, small=True),
    ]
    items += [
        _evaluation(goal, e, texts)
        for e in goal.evaluations
        if e.kind == EvaluationKind.FINAL and e.effect_assessment
    ]
    return [ac.Container(items=items, separator=True)]


def with_course(
    card: dict[str, Any], goal: ReportGoal, texts: Texts, period: tuple[date, date] | None = None
) -> dict[str, Any]:
    """The goal card with its `course_section`, before the card's buttons if it ends with
    them (a new card; `card` is left as it was)."""
    dumped = [
        element.model_dump(mode="json", exclude_none=True, by_alias=True, warnings=False)
        for element in course_section(goal, texts, period)
    ]
    body = list(card.get("body", []))
    at = len(body) - 1 if body and body[-1].get("type") == "ActionSet" else len(body)
    return {**card, "body": body[:at] + dumped + body[at:]}


def _picture(goal: ReportGoal, texts: Texts, period: tuple[date, date] | None) -> list[Any]:
    """The status-over-time strip as a small PNG in the card itself (a data URI, which
    Adaptive Cards take from 1.2 and Teams does not count against a message's size)."""
    if period is None or not goal.statuses:
        return []
    # matplotlib loads on the first strip drawn, not with every command and server start.
    from kort.documents.chart import card_strip

    png = card_strip(goal, period[0], period[1], texts)
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    alt = texts(
        "overblik.forloeb", letters=" · ".join(_letter(s.color, texts) for s in goal.statuses)
    )
    return [ac.Image(url=url, alt_text=alt)]


def _evaluation(goal: ReportGoal, e: Any, texts: Texts) -> ac.Container:
    kind = texts(f"dokument.art.{EvaluationKind(e.kind).value}")
    lines: list[ac.ElementT] = [
        text(
            texts(
                "overblik.evaluering_linje",
                kind=kind,
                year=e.year,
                color=color_word(e.color, texts),
                effect=e.effect,
            ),
            small=True,
        )
    ]
    if e.kind == EvaluationKind.FINAL and e.effect_assessment:
        lines.append(
            text(
                texts(
                    "overblik.effekt_mod_forventet",
                    expected=goal.expected_effect or "–",
                    assessment=e.effect_assessment,
                ),
                small=True,
            )
        )
    return ac.Container(items=lines)
