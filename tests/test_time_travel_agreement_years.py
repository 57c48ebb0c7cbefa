"""Two agreement years of the demo municipality as Jammerbugt (`pejling tidsrejse`): the
next agreement year takes over on 1 January, and every leader is reminded once of each
year's own goals. (Hvidovre's two years are in test_time_travel.py.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.devtools import time_travel
from store.enums import GoalState
from store.models import Goal, Period
from store.orgfile import OrgFile
from timetravelkit import START, TWO_YEARS, sessions_on, travel


async def test_two_agreement_years_in_jammerbugt_remind_once_of_each_years_own_goals(
    tmp_path: Path, demo_org: OrgFile
) -> None:
    """Jammerbugt's agreement years 2026-2028: the leaders carry their goals into next year
    in the drafting window (004), the department head approves, and from 1 January the
    status days are about next year's agreement. Lise never drafts one, so after this
    year's last status day nothing more is asked of her status."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'aftaleaar.db'}"
    found = await travel(url, time_travel.as_profile(demo_org, "jammerbugt", START), TWO_YEARS)

    assert found.clean, found.as_json()
    got = found.per_person
    # December 2026, four days in 2027 and three in 2028 (the run ends in November).
    assert got["peter"]["status:remind"] == 8
    assert got["mette"]["status:remind"] == 7  # June 2027 went to Jonas, her deputy
    assert got["lise"]["status:remind"] == 1
    assert got["henrik"]["drafting:escalate"] == 2  # Lise's two years without an agreement
    assert got["peter"]["final_report:remind"] == 2  # for 2026, and for 2027
    async with sessions_on(url) as session:
        rows = await session.execute(
            select(Period.name, Goal.state, func.count(Goal.id))
            .join(Goal, Goal.period_id == Period.id)
            .group_by(Period.name, Goal.state)
        )
        goals_by_year = {(name, state): count for name, state, count in rows}
    # Each year's goals closed at its end; Lise's two were never carried into 2027.
    assert goals_by_year == {
        ("Aftaleåret 2026", GoalState.CLOSED): 12,
        ("Aftaleåret 2027", GoalState.CLOSED): 10,
        ("Aftaleåret 2028", GoalState.APPROVED): 10,
    }
