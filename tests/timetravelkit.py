"""The time travel (`pejling tidsrejse`) as the tests run it: from 1 December 2026, on a
database of the test's own, with the scheduler and the rate limits off.

The two-year runs are in files of their own, so that the test workers run them side by
side rather than one after the other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import cli_runtime
from bot.devtools import time_travel
from bot.settings import Settings
from store.db import create_engine, sessionmaker
from store.orgfile import OrgFile

START = date(2026, 12, 1)
TWO_YEARS = 730


@asynccontextmanager
async def sessions_on(url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(url)
    try:
        async with sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def travel(url: str, org: OrgFile, days: int, senders: int = 1) -> time_travel.Findings:
    settings = Settings(database_url=url, scheduler=False, rate_limits=False)
    async with cli_runtime(settings) as runtime:
        return await time_travel.travel(runtime, org, START, days, senders)
