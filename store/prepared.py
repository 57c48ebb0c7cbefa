"""The few statements a turn runs on nearly every message, compiled once by SQLAlchemy
and run on the driver, inside the session's own transaction.

Through the async session a statement costs about 170 Python calls before the driver
sees it (a greenlet hand-off, the ORM's execute, an execution context, a result), which
made SQLAlchemy's execution a fifth to a third of a turn's CPU (bench/README.md). The
statements are still written in SQLAlchemy, on tables; a `Prepared` compiles each one
once per database, keeps SQLAlchemy's own conversions for its parameters and columns
(`UTCDateTime`, JSON, dates), and runs the SQL on the connection the session's
transaction already holds: the same transaction, the same locks, the same rollback.

What it will not run, checked when first compiled (tests/test_store_prepared.py compiles
every one of them for both databases), because the session would have done more:
a write to an audited table (its audit events come from the session, store/audit.py),
an INSERT or UPDATE that leaves out a column SQLAlchemy fills in (a Python-side default
or `onupdate`), and parameters expanded at execution (`IN` lists: build one statement
per length).
It also does not flush: a turn's hot statements come before any ORM change, and
`_flushed_first` sends a session with pending changes through SQLAlchemy instead.

On PostgreSQL it leans on SQLAlchemy's asyncpg adapter: the adapter opens the asyncpg
transaction lazily, at its first statement, so a prepared statement that comes first
opens it the same way (`_transaction`, `_start_transaction`), and a driver error is
translated as the adapter translates it. tests/test_store_prepared.py pins all of it.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import Insert, Table, Update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from store import sqlite_inline
from store.audit import AUDITED

Processor = Callable[[Any], Any]
_REQUIRED = object()
_HELD = "store.prepared.connection"  # session.info: (its transaction, its connection)
EVERY: list[Prepared] = []  # each one built, so a test can compile them all


@dataclass(frozen=True)
class _Bind:
    key: str  # the name the caller passes
    default: Any  # the value compiled into the statement, or _REQUIRED
    process: Processor | None


@dataclass(frozen=True)
class _Compiled:
    """One statement as one database runs it: its SQL, its parameters in order, and how
    each column of its rows is read."""

    sql: str
    binds: tuple[_Bind, ...]
    row: type[NamedTuple] | None  # None: the statement returns no rows
    columns: tuple[tuple[int, Processor], ...]  # (position, conversion) of converted columns

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for bind in self.binds:
            value = params.get(bind.key, bind.default)
            if value is _REQUIRED:
                raise KeyError(f"no value for the parameter {bind.key!r}")
            values.append(bind.process(value) if bind.process else value)
        return values

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[Any]:
        assert self.row is not None
        make, columns = self.row._make, self.columns
        if not columns:
            return [make(values) for values in raw]
        converted = []
        for values in raw:
            row = list(values)
            for position, process in columns:
                row[position] = process(row[position])
            converted.append(make(row))
        return converted


class Prepared:
    """A Core statement run on the driver, in the session's transaction.

    `rows` and `first` for a SELECT or a statement with RETURNING (rows with the
    statement's column names as attributes, converted as SQLAlchemy converts them);
    `run` for a write, answering how many rows it touched."""

    def __init__(
        self, statement: ClauseElement, keys: Sequence[str] = (), only: str | None = None
    ) -> None:
        """`keys`: for an INSERT without `.values()`, the columns the caller gives.
        `only`: the one database a dialect's own statement is for ("sqlite", …)."""
        _refuse_audited(statement)
        self.statement = statement
        self.only = only
        self._keys = list(keys) or None
        self._compiled: dict[str, _Compiled] = {}
        EVERY.append(self)

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> list[Any]:
        found, _ = await self._execute(session, params)
        return found

    async def first(self, session: AsyncSession, params: Mapping[str, Any]) -> Any | None:
        found, _ = await self._execute(session, params)
        return found[0] if found else None

    async def run(self, session: AsyncSession, params: Mapping[str, Any]) -> int:
        _, count = await self._execute(session, params)
        return count

    async def _execute(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> tuple[list[Any], int]:
        """The rows, read by name and converted (none for a write), and the row count."""
        if _flushed_first(session):
            return await self._through_session(session, params)
        connection = await _held(session)
        compiled = self.compiled_for(connection.dialect)
        arguments = compiled.arguments(params)
        _announce(connection, compiled.sql, arguments)
        found, count = await _on_driver(connection, compiled, arguments)
        return (compiled.rows(found) if compiled.row else [], count)

    async def _through_session(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> tuple[list[Any], int]:
        """The same statement through SQLAlchemy, which flushes the session's pending
        changes first, so they are written before this statement runs."""
        compiled = self.compiled_for(session.get_bind().dialect)
        result = await session.execute(self.statement, dict(params))  # type: ignore[call-overload]
        if compiled.row is None:
            return [], max(cast(Any, result).rowcount, 0)
        found = [compiled.row._make(row) for row in result]  # converted by SQLAlchemy
        return found, len(found)

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            if self.only not in (None, dialect.name):
                raise ValueError(f"a statement for {self.only}, not {dialect.name}")
            compiled = _compile(self.statement, dialect, self._keys)
            self._compiled[dialect.name] = compiled
        return compiled


async def _held(session: AsyncSession) -> Connection:
    """The connection the session's transaction holds. Kept in the session for the rest
    of the transaction: asking the session each time costs a greenlet hand-off."""
    sync = session.sync_session
    transaction = sync.get_transaction()
    held = sync.info.get(_HELD)
    if held is not None and held[0] is transaction and not held[1].invalidated:
        return cast(Connection, held[1])
    connection = (await session.connection()).sync_connection
    assert connection is not None
    sync.info[_HELD] = (sync.get_transaction(), connection)
    return connection


def _flushed_first(session: AsyncSession) -> bool:
    sync = session.sync_session
    return bool(sync.new or sync.deleted or sync.dirty)


def _refuse_audited(statement: ClauseElement) -> None:
    table = getattr(statement, "table", None) if isinstance(statement, Insert | Update) else None
    if isinstance(table, Table) and table.name in AUDITED:
        raise ValueError(f"{table.name}: writes to audited tables go through the session")


def _compile(statement: ClauseElement, dialect: Dialect, keys: list[str] | None) -> _Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=keys))
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("parameters expanded at execution: build one statement per length")
    if compiled.insert_prefetch or compiled.update_prefetch:
        names = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        raise ValueError(f"give the values of {names}: SQLAlchemy would fill them in")
    binds = tuple(_bind(compiled, name, dialect) for name in compiled.positiontup or ())
    columns = getattr(statement, "exported_columns", None)
    if not columns:
        return _Compiled(compiled.string, binds, None, ())
    keys = [str(key) for key in columns.keys()]  # noqa: SIM118 - a column collection
    if "None" in keys:
        raise ValueError("label every column a prepared statement returns: rows read by name")
    row = namedtuple("Row", keys)  # type: ignore[misc]
    converters = (
        (i, column.type.dialect_impl(dialect).result_processor(dialect, None))
        for i, column in enumerate(columns)
    )
    return _Compiled(compiled.string, binds, row, tuple((i, p) for i, p in converters if p))


def _bind(compiled: SQLCompiler, name: str, dialect: Dialect) -> _Bind:
    parameter = compiled.binds[name]
    default = _REQUIRED if parameter.required else parameter.effective_value
    process = parameter.type.dialect_impl(dialect).bind_processor(dialect)
    return _Bind(parameter.key, default, process)


def _announce(connection: Connection, sql: str, arguments: list[Any]) -> None:
    """Tell whoever listens for statements (tests/store_helpers.statements) as
    SQLAlchemy would: a statement sent on the driver is still a statement sent."""
    for listener in connection.dispatch.before_cursor_execute:
        listener(connection, None, sql, tuple(arguments), None, False)


async def _on_driver(
    connection: Connection, compiled: _Compiled, arguments: list[Any]
) -> tuple[Sequence[Sequence[Any]], int]:
    pooled = connection.connection
    driver = pooled.driver_connection
    try:
        if connection.dialect.name == "sqlite":
            inline = cast(sqlite_inline.InlineConnection, driver)
            return await inline.run(compiled.sql, arguments)
        return await _on_asyncpg(pooled.dbapi_connection, driver, compiled, arguments)
    except Exception as error:
        translated = _translated(
            connection, pooled.dbapi_connection, compiled.sql, arguments, error
        )
        if isinstance(translated, DBAPIError) and translated.connection_invalidated:
            # As SQLAlchemy does with a connection that is gone (the database restarted):
            # out of the pool, so the next transaction opens a new one instead of failing.
            connection.invalidate(translated.orig)
        raise translated from error


async def _on_asyncpg(
    adapter: Any, driver: Any, compiled: _Compiled, arguments: list[Any]
) -> tuple[Sequence[Sequence[Any]], int]:
    if adapter._transaction is None:
        await adapter._start_transaction()
    if compiled.row is not None:
        found = await driver.fetch(compiled.sql, *arguments)
        return found, len(found)
    status = await driver.execute(compiled.sql, *arguments)  # "UPDATE 1", "INSERT 0 1"
    return (), int(status.rsplit(" ", 1)[-1])


def _translated(
    connection: Connection, adapter: Any, sql: str, arguments: list[Any], error: Exception
) -> Exception:
    """The driver's error as SQLAlchemy raises it (IntegrityError, OperationalError …), so
    callers catch the same exceptions whichever way a statement went."""
    dialect = connection.dialect
    base = getattr(dialect.loaded_dbapi, "Error", sqlite3.Error)
    if dialect.name != "sqlite" and not isinstance(error, base):
        try:
            adapter._handle_exception(error)
        except Exception as translated:  # noqa: BLE001 - it always raises
            error = translated
    if not isinstance(error, base):
        return error
    gone = dialect.is_disconnect(cast(Any, error), adapter, None)
    return DBAPIError.instance(
        sql,
        arguments,
        error,
        base,
        hide_parameters=True,
        dialect=dialect,
        connection_invalidated=gone,
    )
