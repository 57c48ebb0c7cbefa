"""The upper agreement level (Jammerbugt, 004: "politikere og ledelse"): the goals each
department's management has agreed with its committee for the period, above the department
head's agreements with the units. Read for whoever works under or with the department."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import Role
from store.goalviews import DepartmentAgreement, DepartmentGoalView
from store.models import Committee, Department, DepartmentGoal, Unit
from store.status import current_period
from store.text import danish_order
from store.views import Actor


async def agreements_for(
    session: AsyncSession, actor: Actor, today: date
) -> list[DepartmentAgreement]:
    """The department agreements of the current period the actor works under or with: a
    leader's and a department head's own departments, a politician's committee's, and
    every one for the administration; by department name."""
    period = await current_period(session, actor.municipality_id, today)
    if period is None:
        return []
    rows = await session.execute(
        select(DepartmentGoal, Department.name, Committee.name)
        .join(Department, Department.id == DepartmentGoal.department_id)
        .join(Committee, Committee.id == Department.committee_id)
        .where(
            DepartmentGoal.municipality_id == actor.municipality_id,
            DepartmentGoal.period_id == period.id,
            _seen_by(actor),
        )
        .order_by(DepartmentGoal.id)
    )
    found: dict[tuple[str, str], list[DepartmentGoalView]] = {}
    for goal, department, committee in rows:
        view = DepartmentGoalView(
            goal.title, goal.expected_effect, tuple(goal.success_criteria or ()), goal.agreed_on
        )
        found.setdefault((department, committee), []).append(view)
    agreements = [DepartmentAgreement(d, c, tuple(g)) for (d, c), g in found.items()]
    return sorted(agreements, key=lambda a: danish_order(a.department))


def _seen_by(actor: Actor) -> ColumnElement[bool]:
    if actor.is_administration:
        return true()
    heads = [r.department_id for r in actor.roles if r.role is Role.DEPARTMENT_HEAD]
    sits = [r.committee_id for r in actor.roles if r.role is Role.POLITICIAN]
    led = select(Unit.department_id).where(Unit.id.in_(sorted(actor.led_unit_ids)))
    return or_(Department.id.in_(heads), Department.committee_id.in_(sits), Department.id.in_(led))
