"""Fixtures shared by every test module: databases (SQLite and PostgreSQL), the demo
municipality, and a running Pejling talking to the fake Bot Framework service."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

# The throwaway databases, re-exported for the test modules that make their own.
from databases import IN_MEMORY, PREPARED, PostgresDatabase, Prepared, run_aside

# The fake Bot Framework service; see tests/fakebf.py. The redundant alias re-exports it.
from fakebf import fake_bf as fake_bf
from harness import RunningPejling, running_pejling
from scheduling import long_first
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.orgfile import OrgFile, read_org_file

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"

# The test modules, as pytest rewrites their asserts, and the modules they import are kept
# compiled in __pycache__ (which git ignores) even where PYTHONDONTWRITEBYTECODE is set:
# otherwise every test process compiles them again, about 5 s of CPU each.
sys.dont_write_bytecode = False

# Every test's tmp_path (and so its SQLite files) in memory, unless the runner chose a
# place; pyproject.toml keeps only the folders of failed tests.
if IN_MEMORY is not None:
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", IN_MEMORY)
# Set by `engine` when it hands out a database with the demo already imported.
DEMO_IMPORTED = pytest.StashKey[bool]()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than there are cores. A test often waits (on PostgreSQL,
    a `pejling` subprocess, the Playground, a rate limit's real clock); the extra worker
    runs meanwhile. On two cores: 242 s for the suite against 255 s with two workers."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With several workers, the long tests first, shared out (tests/scheduling.py)."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 0))
    if workers > 1:
        items[:] = long_first(items, workers)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cycle collector, set for a test process rather than a server. What is
    loaded by now (the product, the libraries, the collected tests) lives for the whole
    run, so it is frozen out of every later collection; and a collection waits for 50,000
    new objects rather than 700, as a test makes and drops hundreds of thousands (ORM
    states, statements, card dicts). Each collection walked all of it: a sixth of the
    tests' CPU time."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


@pytest.fixture(scope="session")
def demo_org() -> OrgFile:
    return read_org_file(DEMO)


@pytest.fixture(scope="session", autouse=True)
def prepared_databases() -> Iterator[Prepared]:
    """The run's prepared databases (tests/databases.py), dropped when the run ends."""
    yield PREPARED
    PREPARED.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated database: a copy of a prepared SQLite file of the test's own, or the
    process's PostgreSQL database put back to a prepared state. Empty, or, when the test
    asks for `demo`, with the demo municipality imported as the `demo` fixture would."""
    org = request.getfixturevalue("demo_org") if "demo" in request.fixturenames else None
    request.node.stash[DEMO_IMPORTED] = org is not None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{PREPARED.sqlite_copy(org, tmp_path / 'pejling.db')}"
    else:
        url = PREPARED.postgres(org)
    created = create_engine(url)
    PREPARED.handed_out(created, org)
    yield created
    await created.dispose()


async def database_for(request: pytest.FixtureRequest) -> str | None:
    """The database a fixture parametrised over ["sqlite", "postgresql"] runs Pejling on:
    None (a new SQLite file of its own) or the process's PostgreSQL database, holding the
    demo municipality and nothing else (Pejling's start finds nothing left to import)."""
    if request.param != "postgresql":
        return None
    return PREPARED.postgres(request.getfixturevalue("demo_org"), for_start=True)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return sessionmaker(engine)


@pytest.fixture
async def demo(
    request: pytest.FixtureRequest, sessions: async_sessionmaker[AsyncSession], demo_org: OrgFile
) -> OrgFile:
    """The demo municipality, imported into the test's database (the `engine` fixture
    hands out a database prepared with it, so there is nothing left to import)."""
    if not request.node.stash.get(DEMO_IMPORTED, False):
        async with sessions.begin() as session:
            await import_org(session, demo_org)
    return demo_org


@pytest.fixture
async def pejling(fake_bf, tmp_path: Path, demo_org: OrgFile) -> AsyncIterator[RunningPejling]:
    """Pejling running over real HTTP on SQLite with the demo municipality, answering
    through the fake Bot Framework service."""
    async with running_pejling(fake_bf, tmp_path, demo_org) as running:
        yield running


__all__ = ["PostgresDatabase", "RunningPejling", "run_aside"]
