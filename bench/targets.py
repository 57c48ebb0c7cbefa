"""The servers under test, each started as its own process and stopped afterwards.

- `bare`: bench/bare.py, the floor.
- `echo`: bench/echo_bot.py, botbuilder's canonical echo bot.
- `pejling-sqlite`: `pejling serve` on a fresh SQLite file in the run's temp dir.
- `pejling-postgres`: `pejling serve` on a throwaway PostgreSQL database, dropped after.
- `agents-echo`: bench/peers/agents_echo.py, the Microsoft 365 Agents SDK's echo agent.
- `teams-echo`: bench/peers/teams_echo.py, the Microsoft Teams SDK for Python's echo app.
- `floor-sqlite`, `floor-postgres`: bench/peers/floor.py, the bare handler plus one INSERT
  and one pooled outbound POST per turn: the floor of a turn that writes and replies.

The two peers run in virtual environments of their own (their dependencies would clash
with Pejling's): `.venv-agents` and `.venv-teams` beside `.venv` in the checkout, or the
interpreters named by PEJLING_BENCH_AGENTS_PYTHON and PEJLING_BENCH_TEAMS_PYTHON. A peer
whose interpreter is missing is skipped, and the run says so (bench/peers/README.md).

Pejling runs in local mode (no MicrosoftAppId, so no authentication) without its
scheduler, after `pejling import` of the demo file and of the bigger benchmark file.
"""

from __future__ import annotations

import json
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
NAMES = ("bare", "echo", "agents-echo", "teams-echo", "pejling-sqlite", "pejling-postgres",
         "floor-sqlite", "floor-postgres")  # fmt: skip
PEERS = BENCH / "peers"
PEER_PYTHON = {
    "agents-echo": os.environ.get(
        "PEJLING_BENCH_AGENTS_PYTHON", str(BENCH.parent / ".venv-agents" / "bin" / "python")
    ),
    "teams-echo": os.environ.get(
        "PEJLING_BENCH_TEAMS_PYTHON", str(BENCH.parent / ".venv-teams" / "bin" / "python")
    ),
}
# Anonymous, as each SDK documents for local testing (see the scripts' docstrings).
AGENTS_ANONYMOUS = {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"}
TEAMS_ANONYMOUS = {"DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": "true"}
AGENTS_ERROR = "[on_turn_error]"  # the quickstart's error handler prints this
TEAMS_ERROR = "Traceback"  # the Teams SDK logs a failed handler with its traceback
PEER_PACKAGES = {
    "agents-echo": ("microsoft-agents-hosting-aiohttp", "microsoft-agents-hosting-core",
                    "microsoft-agents-activity", "microsoft-agents-authentication-msal",
                    "aiohttp"),
    "teams-echo": ("microsoft-teams-apps", "microsoft-teams-api", "fastapi", "uvicorn",
                   "httpx"),
}  # fmt: skip


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
        "agents-echo": _agents_echo,
        "teams-echo": _teams_echo,
        "floor-sqlite": _floor_sqlite,
        "floor-postgres": _floor_postgres,
    }
    return launchers[name](space)


async def unavailable(name: str) -> str | None:
    """Why target `name` cannot run here (None when it can): PostgreSQL not reachable, or
    a peer's virtual environment missing."""
    if name in ("pejling-postgres", "floor-postgres"):
        return await postgres_reachable()
    return _missing_interpreter(name)


def _missing_interpreter(name: str) -> str | None:
    if name in PEER_PYTHON and not Path(PEER_PYTHON[name]).exists():
        return f"no interpreter at {PEER_PYTHON[name]} (see bench/peers/README.md)"
    return None


def peer_versions(name: str) -> dict[str, str | None]:
    """The versions of a peer's SDK packages, from its own environment."""
    script = (
        "import json, sys\nfrom importlib import metadata\nout = {}\n"
        "for n in sys.argv[1:]:\n    try: out[n] = metadata.version(n)\n"
        "    except metadata.PackageNotFoundError: out[n] = None\nprint(json.dumps(out))"
    )
    try:
        return json.loads(procs.run([PEER_PYTHON[name], "-c", script, *PEER_PACKAGES[name]]))
    except (OSError, RuntimeError, ValueError):
        return {}


@asynccontextmanager
async def _floor_sqlite(space: Workspace) -> AsyncIterator[Running]:
    port = procs.free_port()
    db = f"sqlite:{space.temp / 'floor.db'}"
    argv = _python("peers/floor.py", "--port", str(port), "--db", db)
    server = procs.start("floor-sqlite", argv, port, space.temp)
    try:
        yield Running(server, "Traceback")
    finally:
        server.stop()


@asynccontextmanager
async def _floor_postgres(space: Workspace) -> AsyncIterator[Running]:
    name = f"pejling_bench_floor_{os.getpid()}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        port = procs.free_port()
        argv = _python("peers/floor.py", "--port", str(port), "--db", url)
        server = procs.start("floor-postgres", argv, port, space.temp)
        try:
            yield Running(server, "Traceback", db_pids=partial(_pg_backends, admin, name))
        finally:
            server.stop()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def _agents_echo(space: Workspace) -> AsyncIterator[Running]:
    port = procs.free_port()
    env = {**AGENTS_ANONYMOUS, "PORT": str(port)}
    argv = [PEER_PYTHON["agents-echo"], str(PEERS / "agents_echo.py")]
    server = procs.start("agents-echo", argv, port, space.temp, env)
    try:
        yield Running(server, AGENTS_ERROR)
    finally:
        server.stop()


@asynccontextmanager
async def _teams_echo(space: Workspace) -> AsyncIterator[Running]:
    port = procs.free_port()
    env = {**TEAMS_ANONYMOUS, "PORT": str(port)}
    argv = [PEER_PYTHON["teams-echo"], str(PEERS / "teams_echo.py")]
    server = procs.start("teams-echo", argv, port, space.temp, env)
    try:
        yield Running(server, TEAMS_ERROR)
    finally:
        server.stop()


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
