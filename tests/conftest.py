"""Fixtures shared by every test module: databases (SQLite and PostgreSQL), the demo
municipality, and a running Pejling talking to the fake Bot Framework service."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

# The fake Bot Framework service; see tests/fakebf.py. The redundant alias re-exports it.
from fakebf import fake_bf as fake_bf
from harness import RunningPejling, running_pejling
from store import migrate
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.models import Base
from store.orgfile import OrgFile, read_org_file

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"
T = TypeVar("T")
TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)
POSTGRES = os.environ.get(
    "PEJLING_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def demo_org() -> OrgFile:
    return read_org_file(DEMO)


def run_aside(work: Callable[[], Awaitable[T]]) -> T:
    """Run async set-up from a session fixture, which may be reached inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "pejling.db"

    async def build() -> None:
        created = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(created)
        await created.dispose()

    run_aside(build)
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test run; tests empty it before use."""
    database = PostgresDatabase("pejling_test")

    async def build() -> str:
        url = await database.create()
        created = create_engine(url)
        await migrate.upgrade(created)
        await created.dispose()
        return url

    yield run_aside(build)
    run_aside(database.drop)


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: a copy of a SQLite file, or the run's PostgreSQL
    database emptied (TRUNCATE, which is much faster than a new database per test)."""
    if request.param == "sqlite":
        path = tmp_path / "pejling.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        created = create_engine(f"sqlite+aiosqlite:///{path}")
    else:
        created = create_engine(request.getfixturevalue("postgres_url"))
        async with created.begin() as connection:
            await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    yield created
    await created.dispose()


async def database_for(request: pytest.FixtureRequest) -> str | None:
    """The database a fixture parametrised over ["sqlite", "postgresql"] runs Pejling on:
    None (a new SQLite file of its own) or the run's PostgreSQL database, emptied."""
    if request.param != "postgresql":
        return None
    url: str = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    return url


class PostgresDatabase:
    """A throwaway database on the PostgreSQL server the development and CI machines run.

    An unreachable server fails the test with instructions; it is never skipped, so a
    green run means the store really worked on PostgreSQL.
    """

    def __init__(self, prefix: str) -> None:
        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"

    async def create(self) -> str:
        await self._admin(f'CREATE DATABASE "{self.name}"')
        return POSTGRES.rsplit("/", 1)[0] + f"/{self.name}"

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


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return sessionmaker(engine)


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession], demo_org: OrgFile) -> OrgFile:
    """The demo municipality, imported into the test's database."""
    async with sessions.begin() as session:
        await import_org(session, demo_org)
    return demo_org


@pytest.fixture
async def pejling(fake_bf, tmp_path: Path, demo_org: OrgFile) -> AsyncIterator[RunningPejling]:
    """Pejling running over real HTTP on SQLite with the demo municipality, answering
    through the fake Bot Framework service."""
    async with running_pejling(fake_bf, tmp_path, demo_org) as running:
        yield running


__all__ = ["RunningPejling"]
