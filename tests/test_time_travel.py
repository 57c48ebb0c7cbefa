"""Two years of the demo municipality with the clock moved on (`pejling tidsrejse`), as
Hvidovre: every leader gets each due reminder once, none after the work is done, none on
a day off, all at 08:00 Danish time across the daylight-saving changes; and two instances
side by side on one PostgreSQL database send nothing twice. Jammerbugt's agreement
years are in test_time_travel_agreement_years.py.

The runs start on 1 December 2026: status days, the midway evaluations (Mette away on
30 June 2027, Jonas standing in), the drafting after each budget, and in Jammerbugt the
next agreement year taking over on 1 January.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from conftest import PostgresDatabase
from store.enums import GoalAction
from store.models import GoalEvent
from store.orgfile import OrgFile
from timetravelkit import TWO_YEARS, sessions_on, travel

# Status days in the election period from December 2026 to November 2028: 15 March, 15
# June, 15 September and 15 November, and 15 November 2026 is already past.
HVIDOVRE_STATUS_DAYS = 8


async def test_two_years_of_hvidovre_remind_once_on_time_and_stop_when_done(
    tmp_path: Path, demo_org: OrgFile
) -> None:
    """The election period: four status days a year, the midway evaluations and the
    adjustment after each budget (000), December 2026 to November 2028."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'aar.db'}"
    found = await travel(url, demo_org, TWO_YEARS)

    assert (found.twice, found.after_done, found.on_days_off, found.not_at_eight) == (
        [], [], [], []
    )  # fmt: skip
    assert found.lost == 0 and found.clean
    got = found.per_person
    # Mette answers at once: one reminder per status day, never a nudge; the first
    # midway evaluation fell in her absence and went to Jonas.
    assert got["mette"]["status:remind"] == HVIDOVRE_STATUS_DAYS
    assert not any(what.endswith(":nudge") for what in got["mette"])
    assert got["mette"]["midway:remind"] == 1
    # Jonas waits for the nudge; Sara puts each reminder off and gets it once more.
    assert got["jonas"]["status:nudge"] == HVIDOVRE_STATUS_DAYS
    assert got["sara"]["status:again"] == HVIDOVRE_STATUS_DAYS and "status:nudge" not in got["sara"]
    # Lise never answers: nudged each time, and Henrik, her head, is told.
    assert got["lise"]["status:nudge"] == HVIDOVRE_STATUS_DAYS
    assert got["henrik"]["status:escalate"] == HVIDOVRE_STATUS_DAYS
    assert got["henrik"]["midway:escalate"] == 2
    # Everyone who answers is not chased: Birgitte's leaders all did it at once.
    assert "birgitte" not in got
    # The goals sent again after the 2028 budget are that year's adjustment, also those
    # sent late in December 2027 when nudged.
    async with sessions_on(url) as session:
        revised = list(
            await session.scalars(
                select(GoalEvent.snapshot).where(GoalEvent.action == GoalAction.REVISED)
            )
        )
    assert revised and {(s or {}).get("budget_year") for s in revised} == {2028}


async def test_two_instances_on_one_postgresql_send_nothing_twice(demo_org: OrgFile) -> None:
    """Into June 2027: the March status day, Easter, the clock change, the June one."""
    database = PostgresDatabase("pejling_tidsrejse")
    url = await database.create()
    try:
        found = await travel(url, demo_org, 200, senders=2)
    finally:
        await database.drop()

    assert found.clean, found.as_json()
    assert found.per_person["mette"]["status:remind"] == 2
