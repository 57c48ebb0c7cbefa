"""The demo municipality's year with the clock moved on (`pejling tidsrejse`): every
leader gets each due reminder once, none after the work is done, none on a day off, all
at 08:00 Danish time across both daylight-saving changes; and two instances side by
side on one PostgreSQL database send nothing twice.

The run starts on 1 December 2026: four status days, the midway evaluation on 30 June
2027 (Mette away, Jonas standing in) and the drafting after the 2027 budget follow.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.cli import cli_runtime
from bot.devtools import time_travel
from bot.settings import Settings
from conftest import PostgresDatabase
from store.orgfile import OrgFile

START = date(2026, 12, 1)


async def travel(url: str, org: OrgFile, days: int, senders: int = 1) -> time_travel.Findings:
    settings = Settings(database_url=url, scheduler=False, rate_limits=False)
    async with cli_runtime(settings) as runtime:
        return await time_travel.travel(runtime, org, START, days, senders)


async def test_a_year_of_reminders_arrives_once_on_time_and_stops_when_done(
    tmp_path: Path, demo_org: OrgFile
) -> None:
    found = await travel(f"sqlite+aiosqlite:///{tmp_path / 'aar.db'}", demo_org, 365)

    assert (found.twice, found.after_done, found.on_days_off, found.not_at_eight) == (
        [], [], [], []
    )  # fmt: skip
    assert found.lost == 0 and found.clean
    got = found.per_person
    # Mette answers at once: one reminder per status day, never a nudge; the midway
    # evaluation fell in her absence and went to Jonas.
    assert got["mette"]["status:remind"] == 4
    assert not any(what.endswith(":nudge") for what in got["mette"])
    assert "midway:remind" not in got["mette"]
    # Jonas waits for the nudge; Sara puts each reminder off and gets it once more.
    assert got["jonas"]["status:nudge"] == 4
    assert got["sara"]["status:again"] == 4 and "status:nudge" not in got["sara"]
    # Lise never answers: nudged each time, and Henrik, her head, is told.
    assert got["lise"]["status:nudge"] == 4
    assert got["henrik"]["status:escalate"] == 4 and got["henrik"]["midway:escalate"] == 1
    # Everyone who answers is not chased: Birgitte's leaders all did it at once.
    assert "birgitte" not in got


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
