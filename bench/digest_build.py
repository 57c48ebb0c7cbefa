"""How long one committee's digest takes to build, and how many SQL statements it sends, at
10, 100 and 1,000 units (5 reportable goals each, 8 status updates per goal), on SQLite and
on PostgreSQL.

    .venv/bin/python bench/digest_build.py [--units 10,100,1000] [--runs 15]
                                           [--databases sqlite,postgres] [--no-write]

Three things are timed per committee, each in a fresh session (no identity map to help):
the store's `build_digest` (what `pejling digest` and the scheduler run), the card build
from its view (`kort.digests.digest_cards`), and a baseline in the same run, on the same
data: one `SELECT` of every status row of the committee, all 8 per goal. The verdict is
the issue's target at 1,000 units: a build under 150 ms, with the same number of
statements at every size. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import digest_seed
import procs
import run as turns
from digest_seed import NOW, Seeded
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kort.catalogue import texts
from kort.digests import card_size, digest_cards
from store import migrate
from store.db import create_engine, sessionmaker
from store.digests import build_digest, digest_window
from store.models import Committee, Department, Goal, StatusUpdate, Unit

BENCH = Path(__file__).resolve().parent
# The tests' statement counter, so the bench and tests/test_digest_queries.py count alike.
sys.path.insert(0, str(BENCH.parent / "tests"))
from store_helpers import statements  # noqa: E402

POSTGRES_ADMIN = os.environ.get(
    "PEJLING_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGET_MS = 150.0
WARMUP = 3  # builds before the timed ones: statement caches, the catalogue, page cache
T = TypeVar("T")


def main() -> int:
    args = _parser().parse_args()
    return asyncio.run(_main(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="10,100,1000", help="committee sizes, e.g. 10,1000")
    parser.add_argument("--runs", type=int, default=15, help="timed builds per committee")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--label", default="", help="a note on what was measured, kept in JSON")
    return parser


async def _main(args: argparse.Namespace) -> int:
    code = {**turns._revision(), "label": args.label}
    busy_before = procs.busy_share()
    sizes = [int(u) for u in args.units.split(",")]
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for name in args.databases.split(","):
        try:
            async with _database(name) as engine:
                rows += await _measure_database(name, engine, sizes, args.runs)
        except (OSError, asyncpg.PostgresError) as error:
            skipped[name] = f"not reachable: {error}"
            print(f"skipped {name}: {error}", file=sys.stderr)
    results = _results(args, sizes, rows, skipped) | {"code": code}
    results["machine"]["busy_before_run"] = round(busy_before, 3)
    _print(results)
    if not args.no_write:
        _write(args.output, results)
    return 0 if all(v["met"] for v in results["target"].values()) else 1


@asynccontextmanager
async def _database(name: str) -> Any:
    """A migrated, empty database: a SQLite file in a temp dir, or a PostgreSQL database
    created for this run and dropped after it."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pejling-digest-") as temp:
            async with _migrated(f"sqlite:///{temp}/digest.db") as engine:
                yield engine
        return
    database = f"pejling_digest_{os.getpid()}"
    admin = await asyncpg.connect(POSTGRES_ADMIN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        await admin.execute(f'CREATE DATABASE "{database}"')
        async with _migrated(POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}") as engine:
            yield engine
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def _migrated(url: str) -> Any:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


async def _measure_database(
    name: str, engine: AsyncEngine, sizes: list[int], runs: int
) -> list[dict[str, Any]]:
    sessions = sessionmaker(engine)
    started = time.perf_counter()
    async with sessions.begin() as session:
        seeded = await digest_seed.seed(session, sizes)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:  # fresh planner statistics, as autovacuum would
            await connection.exec_driver_sql("ANALYZE")
    print(f"{name}: seeded {sum(s.statuses for s in seeded.values())} status updates "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    # As `pejling serve` does after start-up (bot/app.py): what is alive now is never
    # scanned again, so a collection costs what the build itself allocates.
    gc.collect()
    gc.freeze()
    return [await _measure(name, engine, sessions, seeded[size], runs) for size in sizes]


async def _measure(
    name: str, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], seeded: Seeded,
    runs: int,
) -> dict[str, Any]:  # fmt: skip
    """One committee: the build's statements, then the timings of build, card and baseline."""
    digest, sent = await _counted(engine, sessions, seeded.committee_id)
    cards = digest_cards(digest, texts("da"))
    build = await _timed(lambda: _build(sessions, seeded.committee_id), runs)
    card = await _timed(lambda: _cards(digest), runs)
    baseline = await _timed(lambda: _all_statuses(sessions, seeded.committee_id), runs)
    return {
        "database": name,
        "units": seeded.units,
        "goals": seeded.goals,
        "status_updates": seeded.statuses,
        "digest_goals": len(digest.goals),
        "statements": len(sent),
        "build_ms": build,
        "card_ms": card,
        "baseline_ms": baseline,
        "cards": len(cards),
        "largest_card_bytes": max(card_size(c) for c in cards),
    }


async def _build(sessions: async_sessionmaker[AsyncSession], committee_id: int) -> Any:
    """The digest as `bot.digests` builds it, in a session of its own."""
    async with sessions() as session:
        committee = await session.get_one(Committee, committee_id)
        window = digest_window(committee.digest_schedule, NOW)
        return await build_digest(session, committee, window, NOW)


async def _counted(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], committee_id: int
) -> tuple[Any, list[str]]:
    """The digest, and the statements `build_digest` itself sent (not the session's BEGIN,
    which SQLite's engine sends as a statement, nor the committee's row)."""
    async with sessions() as session:
        committee = await session.get_one(Committee, committee_id)
        window = digest_window(committee.digest_schedule, NOW)
        with statements(engine) as sent:
            digest = await build_digest(session, committee, window, NOW)
    return digest, [s for s in sent if s != "BEGIN IMMEDIATE"]


async def _cards(digest: Any) -> list[dict[str, Any]]:
    return digest_cards(digest, texts("da"))


async def _all_statuses(sessions: async_sessionmaker[AsyncSession], committee_id: int) -> int:
    """The baseline: every status row of the committee's goals, in one statement."""
    query = (
        select(StatusUpdate.__table__)  # rows, not ORM objects: the floor of reading them
        .join(Goal, Goal.id == StatusUpdate.goal_id)
        .join(Unit, Unit.id == Goal.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.committee_id == committee_id)
    )
    async with sessions() as session:
        await session.get_one(Committee, committee_id)  # as _build does: same session work
        return len((await session.execute(query)).all())


async def _timed(work: Callable[[], Awaitable[T]], runs: int) -> dict[str, float]:
    """Median and p95 in ms of `runs` calls, after WARMUP untimed ones; and the median CPU
    time of this process per call (steadier than wall time when other work shares the
    machine; PostgreSQL's own CPU is not in it)."""
    for _ in range(WARMUP):
        await work()
    spent, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        await work()
        spent.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "p50": round(statistics.median(spent), 2),
        "p95": round(_p95(spent), 2),
        "cpu_p50": round(statistics.median(cpu), 2),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _results(
    args: argparse.Namespace, sizes: list[int], rows: list[dict[str, Any]], skipped: dict[str, str]
) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": turns._machine(),
        "settings": {
            "units": sizes,
            "goals_per_unit": digest_seed.GOALS_PER_UNIT,
            "updates_per_goal": digest_seed.UPDATES_PER_GOAL,
            "runs": args.runs,
            "warmup_runs": WARMUP,
        },
        "build": __doc__.split("\n\n")[2].replace("\n", " "),
        "rows": rows,
        "ratios": [_ratios(row, rows) for row in rows],
        "target": _verdicts(rows),
        "skipped": skipped,
    }


def _ratios(row: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    smallest = min((r for r in rows if r["database"] == row["database"]), key=lambda r: r["units"])
    return {
        "database": row["database"],
        "units": row["units"],
        "build_vs_all_statuses": round(row["build_ms"]["p50"] / row["baseline_ms"]["p50"], 2),
        "build_vs_smallest": round(row["build_ms"]["p50"] / smallest["build_ms"]["p50"], 2),
        "card_vs_build": round(row["card_ms"]["p50"] / row["build_ms"]["p50"], 2),
    }


def _verdicts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per database: the largest committee built under TARGET_MS (p95), and the same number
    of statements at every size."""
    verdicts = {}
    for name in dict.fromkeys(r["database"] for r in rows):
        mine = [r for r in rows if r["database"] == name]
        largest = max(mine, key=lambda r: r["units"])
        constant = len({r["statements"] for r in mine}) == 1
        fast = largest["build_ms"]["p95"] < TARGET_MS
        verdicts[name] = {
            "units": largest["units"],
            "build_p95_ms": largest["build_ms"]["p95"],
            "statements": sorted({r["statements"] for r in mine}),
            "met": fast and constant,
        }
    return verdicts


def _print(results: dict[str, Any]) -> None:
    print(f"\n{'database':9} {'units':>5} {'goals':>5} {'stmts':>5} "
          f"{'build p50/p95 ms':>17} {'cpu':>5} {'card p50/p95 ms':>16} {'all-status p50 ms':>17} "
          f"{'×base':>6} {'cards':>5} {'max KB':>6}")  # fmt: skip
    for row, ratio in zip(results["rows"], results["ratios"], strict=True):
        print(f"{row['database']:9} {row['units']:>5} {row['digest_goals']:>5} "
              f"{row['statements']:>5} {_pair(row['build_ms']):>17} "
              f"{row['build_ms']['cpu_p50']:>5.0f} {_pair(row['card_ms']):>16} "
              f"{row['baseline_ms']['p50']:>17.2f} {ratio['build_vs_all_statuses']:>6.2f} "
              f"{row['cards']:>5} {row['largest_card_bytes'] / 1024:>6.1f}")  # fmt: skip
    for name, verdict in results["target"].items():
        met = "MET" if verdict["met"] else "MISSED"
        print(f"target (build p95 < {TARGET_MS:.0f} ms at {verdict['units']} units, constant "
              f"statements {verdict['statements']}) for {name}: {met}")  # fmt: skip


def _pair(timing: dict[str, float]) -> str:
    return f"{timing['p50']:.1f} / {timing['p95']:.1f}"


def _write(output: Path, results: dict[str, Any]) -> None:
    """Under the key `digest_build` of results.json, beside the turn benchmark's figures."""
    existing = json.loads(output.read_text()) if output.exists() else {}
    existing["digest_build"] = results
    output.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {output} (digest_build)")


if __name__ == "__main__":
    raise SystemExit(main())
