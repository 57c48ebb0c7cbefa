"""SQLite run in the event loop: it must never block the loop while another process holds
the write lock, and transactions must get the connection in the order they asked."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from store import sqlite_inline
from store.db import create_engine, sessionmaker


async def test_a_lock_held_elsewhere_is_waited_for_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (v INTEGER)")
    other.execute("BEGIN IMMEDIATE")  # another process, say `pejling import`, is writing
    connection = await sqlite_inline.connect(str(path))
    cursor = connection.cursor()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    beating = asyncio.create_task(ticker())
    waiting = asyncio.create_task(cursor.execute("BEGIN IMMEDIATE"))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    assert ticks >= 10  # the loop kept running other work meanwhile
    other.execute("COMMIT")
    await asyncio.wait_for(waiting, 1)
    await cursor.execute("INSERT INTO t VALUES (1)")
    await connection.commit()
    beating.cancel()
    await connection.close()
    assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)


async def test_a_statement_run_on_the_driver_waits_for_the_lock_as_well(tmp_path: Path) -> None:
    """store/prepared.py runs its statements through `run`: the same patient wait."""
    path = tmp_path / "locked.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (v INTEGER)")
    other.execute("BEGIN IMMEDIATE")
    connection = await sqlite_inline.connect(str(path))
    waiting = asyncio.create_task(connection.run("INSERT INTO t VALUES (?)", (7,)))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    other.execute("COMMIT")
    assert await asyncio.wait_for(waiting, 1) == ([], 1)
    assert await connection.run("SELECT v FROM t", ()) == ([(7,)], -1)
    await connection.close()


async def test_a_lock_held_too_long_is_reported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sqlite_inline, "LOCK_WAIT", 0.05)
    path = tmp_path / "stuck.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    connection = await sqlite_inline.connect(str(path))
    started = time.monotonic()
    try:
        await connection.cursor().execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
    else:
        raise AssertionError("the lock was never reported")
    assert time.monotonic() - started < 1
    await connection.close()


async def test_transactions_get_the_connection_in_the_order_they_asked(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'order.db'}")
    sessions = sessionmaker(engine)
    async with sessions.begin() as session:
        await session.execute(text("CREATE TABLE seen (turn INTEGER)"))
    order: list[int] = []

    async def turn(number: int) -> None:
        async with sessions.begin() as session:
            order.append(number)
            await session.execute(text("INSERT INTO seen VALUES (:n)"), {"n": number})
            await asyncio.sleep(0)  # a turn may yield mid-transaction; nobody may pass it

    await asyncio.gather(*(turn(number) for number in range(20)))
    assert order == list(range(20))
    async with sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM seen"))).scalar() == 20
    await engine.dispose()
