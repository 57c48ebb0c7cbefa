"""Where a Pejling turn's CPU goes: py-spy samples the server process under the same load
as bench/run.py, and the samples are summed per function and per library.

    .venv/bin/pip install py-spy   # not a project dependency
    .venv/bin/python bench/profile_turns.py [--target pejling-sqlite] [--concurrency 1]
                                      [--duration 10] [--rate 250] [--all-threads]

By default only samples of the thread holding the GIL are kept (`py-spy --gil`): Python
work. C code that releases the GIL (SQLite's own query execution, socket I/O) is not in
them; bench/run.py's `threads` CPU shows how much runs outside the event loop thread.
The raw samples (folded stacks, for flamegraph.pl or speedscope) are kept in --out.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import bigorg
import loadgen
import targets
from targets import Workspace

from bot.devtools.chat.wire import TeamsWire

BENCH = Path(__file__).resolve().parent
# Library groups, by a piece of the file path py-spy reports for a frame.
GROUPS = (
    ("sqlalchemy/", "SQLAlchemy"),
    ("aiosqlite/", "aiosqlite"),
    ("asyncpg/", "asyncpg"),
    ("aiohttp/", "aiohttp"),
    ("yarl/", "aiohttp"),
    ("multidict/", "aiohttp"),
    ("botbuilder/", "botbuilder"),
    ("core/", "botbuilder"),
    ("msrest/", "msrest"),
    ("isodate/", "msrest"),
    ("botframework/", "botbuilder"),
    ("pydantic", "pydantic"),
    ("bot/", "pejling bot/"),
    ("dialoger/", "pejling dialoger/"),
    ("kort/", "pejling kort/"),
    ("store/", "pejling store/"),
    ("asyncio/", "asyncio"),
    ("selectors.py", "asyncio"),
    ("logging/", "logging"),
    ("json/", "json"),
)


def main() -> int:
    """Run the load, record with py-spy, print the summary."""
    args = _parser().parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    folded = asyncio.run(_record(args, spy))
    print(summary(folded.read_text().splitlines(), args.top))
    print(f"\nfolded stacks: {folded}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="pejling-sqlite", choices=targets.NAMES)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds sampled")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--all-threads", action="store_true", help="not only the GIL holder")
    parser.add_argument("--leaders", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "pejling-prof")
    return parser


async def _record(args: argparse.Namespace, spy: str) -> Path:
    """Start sink and target, warm up, then load it while py-spy samples the server."""
    org = bigorg.build(args.leaders)
    # A database left from an earlier run may have an older schema: always start afresh.
    for stale in args.out.glob("pejling-bench.db*"):
        stale.unlink()
    space = Workspace(args.out, bigorg.write(org, args.out / "bench-org.yaml"))
    users = loadgen.users(bigorg.leaders(org))
    sink = targets.start_sink(args.out)
    folded = args.out / f"{args.target}-c{args.concurrency}.folded"
    try:
        async with targets.launch(args.target, space) as running:
            wire = TeamsWire(sink.url)
            url, c = running.server.url, args.concurrency
            async with loadgen.session(c) as http:
                await loadgen.run_phase(http, url, wire, users, c, args.warmup)
                command = _spy_command(spy, running.server.pid, args, folded)
                recorder = await asyncio.create_subprocess_exec(
                    *command, stdout=asyncio.subprocess.DEVNULL
                )
                await loadgen.run_phase(http, url, wire, users, c, args.duration + 1)
                await recorder.wait()
    finally:
        sink.stop()
    return folded


def _spy_command(spy: str, pid: int, args: argparse.Namespace, out: Path) -> list[str]:
    command = [spy, "record", "-p", str(pid), "-d", str(int(args.duration)), "-r",
               str(args.rate), "-f", "raw", "-o", str(out), "--nonblocking"]  # fmt: skip
    return command if args.all_threads else [*command, "--gil"]


def summary(lines: Iterable[str], top: int = 25) -> str:
    """Self and inclusive shares per function, and self share per library."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames, n = stack.split(";"), int(count)
        total += n
        own[frames[-1]] += n
        groups[_group(frames[-1])] += n
        for frame in set(frames):
            inclusive[frame] += n
    return "\n".join(
        [
            f"{total} samples",
            _ranked("self time by library", groups, total, top),
            _ranked("self time by function", own, total, top),
            _ranked("inclusive time by function", inclusive, total, top * 2),
        ]
    )


def _ranked(title: str, counts: Counter[str], total: int, top: int) -> str:
    rows = [f"{100 * n / max(total, 1):5.1f}%  {name}" for name, n in counts.most_common(top)]
    return f"\n--- {title}\n" + "\n".join(rows)


def _group(frame: str) -> str:
    for piece, group in GROUPS:
        if f"({piece}" in frame or f"/{piece}" in frame:
            return group
    return "other (stdlib, C)"


if __name__ == "__main__":
    raise SystemExit(main())
