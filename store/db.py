"""Engine and sessions. SQLite under ./data by default; PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import event, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from store import sqlite_inline
from store.audit import AuditedSession

DEFAULT_URL = "sqlite+aiosqlite:///data/pejling.db"
# PostgreSQL connections one process keeps open at most. Teams delivers in bursts; with
# SQLAlchemy's default (5 kept, 10 more opened and closed again as needed) a burst of
# turns opened a new connection every few turns, and those turns waited the ~20 ms a
# connection takes to set up. Three instances at 20 stay well inside PostgreSQL's
# default of 100 connections.
POOL_DEFAULT = 20

# The names the edge (bot/) uses for what it holds and passes on: an engine to open and
# close, a factory of transactions, one transaction's session. bot/ imports these, never
# SQLAlchemy, so every statement is written here in store/ (tests/test_layering.py).
Engine = AsyncEngine
Session = AsyncSession
Sessions = async_sessionmaker[AsyncSession]


def database_url(raw: str | None = None) -> str:
    """The async driver URL for `raw`, `$DATABASE_URL` or the embedded SQLite default.

    Operators write the URLs their platforms hand out (`postgres://`, `postgresql://`);
    those are turned into the asyncpg and aiosqlite forms SQLAlchemy's async engine needs.
    """
    url = raw or os.environ.get("DATABASE_URL") or DEFAULT_URL
    for plain, asynchronous in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return asynchronous + url[len(plain) :]
    return url


def _sqlite_options(database: str | None) -> dict[str, Any]:
    """SQLite runs in the event loop (store/sqlite_inline.py) over one shared connection
    (StaticPool): SQLite writes one transaction at a time anyway. `sessionmaker` below
    hands the connection to one transaction at a time, in arrival order."""
    path = database or ":memory:"
    options: dict[str, Any] = {
        "async_creator": lambda: sqlite_inline.connect(path),
        "poolclass": StaticPool,
    }
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return options


def _pool_options() -> dict[str, Any]:
    """Every connection opened stays open: turns beyond the pool wait their turn (first
    come, first served) rather than open one more. `PEJLING_DB_POOL` sets the size."""
    raw = os.environ.get("PEJLING_DB_POOL") or str(POOL_DEFAULT)
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError(f"PEJLING_DB_POOL must be a whole number of at least 1, not {raw!r}")
    return {"pool_size": int(raw), "max_overflow": 0}


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN breaks SAVEPOINTs; _sqlite_begin below emits ours.
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets the CLI read while the bot writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two transactions that read and then
    # write wait for each other (busy_timeout) instead of failing when they upgrade.
    # Every turn begins so: on the driver's cursor, without building an execution
    # context and a result for a statement that returns nothing.
    cursor = connection.connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()


def create_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    resolved = database_url(url)
    parsed = make_url(resolved)
    # A failed statement's error (and so a logged traceback) would carry its parameters:
    # what people typed. Hidden, the statement alone is shown.
    kwargs = {"hide_parameters": True, **kwargs}
    if parsed.get_backend_name() == "sqlite":
        kwargs = {**_sqlite_options(parsed.database), **kwargs}
    else:
        kwargs = {**_pool_options(), **kwargs}
    engine = create_async_engine(resolved, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def dialect_name(session: AsyncSession) -> str:
    """Which database the session's statements go to, "postgresql" or "sqlite". Sessions
    are made by `sessionmaker` below, always bound to one engine."""
    assert session.bind is not None, "a session made without an engine"
    return session.bind.dialect.name


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched. SQLAlchemy types `execute` as returning
    a plain `Result`; for those statements it is a `CursorResult`, which counts them."""
    return cast("CursorResult[Any]", result).rowcount


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: views are built from rows after commit, outside the transaction.
    # AuditedSession: every change to governed rows leaves an audit event (store/audit.py).
    options: dict[str, Any] = {"expire_on_commit": False, "sync_session_class": AuditedSession}
    if engine.dialect.name == "sqlite":
        return _OneAtATime(engine, **options)
    return _Transactions(engine, **options)


async def ping(engine: AsyncEngine) -> None:
    """One round trip to the database; raises when it cannot be reached (`/healthz`)."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


class _Transactions(async_sessionmaker[AsyncSession]):
    """`begin()` as SQLAlchemy's, in fewer hand-offs to its greenlet: the transaction
    begins with the first statement (autobegin), and commit and close are one call, run
    to its end even when the turn is cancelled meanwhile. SQLAlchemy's own takes four
    hand-offs and two tasks, which was a tenth of an ordinary turn's CPU."""

    def _new(self, **kwargs: Any) -> AsyncSession:
        return super().__call__(**kwargs)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        session = self._new()
        try:
            yield session
        except BaseException:
            await _to_the_end(session.run_sync(_close))  # closing rolls back
            raise
        await _to_the_end(session.run_sync(_commit_and_close))


def _commit_and_close(session: Any) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _close(session: Any) -> None:
    session.close()


async def _to_the_end(work: Coroutine[Any, Any, None]) -> None:
    """Finish `work` even if the caller is cancelled meanwhile, then pass the cancellation
    on: a connection left half-returned to its pool would be lost to it."""
    task = asyncio.ensure_future(work)
    cancelled: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as error:
            cancelled = error
    if cancelled is not None:
        raise cancelled
    task.result()


class _OneAtATime(_Transactions):
    """Sessions on SQLite's one connection, one at a time, first come first served.

    asyncio.Lock lets no newcomer pass a waiting turn, which a pool queue does: there a
    turn woken to take the connection can find it taken and go back to the end of the
    line, which made one turn in a hundred wait five times as long as the rest.
    """

    def __init__(self, engine: AsyncEngine, **kwargs: Any) -> None:
        super().__init__(engine, **kwargs)
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        async with self._turn, super().begin() as session:
            yield session

    @asynccontextmanager
    async def __call__(self, **kwargs: Any) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        async with self._turn, self._new(**kwargs) as session:
            yield session
