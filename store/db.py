"""Engine and sessions. SQLite under ./data by default; PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DEFAULT_URL = "sqlite+aiosqlite:///data/pejling.db"


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


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN breaks SAVEPOINTs; _sqlite_begin below emits ours.
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets the CLI read while the bot writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two transactions that read and then
    # write wait for each other (busy_timeout) instead of failing when they upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    resolved = database_url(url)
    _ensure_sqlite_folder(resolved)
    if make_url(resolved).get_backend_name() == "sqlite":
        # SQLite writes one transaction at a time anyway. With one connection, turns wait
        # their turn in the pool, in order; with several, they would wait inside SQLite's
        # busy handler, which sleeps and retries and gives multi-second stragglers.
        kwargs = {"pool_size": 1, "max_overflow": 0, **kwargs}
    engine = create_async_engine(resolved, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: views are built from rows after commit, outside the transaction.
    return async_sessionmaker(engine, expire_on_commit=False)
