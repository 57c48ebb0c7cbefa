"""The card of the upper agreement level (Jammerbugt): each department's agreement with
its committee for the period, goal by goal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_cards import card as ac

from kort.catalogue import Texts
from kort.common import card, text, title
from kort.goal_fields import bullets
from store.goalviews import DepartmentAgreement, DepartmentGoalView


def department_agreements_card(
    agreements: Sequence[DepartmentAgreement], texts: Texts
) -> dict[str, Any]:
    """The agreements between the committees and the departments' management."""
    body: list[Any] = [title(texts("centeraftale.titel"))]
    for agreement in agreements:
        heading = texts("centeraftale.parter", department=agreement.department,
                        committee=agreement.committee)  # fmt: skip
        items: list[Any] = [text(heading, bold=True)]
        for goal in agreement.goals:
            items += _goal(goal, texts)
        body.append(ac.Container(separator=True, items=items))
    return card(body, fallback_text=texts("centeraftale.titel"))


def _goal(goal: DepartmentGoalView, texts: Texts) -> list[Any]:
    shown: list[Any] = [text(goal.title, bold=True)]
    if goal.expected_effect:
        shown.append(text(texts("centeraftale.effekt", text=goal.expected_effect), small=True))
    if goal.success_criteria:
        shown.append(text(texts("centeraftale.kriterier"), small=True))
        shown.append(text(bullets(list(goal.success_criteria)), small=True))
    if goal.agreed_on:
        agreed = texts("centeraftale.aftalt", date=texts.date(goal.agreed_on))
        shown.append(text(agreed, small=True))
    return shown
