"""The engine Pejling opens on a database URL: the driver chosen for the URL operators
write, on PostgreSQL a pool that keeps every connection it opens, and transactions that
commit all of a turn or nothing and always give their connection back."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import sqlalchemy.exc
from sqlalchemy.ext.asyncio import AsyncEngine

from databases import PREPARED
from store.db import POOL_DEFAULT, create_engine, database_url
from store.models import Person
from store.orgfile import OrgFile
from store_helpers import Sessions, actor_of

POSTGRES = "postgresql://pejling@db.kommune.example/pejling"


def test_the_urls_operators_write_get_the_async_drivers() -> None:
    assert database_url(POSTGRES) == "postgresql+asyncpg://pejling@db.kommune.example/pejling"
    assert database_url("postgres://u@h/d") == "postgresql+asyncpg://u@h/d"
    assert database_url("sqlite:///data/p.db") == "sqlite+aiosqlite:///data/p.db"


async def test_a_postgresql_pool_keeps_what_it_opens_and_opens_no_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A burst of turns waits for a connection instead of opening and closing extra ones,
    each costing a turn the ~20 ms a new connection takes."""
    monkeypatch.setenv("PEJLING_DB_POOL", "2")
    engine = create_engine(PREPARED.postgres(None), pool_timeout=0.2)
    held = [await engine.connect(), await engine.connect()]
    with pytest.raises(sqlalchemy.exc.TimeoutError):
        await engine.connect()  # a third turn waits for one of the two
    for connection in held:
        await connection.close()
    assert engine.pool.checkedin() == 2  # both kept open for the next turns
    await engine.dispose()


def test_by_default_a_process_keeps_up_to_twenty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEJLING_DB_POOL", raising=False)
    assert create_engine(POSTGRES).pool.size() == POOL_DEFAULT == 20


@pytest.mark.parametrize("wrong", ["0", "-3", "mange", "2.5"])
def test_a_pool_size_that_is_no_whole_number_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, wrong: str
) -> None:
    monkeypatch.setenv("PEJLING_DB_POOL", wrong)
    with pytest.raises(ValueError, match="PEJLING_DB_POOL must be a whole number"):
        create_engine(POSTGRES)


async def test_a_transaction_commits_what_its_block_wrote_and_nothing_of_a_failed_one(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        (await session.get_one(Person, mette.person_id)).name = "Mette Kjærgaard Holm"
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            (await session.get_one(Person, mette.person_id)).name = "Forkert Navn"
            await session.flush()
            raise RuntimeError("the turn failed after writing")
    async with sessions() as session:
        assert (await session.get_one(Person, mette.person_id)).name == "Mette Kjærgaard Holm"


async def test_a_transaction_cancelled_while_it_commits_still_returns_its_connection(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    """Shutting down cancels the turns under way; each must give its connection back, or
    the next turns would wait for ever on a pool (or SQLite's one connection) that is gone."""
    for steps in range(12):  # cancelled at each point of the turn in turn, commit among them
        task = asyncio.create_task(_write_a_name(sessions, demo))
        for _ in range(steps):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    async with asyncio.timeout(5), sessions.begin() as session:
        assert await actor_of(session, demo, "mette")
    if engine.dialect.name == "postgresql":  # SQLite's one connection was taken above
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def _write_a_name(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        (await session.get_one(Person, mette.person_id)).name = "Mette K."
