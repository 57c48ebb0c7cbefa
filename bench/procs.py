"""Processes for the benchmark: start a server, wait for its port, read its CPU time, stop it.

CPU time is read from `/proc/<pid>/stat` (utime + stime, all threads of the process), so
aiosqlite's worker threads count towards the bot that uses them. PostgreSQL's backends
are read the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parents[1]


def serve(app: web.Application, doc: str | None) -> None:
    """Run a small helper server (the bare handler, the sink) on `--port`, on loopback."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


PORTS = os.environ.get("PEJLING_BENCH_PORTS", "")  # e.g. "4500-4599": servers listen there
_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now: from PEJLING_BENCH_PORTS
    when it names a range (each port handed out once per run), else any the kernel picks."""
    if PORTS:
        low, high = (int(p) for p in PORTS.split("-"))
        for port in range(low, high + 1):
            if port in _handed_out:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
        raise RuntimeError(f"no free port in PEJLING_BENCH_PORTS={PORTS}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (0.0 once it is gone)."""
    return _stat_seconds(Path(f"/proc/{pid}/stat"))


def _stat_seconds(path: Path) -> float:
    try:
        stat = path.read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


def main_thread_cpu_seconds(pid: int) -> float:
    """CPU seconds of the process's main thread: for an asyncio server, its event loop.
    The rest of the process's CPU ran in helper threads (aiosqlite's connection threads,
    a `requests` thread pool), including threads that have since exited."""
    return _stat_seconds(Path(f"/proc/{pid}/task/{pid}/stat"))


def cpu_of_all(pids: Sequence[int]) -> dict[int, float]:
    """CPU seconds per process, for processes that may come and go during a phase."""
    return {pid: cpu_seconds(pid) for pid in pids}


def busy_share(seconds: float = 1.0) -> float:
    """How busy the machine's CPUs are over `seconds` (0–1), before anything is started."""
    before = machine_ticks()
    time.sleep(seconds)
    after = machine_ticks()
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else 0.0


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first[:8]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Server:
    """A server process this benchmark started, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    @property
    def url(self) -> str:
        """Base URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        """CPU seconds the server has used so far."""
        return cpu_seconds(self.pid)

    def threads_cpu(self) -> float:
        """CPU seconds of the server's threads other than the main (event loop) thread."""
        return max(0.0, self.cpu() - main_thread_cpu_seconds(self.pid))

    def count_in_log(self, marker: str) -> int:
        """How many lines of the server's log contain `marker` (e.g. a failed turn)."""
        try:
            with self.log.open("rb") as log:
                return sum(1 for line in log if marker.encode() in line)
        except OSError:
            return 0

    def stop(self) -> None:
        """SIGINT (aiohttp shuts down cleanly on it), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines: int = 30) -> str:
        """The end of the server's log, for an error message."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start(
    name: str, argv: Sequence[str], port: int, logs: Path, env: Mapping[str, str] | None = None
) -> Server:
    """Start `argv` with output to a log file, and wait until it accepts connections."""
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_environment(env),
            cwd=ROOT,
        )
    server = Server(name, process, port, log)
    _wait_listening(server)
    return server


def run(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """Run a command to completion (an import, say); its output, or an error with it."""
    result = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        env=_environment(env),
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """This environment plus `extra`, with this checkout first on the import path, so the
    code measured is the code beside this file (also when it is a copy of the repo)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, **(extra or {}), "PYTHONPATH": path}


def _wait_listening(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{server.tail()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", server.port)):
            return
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not listen on {server.port}:\n{server.tail()}")
