"""Building turns and progress by hand, for flow tests that need no database at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dialoger.turn import Reply, Target, Turn, Via
from store.enums import Color
from store.views import GoalView, ProgressView, StatusView

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def typed(text: str) -> Turn:
    return _turn(Via.TEXT, text=text)


def pressed(data: dict[str, Any], via: Via = Via.EXECUTE) -> Turn:
    return _turn(via, data=data, reply_to_id="card-1")


def _turn(via: Via, **fields: Any) -> Turn:
    return Turn(
        tenant_id="tenant",
        user_id="29:mette",
        aad_object_id="aad-mette",
        conversation_id="a:mette",
        conversation_type="personal",
        service_url="http://connector.invalid/",
        bot_id="28:pejling",
        now=NOW,
        via=via,
        **fields,
    )


def progress(step: str, **answers: Any) -> ProgressView:
    return ProgressView(id="p-1", flow="status", step=step, answers=dict(answers), version=3)


def goal(
    goal_id: int, title: str, unit: str = "Bøgeskov Skole", latest: Color | None = None
) -> GoalView:
    status = None
    if latest is not None:
        status = StatusView(latest, "Sidst gik det sådan.", None, NOW, "Mette Kjærgaard")
    return GoalView(
        goal_id, title, unit_id=1, unit_name=unit, expected_effect="Mere trivsel.", latest=status
    )


def texts_of(replies: tuple[Reply, ...] | list[Reply]) -> list[str]:
    return [r.text for r in replies if r.text]


def cards_of(
    replies: tuple[Reply, ...] | list[Reply], target: Target | None = None
) -> list[dict[str, Any]]:
    return [r.card for r in replies if r.card and (target is None or r.target is target)]
