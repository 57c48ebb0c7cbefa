"""The servers under test, each started as its own process and stopped afterwards.

- `bare`: bench/bare.py, the floor.
- `echo`: bench/echo_bot.py, botbuilder's canonical echo bot.
- `pejling-sqlite`: `pejling serve` on a fresh SQLite file in the run's temp dir.
- `pejling-postgres`: `pejling serve` on a throwaway PostgreSQL database, dropped after.

Pejling runs in local mode (no MicrosoftAppId, so no authentication) without its
scheduler, after `pejling import` of the demo file and of the bigger benchmark file.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import asyncpg
import procs
from procs import Server

BENCH = Path(__file__).resolve().parent
DEMO_FILE = BENCH.parent / "examples" / "demokommune.yaml"
POSTGRES_ADMIN = os.environ.get(
    "PEJLING_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PEJLING_ERROR = "turn failed:"  # bot.handler logs this from its turn error handler
ECHO_ERROR = "[on_turn_error]"  # the sample prints this
# No app id: local mode. No scheduler: nothing but the turns under test runs.
# Each simulated leader sends turn after turn, far faster than a person types: the turn
# limit and Teams' per-chat pacing (both right against Teams) would measure themselves.
QUIET_BOT = {
    "MicrosoftAppId": "",
    "MicrosoftAppPassword": "",
    "PEJLING_SCHEDULER": "0",
    "PEJLING_TURNS_PER_MINUTE": "0",
    "PEJLING_TEAMS_RATE_LIMITS": "0",
}
COUNT_DIALOGUES = "SELECT state, count(*) FROM dialogue_progress GROUP BY state"
NAMES = ("bare", "echo", "pejling-sqlite", "pejling-postgres")


@dataclass
class Running:
    """A started target: its server, what its log says when a turn fails, and how to count
    the dialogues it has stored."""

    server: Server
    error_marker: str | None = None  # a turn failed, yet the HTTP answer was 2xx
    dialogues: Callable[[], Awaitable[dict[str, int]]] | None = None  # state -> count
    db_pids: Callable[[], Awaitable[list[int]]] | None = None  # its database server processes


@dataclass(frozen=True)
class Workspace:
    """Where a run keeps its files, and the organisation file Pejling imports."""

    temp: Path
    org_file: Path


def start_sink(temp: Path) -> Server:
    """The connector sink every target replies to (bench/sink.py)."""
    port = procs.free_port()
    return procs.start("sink", _python("sink.py", "--port", str(port)), port, temp)


def launch(name: str, space: Workspace) -> AbstractAsyncContextManager[Running]:
    """The context that starts target `name` and stops (and cleans up after) it."""
    launchers = {
        "bare": _bare,
        "echo": _echo,
        "pejling-sqlite": _pejling_sqlite,
        "pejling-postgres": _pejling_postgres,
    }
    return launchers[name](space)


@asynccontextmanager
async def _bare(space: Workspace) -> AsyncIterator[Running]:
    port = procs.free_port()
    server = procs.start("bare", _python("bare.py", "--port", str(port)), port, space.temp)
    try:
        yield Running(server)
    finally:
        server.stop()


@asynccontextmanager
async def _echo(space: Workspace) -> AsyncIterator[Running]:
    port = procs.free_port()
    env = {**QUIET_BOT, "PORT": str(port)}
    server = procs.start("echo", _python("echo_bot.py"), port, space.temp, env)
    try:
        yield Running(server, ECHO_ERROR)
    finally:
        server.stop()


@asynccontextmanager
async def _pejling_sqlite(space: Workspace) -> AsyncIterator[Running]:
    path = space.temp / "pejling-bench.db"
    server = _serve_pejling("pejling-sqlite", f"sqlite:///{path}", space)
    try:
        yield Running(server, PEJLING_ERROR, dialogues=partial(_sqlite_dialogues, path))
    finally:
        server.stop()


@asynccontextmanager
async def _pejling_postgres(space: Workspace) -> AsyncIterator[Running]:
    name = f"pejling_bench_{os.getpid()}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        server = _serve_pejling("pejling-postgres", url, space)
        try:
            count = partial(_pg_dialogues, url)
            pids = partial(_pg_backends, admin, name)
            yield Running(server, PEJLING_ERROR, dialogues=count, db_pids=pids)
        finally:
            server.stop()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def postgres_reachable() -> str | None:
    """None when the PostgreSQL server answers; else why not."""
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN}: {error}"
    await connection.close()
    return None


def _serve_pejling(name: str, database_url: str, space: Workspace) -> Server:
    """`pejling import` the demo and the benchmark organisation, then `pejling serve`."""
    port = procs.free_port()
    env = {**QUIET_BOT, "DATABASE_URL": database_url, "PORT": str(port)}
    procs.run([*_pejling(), "import", str(DEMO_FILE)], env)
    procs.run([*_pejling(), "import", str(space.org_file)], env)
    return procs.start(name, [*_pejling(), "serve"], port, space.temp, env)


def _pejling() -> list[str]:
    """The `pejling` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "pejling"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _python(script: str, *args: str) -> list[str]:
    return [sys.executable, str(BENCH / script), *args]


async def _pg_backends(admin: asyncpg.Connection, database: str) -> list[int]:
    """The PostgreSQL backends serving `database`: the bot's pooled connections. Shared
    processes (WAL writer, checkpointer) serve other databases too and are left out."""
    rows = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
    return [int(row[0]) for row in rows]


async def _sqlite_dialogues(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(COUNT_DIALOGUES).fetchall()
    return {str(state): int(count) for state, count in rows}


async def _pg_dialogues(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(COUNT_DIALOGUES)
    finally:
        await connection.close()
    return {str(row[0]): int(row[1]) for row in rows}
