"""Turning measurements into rows, ratios against the baselines, a table and results.json."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from loadgen import PhaseResult, percentile

BASELINE = "echo"
PEERS = ("echo", "agents-echo", "teams-echo")  # every echo baseline, for peer_ratios
FLOORS = {"pejling-sqlite": "floor-sqlite", "pejling-postgres": "floor-postgres"}
FLOOR = "bare"
TARGET_SPEEDUP = 5.0  # Pejling req/s at concurrency 32, over the echo bot's
TARGET_P99_MS = 150.0
TARGET_CONCURRENCY = 32


@dataclass(frozen=True)
class Spent:
    """What the processes around one phase spent: CPU seconds and the sink's calls."""

    server_cpu: float
    server_threads_cpu: float  # of that, in threads other than the event loop's
    sink_cpu: float
    db_cpu: float | None  # PostgreSQL's processes; None when the target has no server DB
    machine_busy: float  # share of all cores busy during the phase, 0–1
    cpus: int
    sink_calls: Mapping[str, int]
    failed_turns: int  # answered 2xx, but the bot's turn error handler ran


@dataclass
class Row:
    """One target at one concurrency: the numbers the table and results.json show."""

    target: str
    concurrency: int
    requests: int
    errors: int
    failed_turns: int
    seconds: float
    req_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_turn: float
    threads_cpu_ms_per_turn: float
    db_cpu_ms_per_turn: float | None
    sink_cpu_ms_per_turn: float
    replies_per_turn: float
    cards_per_turn: float
    driver_cpu_share: float  # of one core
    machine_busy: float
    other_load_cores: float  # busy cores not spent by the server, sink, driver or database
    by_message: dict[str, dict[str, float]] = field(default_factory=dict)
    sink_calls: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    first_error: str | None = None


def make_row(target: str, concurrency: int, phase: PhaseResult, spent: Spent) -> Row:
    """The row for one measured phase."""
    turns = max(phase.requests, 1)
    latencies = phase.all_latencies()
    replies = sum(v for k, v in spent.sink_calls.items() if k != "cards")
    return Row(
        target=target,
        concurrency=concurrency,
        requests=phase.requests,
        errors=phase.errors,
        failed_turns=spent.failed_turns,
        seconds=round(phase.elapsed, 3),
        req_per_s=round(phase.requests / phase.elapsed, 1),
        p50_ms=_ms(percentile(latencies, 50)),
        p99_ms=_ms(percentile(latencies, 99)),
        cpu_ms_per_turn=_ms(spent.server_cpu / turns),
        threads_cpu_ms_per_turn=_ms(spent.server_threads_cpu / turns),
        db_cpu_ms_per_turn=None if spent.db_cpu is None else _ms(spent.db_cpu / turns),
        sink_cpu_ms_per_turn=_ms(spent.sink_cpu / turns),
        replies_per_turn=round(replies / turns, 3),
        cards_per_turn=round(spent.sink_calls.get("cards", 0) / turns, 3),
        driver_cpu_share=round(phase.driver_cpu / phase.elapsed, 3),
        machine_busy=round(spent.machine_busy, 3),
        other_load_cores=round(_others(phase, spent), 2),
        by_message={text: _summary(values) for text, values in phase.latencies.items()},
        sink_calls=dict(spent.sink_calls),
        statuses=dict(phase.statuses),
        first_error=phase.first_error,
    )


def _others(phase: PhaseResult, spent: Spent) -> float:
    ours = spent.server_cpu + spent.sink_cpu + phase.driver_cpu + (spent.db_cpu or 0.0)
    return max(0.0, spent.machine_busy * spent.cpus - ours / phase.elapsed)


def ratios(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Each Pejling row against the echo bot (and the floor) at the same concurrency."""
    found = {(r.target, r.concurrency): r for r in rows}
    out = []
    for row in rows:
        echo = found.get((BASELINE, row.concurrency))
        if not row.target.startswith("pejling") or echo is None:
            continue
        floor = found.get((FLOOR, row.concurrency))
        out.append(
            {
                "target": row.target,
                "concurrency": row.concurrency,
                "req_per_s_vs_echo": _ratio(row.req_per_s, echo.req_per_s),
                "cpu_per_turn_vs_echo": _ratio(row.cpu_ms_per_turn, echo.cpu_ms_per_turn),
                "req_per_s_vs_bare": _ratio(row.req_per_s, floor.req_per_s) if floor else None,
                "p99_ms": row.p99_ms,
            }
        )
    return out


def peer_ratios(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Each Pejling row against every echo baseline measured at the same concurrency."""
    found = {(r.target, r.concurrency): r for r in rows}
    out = []
    for row in rows:
        if not row.target.startswith("pejling"):
            continue
        for peer in (*PEERS, FLOORS.get(row.target, "")):
            base = found.get((peer, row.concurrency))
            if base is None:
                continue
            out.append(
                {
                    "target": row.target,
                    "concurrency": row.concurrency,
                    "baseline": peer,
                    "req_per_s": _ratio(row.req_per_s, base.req_per_s),
                    "cpu_per_turn": _ratio(row.cpu_ms_per_turn, base.cpu_ms_per_turn),
                }
            )
    return out


def peer_ratio_table(found: Sequence[Mapping[str, Any]]) -> str:
    """Pejling against each echo baseline, as multiples."""
    head = f"{'target':<17}{'conc':>5}  {'baseline':<15}{'req/s ×':>9}{'CPU/turn ×':>12}"
    lines = [head, "-" * len(head)]
    for x in found:
        lines.append(
            f"{x['target']:<17}{x['concurrency']:>5}  {x['baseline']:<15}"
            f"{x['req_per_s']!s:>9}{x['cpu_per_turn']!s:>12}"
        )
    return "\n".join(lines)


def verdicts(found: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The issue's target per Pejling row at concurrency 32: ≥ 5× echo and p99 < 150 ms."""
    out = {}
    for ratio in found:
        if ratio["concurrency"] != TARGET_CONCURRENCY:
            continue
        speedup, p99 = ratio["req_per_s_vs_echo"], ratio["p99_ms"]
        met = speedup is not None and speedup >= TARGET_SPEEDUP and p99 < TARGET_P99_MS
        out[ratio["target"]] = {"speedup": speedup, "p99_ms": p99, "met": met}
    return out


def table(rows: Sequence[Row]) -> str:
    """The readable table printed at the end of a run."""
    head = (
        f"{'target':<17}{'conc':>5}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'cpu ms/turn':>12}{'db ms/turn':>11}{'errors':>7}{'failed':>7}{'replies/turn':>13}"
        f"{'busy':>6}{'other':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        db = "-" if r.db_cpu_ms_per_turn is None else f"{r.db_cpu_ms_per_turn:.2f}"
        lines.append(
            f"{r.target:<17}{r.concurrency:>5}{r.requests:>9}{r.req_per_s:>9.1f}"
            f"{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}{r.cpu_ms_per_turn:>12.2f}{db:>11}"
            f"{r.errors:>7}{r.failed_turns:>7}{r.replies_per_turn:>13.2f}{r.machine_busy:>6.0%}"
            f"{r.other_load_cores:>6.2f}"
        )
    return "\n".join(lines)


def message_table(rows: Sequence[Row]) -> str:
    """Latency per message kind, for the rows whose messages do different things."""
    lines = []
    for r in rows:
        if not r.target.startswith("pejling"):
            continue
        parts = [
            f"{text}: n={s['n']:.0f} p50={s['p50_ms']:.2f} p99={s['p99_ms']:.2f} ms"
            for text, s in r.by_message.items()
        ]
        lines.append(f"{r.target:<17}{r.concurrency:>5}  " + "; ".join(parts))
    return "\n".join(lines)


def ratio_table(found: Sequence[Mapping[str, Any]]) -> str:
    """Pejling against the echo bot, as multiples."""
    lines = []
    for x in found:
        lines.append(
            f"{x['target']:<17}{x['concurrency']:>5}  req/s {x['req_per_s_vs_echo']}× echo, "
            f"CPU/turn {x['cpu_per_turn_vs_echo']}× echo, "
            f"req/s {x['req_per_s_vs_bare']}× bare"
        )
    return "\n".join(lines)


def as_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Rows as plain dicts for results.json."""
    return [asdict(r) for r in rows]


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": _ms(percentile(values, 50)),
        "p99_ms": _ms(percentile(values, 99)),
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator else None
