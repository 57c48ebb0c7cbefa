"""Full status-update turns over HTTP, side by side with botbuilder's echo bot and a bare
aiohttp handler, in one run on this machine.

    .venv/bin/python bench/run.py [--duration 10] [--warmup 3] [--concurrency 1,32]
                                  [--targets bare,echo,pejling-sqlite,pejling-postgres,...]

Every target is its own process, and so are the connector sink the bots reply to and this
driver. For each target and concurrency: a warm-up, then a timed phase; the table shows
req/s, p50/p99, the server's CPU per turn (from /proc), errors and the sink's calls per
turn, and the ratios against the echo bot. See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import bigorg
import loadgen
import procs
import report
import targets
from loadgen import CYCLE, PhaseResult, User
from report import Row, Spent
from targets import Running, Workspace

from bot.devtools.chat.wire import TeamsWire

BENCH = Path(__file__).resolve().parent
TURN = (
    "Each virtual user is a unit leader (7 from the demo file + --leaders synthetic ones) "
    "writing in their personal chat. A user's requests are sequential and alternate two "
    "typed messages: 'status' (no dialogue active: Pejling identifies the person, loads "
    "their goals, starts the status dialogue with one INSERT into dialogue_progress, "
    "commits, posts the prompt text and the goal-list card to the sink, then records the "
    "card's message id) and 'annullér' (cancels that dialogue with one UPDATE, posts "
    "'stopped' and updates the card in place with a PUT). Every request is counted as one "
    "turn. The echo bot and the bare handler get exactly the same activities."
)
CODE = ("bot", "dialoger", "kort", "store", "pyproject.toml")  # what a target runs
QUIET = 0.10  # share of the machine busy before the run, above which it warns
# The keys this run writes to results.json; other benchmarks' keys are kept.
OWN = ("generated_at", "machine", "settings", "turn", "rows", "ratios", "target", "checks",
       "skipped", "code", "peer_ratios")  # fmt: skip
VERSIONED = ("botbuilder-core", "msrest", "aiohttp", "SQLAlchemy", "aiosqlite", "asyncpg")


@dataclass
class Snapshot:
    """Counters at one instant, to subtract around a phase."""

    server_cpu: float
    server_threads_cpu: float
    sink_cpu: float
    db_cpu: dict[int, float] | None
    machine: tuple[int, int]
    sink_calls: dict[str, int]
    failed_turns: int


@dataclass
class Bench:
    """What every target is measured with: the sink, the users, and the settings."""

    args: argparse.Namespace
    space: Workspace
    sink: procs.Server
    control: aiohttp.ClientSession
    wire: TeamsWire
    users: list[User]
    status_turns: Counter[str] = field(default_factory=Counter)


def main() -> int:
    """Parse the options, run every target, print the tables and write results.json."""
    args = _parser().parse_args()
    return asyncio.run(_main(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each phase")
    parser.add_argument("--concurrency", default="1,32", help="comma-separated, e.g. 1,32")
    parser.add_argument("--targets", default=",".join(targets.NAMES), help="comma-separated")
    parser.add_argument("--leaders", type=int, default=40, help="synthetic unit leaders")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument("--keep-temp", action="store_true", help="keep logs and databases")
    parser.add_argument("--label", default="", help="a note on what was measured, kept in JSON")
    return parser


async def _main(args: argparse.Namespace) -> int:
    code = {**_revision(), "label": args.label}  # before the run: the code that was started
    busy_before = procs.busy_share()
    if busy_before > QUIET:
        print(f"warning: the machine is {busy_before:.0%} busy before the run; figures will "
              "be low (see the 'other' column)", file=sys.stderr)  # fmt: skip
    temp = Path(tempfile.mkdtemp(prefix="pejling-bench-"))
    try:
        org = bigorg.build(args.leaders)
        space = Workspace(temp, bigorg.write(org, temp / "bench-org.yaml"))
        rows, checks, skipped = await _with_sink(args, space, loadgen.users(bigorg.leaders(org)))
    finally:
        if args.keep_temp:
            print(f"logs and databases kept in {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    results = _results(args, rows, checks, skipped)
    results["code"] = code
    results["machine"]["busy_before_run"] = round(busy_before, 3)
    _print(results, rows)
    results |= _others(args.output)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {args.output}")
    return 1 if any(r.errors or r.failed_turns for r in rows) else 0


async def _with_sink(
    args: argparse.Namespace, space: Workspace, users: list[User]
) -> tuple[list[Row], dict[str, Any], dict[str, str]]:
    sink = targets.start_sink(space.temp)
    try:
        async with aiohttp.ClientSession() as control:
            bench = Bench(args, space, sink, control, TeamsWire(sink.url), users)
            return await _measure_all(bench)
    finally:
        sink.stop()


async def _measure_all(bench: Bench) -> tuple[list[Row], dict[str, Any], dict[str, str]]:
    rows: list[Row] = []
    checks: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for name in bench.args.targets.split(","):
        reason = await targets.unavailable(name)
        if reason:
            print(f"skipping {name}: {reason}", file=sys.stderr)
            skipped[name] = reason
            continue
        print(f"measuring {name} …", file=sys.stderr)
        async with targets.launch(name, bench.space) as running:
            rows += [await _measure(bench, name, running, c) for c in _concurrencies(bench.args)]
            if running.dialogues is not None:
                checks[name] = _check(await running.dialogues(), bench.status_turns[name])
    return rows, checks, skipped


async def _measure(bench: Bench, name: str, running: Running, concurrency: int) -> Row:
    """Warm up, then one timed phase; the row for it."""
    args = bench.args
    async with loadgen.session(concurrency) as http:
        warm = await _phase(bench, http, running, concurrency, args.warmup)
        before = await _snapshot(bench, running)
        phase = await _phase(bench, http, running, concurrency, args.duration)
        after = await _snapshot(bench, running)
    for result in (warm, phase):
        bench.status_turns[name] += len(result.latencies.get(CYCLE[0], []))
    row = report.make_row(name, concurrency, phase, _spent(before, after))
    print(f"  c={concurrency}: {row.req_per_s} req/s, p99 {row.p99_ms} ms", file=sys.stderr)
    return row


async def _phase(
    bench: Bench, http: aiohttp.ClientSession, running: Running, concurrency: int, seconds: float
) -> PhaseResult:
    return await loadgen.run_phase(
        http, running.server.url, bench.wire, bench.users, concurrency, seconds
    )


async def _snapshot(bench: Bench, running: Running) -> Snapshot:
    async with bench.control.get(bench.sink.url + "/counts") as response:
        calls = await response.json()
    db = procs.cpu_of_all(await running.db_pids()) if running.db_pids else None
    server = running.server
    failed = server.count_in_log(running.error_marker) if running.error_marker else 0
    return Snapshot(
        server_cpu=server.cpu(),
        server_threads_cpu=server.threads_cpu(),
        sink_cpu=bench.sink.cpu(),
        db_cpu=db,
        machine=procs.machine_ticks(),
        sink_calls=calls,
        failed_turns=failed,
    )


def _spent(before: Snapshot, after: Snapshot) -> Spent:
    busy = after.machine[0] - before.machine[0]
    total = after.machine[1] - before.machine[1]
    db = None
    if before.db_cpu is not None and after.db_cpu is not None:
        db = sum(cpu - before.db_cpu.get(pid, 0.0) for pid, cpu in after.db_cpu.items())
    calls = {k: v - before.sink_calls.get(k, 0) for k, v in after.sink_calls.items()}
    return Spent(
        server_cpu=after.server_cpu - before.server_cpu,
        server_threads_cpu=max(0.0, after.server_threads_cpu - before.server_threads_cpu),
        sink_cpu=after.sink_cpu - before.sink_cpu,
        db_cpu=db,
        machine_busy=busy / total if total else 0.0,
        cpus=os.cpu_count() or 1,
        sink_calls=calls,
        failed_turns=after.failed_turns - before.failed_turns,
    )


def _check(dialogues: dict[str, int], status_turns: int) -> dict[str, Any]:
    """After the run: did every 'status' turn start (and 'annullér' cancel) a dialogue?"""
    started = sum(dialogues.values())
    return {
        "status_turns": status_turns,
        "dialogues_by_state": dialogues,
        "every_status_started_one_dialogue": started == status_turns,
        "every_dialogue_cancelled": dialogues.get("cancelled", 0) == started,
    }


def _others(output: Path) -> dict[str, Any]:
    """What other benchmarks keep in the same file under keys of their own (digest_build.py's
    `digest_build`, fanout.py's `fanout`): every key this run does not write."""
    if not output.exists():
        return {}
    kept = json.loads(output.read_text())
    return {key: value for key, value in kept.items() if key not in OWN}


def _concurrencies(args: argparse.Namespace) -> list[int]:
    return [int(c) for c in args.concurrency.split(",")]


def _results(
    args: argparse.Namespace, rows: list[Row], checks: dict[str, Any], skipped: dict[str, str]
) -> dict[str, Any]:
    ratios = report.ratios(rows)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(args),
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": _concurrencies(args),
            "users": 7 + args.leaders,
            "cycle": list(CYCLE),
        },
        "turn": TURN,
        "rows": report.as_json(rows),
        "ratios": ratios,
        "peer_ratios": report.peer_ratios(rows),
        "target": report.verdicts(ratios),
        "checks": checks,
        "skipped": skipped,
    }


def _machine(args: argparse.Namespace | None = None) -> dict[str, Any]:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    peers = [n for n in args.targets.split(",") if n in targets.PEER_PYTHON] if args else []
    return {
        "peer_versions": {name: targets.peer_versions(name) for name in peers},
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in VERSIONED},
    }


def _revision() -> dict[str, Any]:
    """The commit measured, and whether the code under test (bot/, dialoger/, kort/, store/)
    differs from it; None outside git."""
    status = _git("status", "--porcelain", "--", *CODE)
    return {"commit": _git("rev-parse", "--short", "HEAD"), "dirty": None if status is None
            else bool(status)}  # fmt: skip


def _git(*argv: str) -> str | None:
    try:
        return procs.run(["git", "-C", str(procs.ROOT), *argv]).strip()
    except (OSError, RuntimeError):
        return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _print(results: dict[str, Any], rows: list[Row]) -> None:
    print()
    print(report.table(rows))
    print("\nlatency per message (ms):")
    print(report.message_table(rows))
    print("\nratios:")
    print(report.ratio_table(results["ratios"]))
    if results["peer_ratios"]:
        print("\nratios against each echo baseline (Pejling ÷ baseline):")
        print(report.peer_ratio_table(results["peer_ratios"]))
    for name, verdict in results["target"].items():
        met = "MET" if verdict["met"] else "MISSED"
        print(f"target (≥ 5× echo req/s at c=32, p99 < 150 ms) for {name}: {met}")
    for name, check in results["checks"].items():
        print(f"check {name}: {check}")


if __name__ == "__main__":
    raise SystemExit(main())
