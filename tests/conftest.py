"""Fixtures shared by every test module: databases (SQLite and PostgreSQL), the demo
municipality, and a running Pejling talking to the fake Bot Framework service."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# The fake Bot Framework service; see tests/fakebf.py. The redundant alias re-exports it.
from fakebf import fake_bf as fake_bf
from harness import RunningPejling, running_pejling
from store import migrate
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.orgfile import OrgFile, read_org_file

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"
POSTGRES = os.environ.get(
    "PEJLING_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def demo_org() -> OrgFile:
    return read_org_file(DEMO)


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: a SQLite file, or a PostgreSQL database made for the test."""
    if request.param == "sqlite":
        created = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}")
        await migrate.upgrade(created)
        yield created
        await created.dispose()
        return
    async with postgres_database() as url:
        created = create_engine(url)
        await migrate.upgrade(created)
        yield created
        await created.dispose()


class postgres_database:
    """A throwaway database on the PostgreSQL server the development and CI machines run.

    An unreachable server fails the test with instructions; it is never skipped, so a
    green run means the store really worked on PostgreSQL.
    """

    def __init__(self) -> None:
        self.name = f"pejling_test_{uuid.uuid4().hex[:12]}"
        self.admin: AsyncEngine = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")

    async def __aenter__(self) -> str:
        try:
            async with self.admin.connect() as connection:
                await connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        except (OperationalError, OSError) as error:
            await self.admin.dispose()
            pytest.fail(
                f"PostgreSQL is not reachable at {POSTGRES} ({error}). Start it with "
                "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`."
            )
        return POSTGRES.rsplit("/", 1)[0] + f"/{self.name}"

    async def __aexit__(self, *exc: object) -> None:
        async with self.admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        await self.admin.dispose()


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
