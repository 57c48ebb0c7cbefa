"""What one Pejling turn costs, counted rather than timed: the Python and C functions a
`status`/`annullér` pair calls, per turn, in one process. Unlike CPU time, the count does
not move with whatever else the machine is doing, so a change to the turn can be judged
on a busy machine; bench/run.py gives the times beside the peers.

    .venv/bin/python bench/turn_calls.py [--db sqlite|postgresql] [--pairs 200] [--top 30]

The turns go in as `bot.app.messages` receives them (parsed JSON → adapter → bot), and the
replies go out over real HTTP to bench/sink.py in a process of its own; the inbound HTTP
server is left out. The first pairs warm the caches and are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import tempfile
import time
from pathlib import Path

import asyncpg
import bigorg
import loadgen
import targets

from bot.app import build_runtime
from bot.convert import activity_from_json
from bot.devtools.chat.wire import TeamsWire
from bot.settings import from_environment
from store import migrate
from store.db import create_engine, sessionmaker
from store.importer import import_org
from store.orgfile import read_org_file

WARM_PAIRS = 20


async def _prepared(db: str, temp: Path) -> tuple[str, str | None]:
    """A migrated database with the demo and the benchmark leaders: its URL, and the
    PostgreSQL database to drop afterwards."""
    dropped = None
    if db == "sqlite":
        url = f"sqlite+aiosqlite:///{temp / 'turns.db'}"
    else:
        dropped = f"pejling_turn_calls_{os.getpid()}"
        admin = await asyncpg.connect(targets.POSTGRES_ADMIN)
        await admin.execute(f'CREATE DATABASE "{dropped}"')
        await admin.close()
        url = targets.POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql:", "postgresql+asyncpg:")
        url += f"/{dropped}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    org_file = bigorg.write(bigorg.build(40), temp / "org.yaml")
    for path in (targets.DEMO_FILE, org_file):
        async with sessionmaker(engine).begin() as session:
            await import_org(session, read_org_file(path))
    await engine.dispose()
    return url, dropped


async def _drop(name: str) -> None:
    admin = await asyncpg.connect(targets.POSTGRES_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def measure(db: str, pairs: int, top: int) -> None:
    temp = Path(tempfile.mkdtemp(prefix="pejling-turn-calls-"))
    url, dropped = await _prepared(db, temp)
    sink = targets.start_sink(temp)
    try:
        await _run(url, sink.url, temp, pairs, top)
    finally:
        sink.stop()
        if dropped:
            await _drop(dropped)


async def _run(url: str, sink_url: str, temp: Path, pairs: int, top: int) -> None:
    import aiohttp

    env = {**targets.QUIET_BOT, "DATABASE_URL": url}
    settings = from_environment(env)
    engine = create_engine(url)
    http = aiohttp.ClientSession()
    runtime = build_runtime(settings, engine, http)
    wire = TeamsWire(sink_url)
    users = loadgen.users(bigorg.leaders(bigorg.build(40)))

    async def turn(i: int) -> None:
        user = users[i % len(users)]
        for text in loadgen.CYCLE:
            body = json.loads(json.dumps(wire.message(user.who, user.where, text)))
            activity = activity_from_json(body)
            await runtime.adapter.process_activity(None, activity, runtime.bot.on_turn)

    for i in range(WARM_PAIRS):
        await turn(i)
    plain = time.process_time()
    for i in range(pairs):
        await turn(WARM_PAIRS + i)
    plain = time.process_time() - plain
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine may be busy
    cpu = time.process_time()
    profiler.enable()
    for i in range(pairs):
        await turn(WARM_PAIRS + pairs + i)
    profiler.disable()
    cpu = time.process_time() - cpu
    await http.close()
    await engine.dispose()
    stats = pstats.Stats(profiler)
    turns = pairs * len(loadgen.CYCLE)
    calls = sum(row[1] for row in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{turns} turns: {plain / turns * 1000:.2f} ms CPU per turn (one at a time, "
          f"no inbound HTTP); {calls / turns:,.0f} calls per turn; "
          f"{cpu / turns * 1000:.2f} ms CPU per turn while profiled")  # fmt: skip
    if os.environ.get("PEJLING_TURN_CALLS_DUMP"):
        profiler.dump_stats(os.environ["PEJLING_TURN_CALLS_DUMP"])
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--uvloop", action="store_true")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop

        uvloop.run(measure(args.db, args.pairs, args.top))
    else:
        asyncio.run(measure(args.db, args.pairs, args.top))


if __name__ == "__main__":
    main()
