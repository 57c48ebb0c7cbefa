"""What the database layer alone costs a turn: one transaction holding the statements a
`status` turn runs, through each layer Pejling could use, timed in CPU per transaction.

    .venv/bin/python bench/sql_floor.py [--db sqlite|postgresql] [--transactions 2000]

A `status` turn opens a transaction, claims its activity, finds the person's active
dialogue, reads their goals and writes the new dialogue, then commits. The same four
statements (Pejling's own, built once in store/) run here on an imported demo database:

- `orm-session`: `AsyncSession.execute` inside `sessions.begin()`, as a turn runs them;
- `core-connection`: `AsyncConnection.execute` inside `engine.begin()`: no ORM session;
- `prepared`: as a turn runs them now: store/prepared.py in `sessions.begin()`, the SQL
  on the driver inside the session's transaction;
- `driver`: the SQL SQLAlchemy compiled for them, on the driver's own connection
  (sqlite3 in the event loop, asyncpg), parameters and rows as the driver takes them.

The difference between the layers is what SQLAlchemy's execution costs per transaction;
the `driver` row is the floor any turn that writes through this database pays.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import targets
from sqlalchemy import event
from sqlalchemy.util import greenlet_spawn

from store import migrate, progress, seen, status
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.orgfile import read_org_file
from store.prepared import Prepared

Run = Callable[[int], Awaitable[None]]
HELD: list[Any] = []  # driver connections checked out for the `driver` layer


def _claim_params(i: int) -> dict[str, Any]:
    return {"municipality_id": 1, "conversation_id": "a:bench", "activity_id": f"{i}-" +
            uuid.uuid4().hex, "seen_at": datetime.now(UTC), "of_municipality": 1}  # fmt: skip


def _dialogue_params(i: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"id": str(uuid.uuid4()), "municipality_id": 1, "person_id": 1,
            "conversation_id": "a:bench", "flow": "status", "step": "goal", "answers": {},
            "state": "cancelled", "version": 1, "created_at": now, "updated_at": now,
            "last_activity_id": None}  # fmt: skip


_ACTIVE = {"municipality": 1, "person": 1}
_GOALS = {"municipality": 1, "unit_0": 1, "today": datetime.now(UTC).date()}


def _statements(dialect: str) -> list[tuple[Prepared, Callable[[int], dict[str, Any]]]]:
    return [
        (seen._CLAIM_READING_ROLES[dialect], _claim_params),
        (progress._ACTIVE, lambda i: _ACTIVE),
        (status._leader_goals(1), lambda i: _GOALS),
        (progress._INSERT, _dialogue_params),
    ]


async def _orm(engine: Any) -> Run:
    return _in_sessions(engine, on_driver=False)


async def _core(engine: Any) -> Run:
    statements = _statements(engine.dialect.name)

    async def run(i: int) -> None:
        async with engine.begin() as connection:
            for prepared, params in statements:
                await connection.execute(prepared.statement, params(i))  # type: ignore[call-overload]

    return run


async def _session_prepared(engine: Any) -> Run:
    return _in_sessions(engine, on_driver=True)


def _in_sessions(engine: Any, on_driver: bool) -> Run:
    """The statements in a turn's transaction: through the session, or on the driver."""
    sessions = sessionmaker(engine)
    statements = _statements(engine.dialect.name)

    async def run(i: int) -> None:
        async with sessions.begin() as session:
            for prepared, params in statements:
                if on_driver:
                    await prepared.run(session, params(i))
                else:
                    await session.execute(prepared.statement, params(i))  # type: ignore[call-overload]

    return run


async def _captured(engine: Any) -> list[tuple[str, Any]]:
    """The SQL and parameters SQLAlchemy sends the driver for one transaction's statements,
    exactly as sent (caught by the engine's `before_cursor_execute` event)."""
    sent: list[tuple[str, Any]] = []

    def catch(conn: Any, cursor: Any, sql: str, parameters: Any, *rest: Any) -> None:
        sent.append((sql, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", catch)
    await (await _orm(engine))(-1)
    event.remove(engine.sync_engine, "before_cursor_execute", catch)
    return [(sql, params) for sql, params in sent if not sql.startswith("BEGIN")]


def _fresh(parameters: Any, unique: set[Any]) -> list[Any]:
    """The captured parameters with each unique id (activity, dialogue) made new."""
    return [uuid.uuid4().hex if value in unique else value for value in parameters]


async def _driver(engine: Any) -> Run:
    sent = await _captured(engine)
    unique = {
        value
        for _, params in sent
        for value in params
        if isinstance(value, str) and (value.startswith("-1-") or len(value) == 36)
    }
    raw = await engine.raw_connection()
    HELD.append(raw)  # checked out until the layer is measured (returned, it would close)
    connection = raw.driver_connection

    if engine.dialect.name == "sqlite":

        async def run(i: int) -> None:
            cursor = connection.cursor()
            await cursor.execute("BEGIN IMMEDIATE")
            for sql, params in sent:
                await cursor.execute(sql, _fresh(params, unique))
                await cursor.fetchall()
            await connection.commit()

        return run

    async def run_pg(i: int) -> None:
        async with connection.transaction():
            for sql, params in sent:
                await connection.fetch(sql, *_fresh(params, unique))

    return run_pg


async def _prepared(db: str, temp: Path) -> tuple[str, str | None]:
    if db == "sqlite":
        url, dropped = f"sqlite+aiosqlite:///{temp / 'floor.db'}", None
    else:
        dropped = f"pejling_sql_floor_{os.getpid()}"
        admin = await asyncpg.connect(targets.POSTGRES_ADMIN)
        await admin.execute(f'CREATE DATABASE "{dropped}"')
        await admin.close()
        base = targets.POSTGRES_ADMIN.rsplit("/", 1)[0]
        url = base.replace("postgresql:", "postgresql+asyncpg:") + f"/{dropped}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with sessionmaker(engine).begin() as session:
        await import_org(session, read_org_file(targets.DEMO_FILE))
    await engine.dispose()
    return url, dropped


async def measure(db: str, transactions: int) -> None:
    temp = Path(tempfile.mkdtemp(prefix="pejling-sql-floor-"))
    url, dropped = await _prepared(db, temp)
    try:
        for name, layer in (("orm-session", _orm), ("core-connection", _core),
                            ("prepared", _session_prepared), ("driver", _driver)):  # fmt: skip
            engine = create_engine(url)
            run = await layer(engine)
            for i in range(transactions // 10):
                await run(i)
            began = time.process_time()
            for i in range(transactions):
                await run(i)
            spent = (time.process_time() - began) / transactions * 1000
            print(f"{db:10} {name:16} {spent:6.3f} ms CPU per transaction of 4 statements")
            while HELD:  # returned to the pool, which rolls back: SQLAlchemy's greenlet
                await greenlet_spawn(HELD.pop().close)
            await engine.dispose()
    finally:
        if dropped:
            admin = await asyncpg.connect(targets.POSTGRES_ADMIN)
            await admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
            await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--transactions", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(measure(args.db, args.transactions))


if __name__ == "__main__":
    main()
