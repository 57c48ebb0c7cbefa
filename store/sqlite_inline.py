"""SQLite run in the event loop's own thread, behind the driver interface SQLAlchemy's
aiosqlite dialect expects.

aiosqlite runs every call in a thread of its own and wakes the event loop for each
result: a few round trips per statement, about 0.25 ms, where the statement itself
takes microseconds on the small, indexed queries Pejling makes. Calling sqlite3
directly is faster than handing the work away.

The one thing that must never happen inline is waiting: SQLite's busy handler would
sleep in the event loop while another process (`pejling import`, `pejling digest`)
holds the write lock. So the busy timeout is zero, and a statement refused with
"database is locked" is retried after an `asyncio.sleep`, which lets other turns run.
A refused statement has not run, so running it again is safe.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

LOCK_WAIT = 10.0  # seconds a statement may wait for another process's write lock
_FIRST_PAUSE = 0.002


class InlineCursor:
    """An aiosqlite-style cursor whose coroutines finish without ever suspending."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        await _patiently(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        many = list(rows)
        await _patiently(lambda: self._cursor.executemany(sql, many))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _RunNow:
    """Stands in for aiosqlite's work queue, which SQLAlchemy uses to set the isolation
    level: the function runs at once and its future is resolved."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to the awaiting caller
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-style connection over a plain sqlite3 connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._tx = _RunNow()
        self._open = True

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """aiosqlite's name for the live connection; None once closed."""
        return self._conn if self._open else None

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def commit(self) -> None:
        await _patiently(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        self._open = False
        self._conn.close()

    async def run(self, sql: str, parameters: Sequence[Any]) -> tuple[list[Any], int]:
        """One statement, with its rows and the count of rows it changed: what
        store/prepared.py needs, without a cursor object of ours around it."""
        cursor = await _patiently(lambda: self._conn.execute(sql, parameters))
        try:
            return cursor.fetchall(), cursor.rowcount
        finally:
            cursor.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


async def connect(path: str) -> InlineConnection:
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=0")  # waiting happens in `_patiently`
    return InlineConnection(connection)


async def _patiently(statement: Callable[[], Any]) -> Any:
    """Run `statement`; while another process holds the lock, wait without blocking."""
    pause, waited = _FIRST_PAUSE, 0.0
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as error:
            if not _locked(error) or waited >= LOCK_WAIT:
                raise
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, 0.1)


def _locked(error: sqlite3.OperationalError) -> bool:
    message = str(error).lower()
    return "database is locked" in message or "database is busy" in message
