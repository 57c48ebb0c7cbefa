"""Databases for the tests, prepared once per run and copied for each test.

Migrating a database and importing a municipality take seconds; copying a prepared one
takes milliseconds. So each kind of database a test starts from (migrated and empty, or
with an organisation file imported) is made once per test process: a SQLite file, and a
PostgreSQL template database. A test gets its own copy: the file copied, or a database
made with `CREATE DATABASE … TEMPLATE`, which PostgreSQL copies block by block. A copy
holds exactly what migrating and importing would have written, ids and sequences alike.

Every name carries the process id and a random part, so two test runs on one server
(several checkouts, or the workers of one run) never meet; everything is dropped when
the run ends, the copies in the background as soon as their test is done.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import configure_mappers
from sqlalchemy.pool import NullPool
from sqlalchemy.util import LRUCache

from store import migrate
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.models import Base
from store.orgfile import OrgFile

T = TypeVar("T")
POSTGRES = os.environ.get(
    "PEJLING_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
RUN = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
# Where the test SQLite files live: in memory where the machine offers a tmpfs (Linux),
# as a test waits for nothing a disk would make it wait for (each commit is an fsync).
IN_MEMORY = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def run_aside(work: Callable[[], Awaitable[T]]) -> T:
    """Run async work to its end from anywhere, also inside a running loop (which waits)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


class PostgresDatabase:
    """A throwaway database on the PostgreSQL server the development and CI machines run.

    An unreachable server fails the test with instructions; it is never skipped, so a
    green run means the store really worked on PostgreSQL.
    """

    def __init__(self, prefix: str) -> None:
        self.name = f"{prefix}_{RUN}_{uuid.uuid4().hex[:8]}"

    @property
    def url(self) -> str:
        return POSTGRES.rsplit("/", 1)[0] + f"/{self.name}"

    async def create(self, template: str | None = None) -> str:
        copied = f' TEMPLATE "{template}"' if template else ""
        await self._admin(f'CREATE DATABASE "{self.name}"{copied}')
        # A commit returns without waiting for the server's disk: a test database need
        # not outlive a crash, and a test would otherwise wait on every commit.
        await self._admin(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        return self.url

    async def drop(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with admin.connect() as connection:
                await connection.execute(text(statement))
        except (OperationalError, OSError) as error:
            pytest.fail(
                f"PostgreSQL is not reachable at {POSTGRES} ({error}). Start it with "
                "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
            )
        finally:
            await admin.dispose()


# What a prepared database holds besides the schema: organisation files imported one
# after the other (none, the demo, the demo and a second municipality …).
Orgs = tuple[OrgFile, ...]


def chain(org: OrgFile | Orgs | None) -> Orgs:
    if org is None:
        return ()
    return org if isinstance(org, tuple) else (org,)


def fingerprint(org: OrgFile | Orgs | None) -> str:
    """Names what a prepared database holds: nothing but the schema, or `org` imported."""
    orgs = chain(org)
    if not orgs:
        return "empty"
    dumped = "\n".join(one.model_dump_json() for one in orgs)
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


async def prepare(engine: AsyncEngine, org: OrgFile | None) -> None:
    """Migrate the database behind `engine` and import `org` into it, as Pejling starts."""
    await migrate.upgrade(engine)
    if org is not None:
        async with sessionmaker(engine).begin() as session:
            await import_org(session, org)


class Prepared:
    """The run's prepared databases: SQLite files copied per test, and one PostgreSQL
    database per test process, put back to a prepared state before each test."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._files: dict[str, Path] = {}
        self._postgres: PostgresDatabase | None = None
        self._snapshots: dict[str, Snapshot] = {}
        # The PostgreSQL database holds what a fingerprint names and no one has used it.
        self._ready: dict[str, str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connection: asyncpg.Connection
        # What each engine handed to a test holds, while nothing has connected through it.
        self._untouched: weakref.WeakKeyDictionary[AsyncEngine, Orgs] = weakref.WeakKeyDictionary()

    def sqlite_copy(self, org: OrgFile | Orgs | None, path: Path) -> Path:
        """A SQLite file at `path`, migrated and with `org` imported."""
        orgs = chain(org)
        key = fingerprint(orgs)
        if key not in self._files:
            if self._folder is None:
                folder = tempfile.mkdtemp(prefix=f"pejling-tests-{RUN}-", dir=IN_MEMORY)
                self._folder = Path(folder)
            made = self._folder / f"{key}.db"
            if orgs:
                # Migrated once: an organisation is imported into a copy of the file that
                # holds the ones before it (the empty one, for the first).
                self.sqlite_copy(orgs[:-1], made)

            async def build() -> None:
                engine = create_engine(f"sqlite+aiosqlite:///{made}")
                await prepare(engine, orgs[-1] if orgs else None)
                await engine.dispose()

            run_aside(build)
            # Closing the last connection folds the write-ahead log into the file.
            assert not made.with_name(made.name + "-wal").exists(), made
            self._files[key] = made
        shutil.copyfile(self._files[key], path)
        return path

    def postgres(self, org: OrgFile | Orgs | None, *, for_start: bool = False) -> str:
        """The URL of this process's PostgreSQL database, migrated and holding exactly
        what importing `org` into an empty one writes: rows, ids and sequences.
        `for_start`: handed straight to `running_pejling`, which need not import again."""
        key = fingerprint(org)
        self._aside(self._snapshot_of(chain(org)).restore(self._connection))
        url = self._database().url
        if for_start:
            self._ready[url] = key
        return url

    def handed_out(self, engine: AsyncEngine, org: OrgFile | Orgs | None) -> None:
        """`engine` is a test's, on a database prepared with `org`: until something
        connects through it, `import_onto` may hand it a prepared database instead."""
        self._untouched[engine] = chain(org)
        event.listen(engine.sync_engine, "engine_connect", lambda _: self._touched(engine))

    def import_onto(self, engine: AsyncEngine, org: OrgFile) -> bool:
        """Put the prepared database holding what `engine`'s holds and `org` after it in
        place of `engine`'s, if nothing has connected through `engine` yet (so nothing
        there but what it was prepared with); whether it was put in place. What importing
        would write, without importing in every test that starts so."""
        orgs = self._untouched.get(engine)
        if orgs is None:
            return False
        orgs += (org,)
        if engine.dialect.name == "sqlite":
            assert engine.url.database is not None
            self.sqlite_copy(orgs, Path(engine.url.database))
        else:
            self.postgres(orgs)
        self._untouched[engine] = orgs
        return True

    def take_ready(self, url: str, org: OrgFile) -> bool:
        """Whether `url` was just prepared with `org` for a start, so migrating and
        importing would change nothing; only the first start is told so."""
        return self._ready.pop(url, None) == fingerprint(org)

    def close(self) -> None:
        """Drop and delete everything the run made."""
        if self._loop is not None:
            self._aside(self._connection.close())
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._postgres is not None:
            run_aside(self._postgres.drop)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _database(self) -> PostgresDatabase:
        if self._postgres is None:
            database = PostgresDatabase("pejling_test")

            async def build() -> None:
                engine = create_engine(await database.create())
                await migrate.upgrade(engine)
                await engine.dispose()

            run_aside(build)
            self._postgres = database
        return self._postgres

    def _aside(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the loop of a thread of its own, which keeps one connection to
        the database open for the whole run (a test's loop lives for one test)."""
        if self._loop is None:
            url = self._database().url.replace("postgresql+asyncpg://", "postgresql://")
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, daemon=True).start()
            self._connection = asyncio.run_coroutine_threadsafe(
                asyncpg.connect(url), self._loop
            ).result()
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def _touched(self, engine: AsyncEngine) -> None:
        self._untouched.pop(engine, None)

    def _snapshot_of(self, orgs: Orgs) -> Snapshot:
        key = fingerprint(orgs)
        if key not in self._snapshots:
            before = self._snapshot_of(orgs[:-1]) if orgs else Snapshot({})
            made = self._snapshot(before, orgs[-1] if orgs else None)
            self._snapshots[key] = self._aside(made)
        return self._snapshots[key]

    async def _snapshot(self, before: Snapshot, org: OrgFile | None) -> Snapshot:
        await before.restore(self._connection)
        if org is not None:
            engine = create_engine(self._database().url)
            async with sessionmaker(engine).begin() as session:
                await import_org(session, org)
            await engine.dispose()
        return await Snapshot.take(self._connection)


TABLES = [table.name for table in Base.metadata.sorted_tables]


@dataclass(frozen=True)
class Snapshot:
    """Every row of Pejling's tables and where every sequence stands, to be put back in
    one transaction: much faster than emptying the tables with TRUNCATE and importing."""

    rows: dict[str, list[asyncpg.Record]]
    sequences: tuple[tuple[str, int | None], ...] = ()

    @classmethod
    async def take(cls, connection: asyncpg.Connection) -> Snapshot:
        rows = {name: await connection.fetch(f'SELECT * FROM "{name}"') for name in TABLES}
        sequences = await connection.fetch(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
        )
        return cls(
            {name: found for name, found in rows.items() if found},
            tuple((row["sequencename"], row["last_value"]) for row in sequences),
        )

    async def restore(self, connection: asyncpg.Connection) -> None:
        async with connection.transaction():
            # Foreign keys are checked by triggers; the rows are put back as they were,
            # so this transaction need not check them one by one.
            emptied = "".join(f'DELETE FROM "{name}";' for name in reversed(TABLES))
            await connection.execute("SET LOCAL session_replication_role = replica;" + emptied)
            for name, rows in self.rows.items():
                await connection.copy_records_to_table(
                    name,
                    records=[tuple(row.values()) for row in rows],
                    columns=list(rows[0].keys()),
                )
            await connection.execute(await self._sequences_put_back(connection))

    async def _sequences_put_back(self, connection: asyncpg.Connection) -> str:
        stands = dict(self.sequences)
        found = await connection.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        )
        calls = []
        for (name,) in found:
            last = stands.get(name)
            moved = f"{int(last)}, true" if last is not None else "1, false"
            calls.append(f"setval('\"{name}\"', {moved})")
        return "SELECT " + ", ".join(calls) + ";" if calls else ";"


PREPARED = Prepared()


# ---------------------------------------------------------------------------------------
# Statements compiled once per test process
#
# SQLAlchemy compiles a statement once per engine and keeps it in the engine's cache (and
# the ORM its INSERTs and UPDATEs in each mapper's), keyed by the engine's dialect object.
# Pejling makes one engine for its life; the tests make one per test and per start, so
# every test compiled every statement again: a sixth of an end-to-end test's time. Here
# all engines of the test process share one cache, keyed by what the compiled text
# depends on: the dialect's class and settings (its server version among them), so two
# engines share a statement only where each would have compiled it the same.


_SETTINGS: weakref.WeakKeyDictionary[Dialect, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_PLAIN = (str, int, float, bool, type(None), tuple)


def _plain(value: object) -> bool:
    if not isinstance(value, _PLAIN):
        return False
    try:
        hash(value)
    except TypeError:  # a tuple holding a list
        return False
    return True


def dialect_settings(dialect: Dialect) -> tuple[Any, ...]:
    """A dialect's class and plain settings, read once, after it has met its database."""
    found = _SETTINGS.get(dialect)
    if found is None:
        plain = sorted((k, v) for k, v in vars(dialect).items() if _plain(v))
        found = _SETTINGS[dialect] = (type(dialect), tuple(plain))
    return found


class SharedStatements(LRUCache[Any, Any]):
    """A compiled-statement cache whose keys name the dialect's settings, not the object."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get((dialect_settings(key[0]), *key[1:]), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__((dialect_settings(key[0]), *key[1:]), value)


STATEMENTS = SharedStatements(5000)


@event.listens_for(Engine, "engine_connect")
def _share_statements(connection: Connection) -> None:
    # A connection is made once its dialect has met the database (and so knows its
    # version); its engine's statements go to the shared cache from then on.
    connection.engine._compiled_cache = STATEMENTS


configure_mappers()  # which would otherwise forget the caches set below
for _mapper in Base.registry.mappers:
    _mapper.__dict__["_compiled_cache"] = SharedStatements(_mapper._compiled_cache_size * 10)
    _mapper._memoized_keys |= {"_compiled_cache"}
