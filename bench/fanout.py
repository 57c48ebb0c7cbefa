"""Reminder fan-out to 2,000 unit leaders against the fake Bot Framework service with
Teams' rate cap set: the rate achieved as a share of the cap, and messages lost.

    .venv/bin/python bench/fanout.py [--leaders 2000] [--cap 30] [--via-team 0.1]
                                     [--concurrency 16] [--sequential 300] [--no-write]

The leaders are the demo municipality's plus synthetic ones (`bigorg.py`), imported into a
fresh SQLite file. Most have a stored personal chat; a share (`--via-team`) never wrote to
the bot and are reached through the one team it is installed in: their 29: id is read
from the team's roster, a 1:1 chat is opened and then written to. The fake Bot Framework
service (`tests/fakebf.py`, on loopback, on its own thread) refuses every connector call
over Teams' limits with 429 (`cap_rates`: `--cap` calls a second for the tenant, and the
per-chat limits). One reminder card goes to every leader through the real sending path:
the app's runtime, `Proactive.to_person`, the pooled connector with its rate limiter.

Four phases, in this order, in the same run:

- **outbox** (the verdict): the real thing. The status day of 15 November 2026 is due
  for every leader whose unit owes a status (all the synthetic ones), so one outbox tick
  at 08:00 on the 12th (`bot.outbox.tick`) plans a reminder row for each, takes them
  in batches with a lease and sends them, several at a time, each marked sent in the
  database. ≥ 90 % of the cap, 0 lost, 0 doubled.
- **capped**: a card to every leader, `--concurrency` at a time, straight through
  `Proactive.to_person`: the sending path without the outbox's bookkeeping.
- **sequential**: `--sequential` leaders one after the other, capped.
- **uncapped** (baseline): every leader again with no cap in the fake and none in the
  limiter: how fast the sending path itself goes, so the capped rate can be read
  against it (the cap, not Pejling, should set the pace).

The rate is connector calls the fake accepted ÷ the time from the first to the last,
so roster reads and chat creations count (Teams counts them too). A message is lost when
a leader's chat received no accepted post in the phase, doubled when it received more
than one. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import bigorg
import run as turns
from sqlalchemy import Select, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bot import outbox  # noqa: E402
from bot.app import build_runtime  # noqa: E402
from bot.convert import message_body  # noqa: E402
from bot.proactive import Proactive  # noqa: E402
from bot.settings import Settings  # noqa: E402
from fakebf import FakeBotFramework, RecordedRequest  # noqa: E402
from store import migrate  # noqa: E402
from store.db import create_engine, sessionmaker  # noqa: E402
from store.importer import import_org  # noqa: E402
from store.models import ConversationRef, Municipality, Person, Role, RoleAssignment  # noqa: E402
from store.orgfile import read_org_file  # noqa: E402
from store.outbox_planning import Source  # noqa: E402

BENCH = Path(__file__).resolve().parent
TEAM_ID = "19:bench-team@thread.tacv2"
CHANNEL_ID = "19:bench-kanal@thread.tacv2"
BOT_ID = "28:pejling"  # the bot id of local mode (no MicrosoftAppId), as the runtime has it
TARGET_SHARE = 0.9
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # the morning the reminders go
# 08:00 Danish time three days before the status day of 15 November 2026.
STATUS_MORNING = datetime(2026, 11, 12, 7, 0, tzinfo=UTC)
REMINDER_CARD = {
    "type": "AdaptiveCard",
    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    "version": "1.5",
    "body": [
        {"type": "TextBlock", "text": "Påmindelse: dialogmøde torsdag", "weight": "Bolder"},
        {"type": "TextBlock", "text": "Husk at forberede enhedens status.", "wrap": True},
    ],
}


async def fan_out(
    sender: Proactive, people: Sequence[tuple[int, int]], body: dict[str, Any], concurrency: int
) -> list[str | BaseException | None]:
    """One message to each (municipality, person), `concurrency` at a time: the way an
    outbox with bounded concurrency sends. The one entry point the phases share, so it
    can become `send_due(sender, now)` once the outbox sends due items that way."""
    gate = asyncio.Semaphore(concurrency)

    async def one(municipality_id: int, person_id: int) -> str | None:
        async with gate:
            return await sender.to_person(municipality_id, person_id, body, NOW)

    return await asyncio.gather(*(one(m, p) for m, p in people), return_exceptions=True)


async def outbox_tick(sender: Proactive) -> list[str | BaseException | None]:
    """The scheduler's tick on the morning of the status reminders: each row's message
    id stand-in (its key) when sent, None when it could not be."""
    done = await outbox.tick(sender, STATUS_MORNING, "bench", [Source.REMINDERS])
    return [r.key if r.sent else None for r in done]


# ---------------------------------------------------------------------------
# seeding


@dataclass(frozen=True)
class Seeded:
    database_url: str
    people: list[tuple[int, int]]  # (municipality id, person id): every unit leader
    via_team: int  # how many of them (the first) have no chat and are reached via the team


async def seed(temp: Path, leaders: int, via_team: float, fake: FakeBotFramework) -> Seeded:
    """The demo plus `leaders` synthetic leaders; personal chats for most, a team for all."""
    org_path = bigorg.write(bigorg.build(leaders), temp / "fanout-org.yaml")
    url = f"sqlite+aiosqlite:///{temp / 'fanout.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with sessionmaker(engine).begin() as session:
        await import_org(session, read_org_file(org_path))
        municipality_id = await session.scalar(select(Municipality.id))
        assert municipality_id is not None
        people = list(await session.scalars(_leaders(municipality_id)))
        cut = round(len(people) * via_team)
        session.add(_team_channel(municipality_id, fake.url))
        session.add_all(_personal_chat(municipality_id, p, fake.url) for p in people[cut:])
    fake.set_members(TEAM_ID, [_member(p) for p in people])
    await engine.dispose()
    return Seeded(url, [(municipality_id, p.id) for p in people], cut)


def _leaders(municipality_id: int) -> Select[tuple[Person]]:
    leading = select(RoleAssignment.person_id).where(RoleAssignment.role == Role.UNIT_LEADER)
    return (
        select(Person)
        .where(Person.municipality_id == municipality_id, Person.id.in_(leading))
        .order_by(Person.id)
    )


def _member(person: Person) -> dict[str, str]:
    return {"id": _user_id(person), "name": person.name, "aadObjectId": person.aad_object_id}


def _user_id(person: Person) -> str:
    return f"29:bench-{person.id}"


def _personal_chat(municipality_id: int, person: Person, service_url: str) -> ConversationRef:
    return ConversationRef(
        municipality_id=municipality_id,
        conversation_id=f"a:bench-{person.id}",
        conversation_type="personal",
        service_url=service_url,
        bot_id=BOT_ID,
        person_id=person.id,
        user_id=_user_id(person),
        updated_at=NOW,
    )


def _team_channel(municipality_id: int, service_url: str) -> ConversationRef:
    return ConversationRef(
        municipality_id=municipality_id,
        conversation_id=CHANNEL_ID,
        conversation_type="channel",
        service_url=service_url,
        bot_id=BOT_ID,
        team_id=TEAM_ID,
        channel_id=CHANNEL_ID,
        updated_at=NOW,
    )


# ---------------------------------------------------------------------------
# phases


@dataclass(frozen=True)
class Phase:
    name: str
    people: list[tuple[int, int]]
    concurrency: int
    cap: int | None  # calls a second for the tenant, in the fake and in the limiter
    outbox: bool = False  # through the outbox's tick, rather than straight to each person


async def run_phase(phase: Phase, seeded: Seeded, fake: FakeBotFramework) -> dict[str, Any]:
    """Fan one reminder out to the phase's people through a fresh runtime; the figures."""
    fake.cap_rates(phase.cap, per_thread=phase.cap is not None)
    settings = Settings(
        database_url=seeded.database_url, scheduler=False, tenant_rps=phase.cap or 0
    )
    first = len(fake.requests)
    engine = create_engine(settings.database_url)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        runtime = build_runtime(settings, engine, http)
        started = time.monotonic()
        if phase.outbox:
            results = await outbox_tick(runtime.proactive)
        else:
            body = message_body(None, REMINDER_CARD)
            results = await fan_out(runtime.proactive, phase.people, body, phase.concurrency)
        seconds = time.monotonic() - started
    await engine.dispose()
    return _figures(phase, results, fake.requests[first:], fake.rate_counts, seconds)


def _figures(
    phase: Phase,
    results: list[str | BaseException | None],
    requests: list[RecordedRequest],
    counts: tuple[int, int],
    seconds: float,
) -> dict[str, Any]:
    accepted = [r for r in requests if r.status is not None and r.status < 300 and r.route]
    posts = Counter(r.path.split("/")[3] for r in accepted if r.route == "send_to_conversation")
    rate = _rate([r.at for r in accepted])
    errors = [r for r in results if isinstance(r, BaseException)]
    return {
        "phase": phase.name,
        "leaders": len(results),
        "concurrency": phase.concurrency,
        "cap_rps": phase.cap,
        "seconds": round(seconds, 2),
        "calls_accepted": len(accepted),
        "calls_refused_429": counts[1],
        "calls_by_kind": dict(Counter(r.route for r in accepted)),
        "rate_rps": round(rate, 2),
        "share_of_cap": round(rate / phase.cap, 3) if phase.cap else None,
        "most_in_one_second": _most_in_window([r.at for r in accepted], 1.0),
        "delivered": sum(1 for r in results if isinstance(r, str)),
        "not_reached": sum(1 for r in results if r is None),
        "errors": len(errors),
        "first_error": repr(errors[0]) if errors else None,
        "lost": len(results) - len(posts),
        "doubled": sum(n - 1 for n in posts.values()),
    }


def _rate(times: Sequence[float]) -> float:
    """Calls a second from the first call to the last: n - 1 gaps over the span."""
    if len(times) < 2:
        return 0.0
    return (len(times) - 1) / (max(times) - min(times))


def _most_in_window(times: Sequence[float], seconds: float) -> int:
    ordered, most, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


# ---------------------------------------------------------------------------
# the run


def main() -> int:
    args = _parser().parse_args()
    return asyncio.run(_main(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leaders", type=int, default=2000, help="synthetic unit leaders")
    parser.add_argument("--cap", type=int, default=30, help="tenant calls a second")
    parser.add_argument("--via-team", type=float, default=0.1, help="share with no chat yet")
    parser.add_argument("--concurrency", type=int, default=16, help="reminders in flight")
    parser.add_argument("--sequential", type=int, default=300, help="leaders sent one by one")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--label", default="", help="a note on what was measured, kept in JSON")
    return parser


async def _main(args: argparse.Namespace) -> int:
    code = {**turns._revision(), "label": args.label}
    with tempfile.TemporaryDirectory(prefix="pejling-fanout-") as temp:
        async with FakeBotFramework() as fake:
            seeded = await seed(Path(temp), args.leaders, args.via_team, fake)
            rows = [await run_phase(phase, seeded, fake) for phase in _phases(args, seeded)]
    results = _results(args, seeded, rows) | {"code": code}
    _print(results)
    if not args.no_write:
        _write(args.output, results)
    return 0 if results["target"]["met"] else 1


def _phases(args: argparse.Namespace, seeded: Seeded) -> list[Phase]:
    everyone = seeded.people
    # The sequential phase takes leaders with chats by now, from the end of the list.
    sample = everyone[-args.sequential :] if args.sequential else []
    phases = [
        Phase("outbox", everyone, outbox.WORKERS, args.cap, outbox=True),
        Phase("capped", everyone, args.concurrency, args.cap),
    ]
    if sample:
        phases.append(Phase("sequential", sample, 1, args.cap))
    return [*phases, Phase("uncapped", everyone, args.concurrency, None)]


def _results(
    args: argparse.Namespace, seeded: Seeded, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    verdict, capped, uncapped = rows[0], rows[1], rows[-1]
    met = (
        (verdict["share_of_cap"] or 0) >= TARGET_SHARE
        and verdict["lost"] == 0
        and verdict["doubled"] == 0
        and verdict["errors"] == 0
        and verdict["not_reached"] == 0
    )
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "settings": {
            "leaders": len(seeded.people),
            "reached_via_team": seeded.via_team,
            "cap_rps": args.cap,
            "concurrency": args.concurrency,
            "sequential": args.sequential,
        },
        "rows": rows,
        "ratios": {
            "outbox_share_of_cap": verdict["share_of_cap"],
            "capped_share_of_cap": capped["share_of_cap"],
            "uncapped_rate_vs_cap": round(uncapped["rate_rps"] / args.cap, 2),
        },
        "target": {"share_of_cap": TARGET_SHARE, "lost": 0, "met": met},
    }


def _print(results: dict[str, Any]) -> None:
    head = f"{'phase':<11}{'leaders':>8}{'conc':>6}{'cap':>5}{'seconds':>9}{'calls':>7}"
    head += (
        f"{'429':>5}{'rate/s':>8}{'share':>7}{'max/1s':>7}{'lost':>6}{'doubled':>8}{'errors':>7}"
    )
    print(head)
    print("-" * len(head))
    for row in results["rows"]:
        share = f"{row['share_of_cap']:.0%}" if row["share_of_cap"] is not None else "-"
        print(
            f"{row['phase']:<11}{row['leaders']:>8}{row['concurrency']:>6}"
            f"{row['cap_rps'] or '-':>5}{row['seconds']:>9.1f}{row['calls_accepted']:>7}"
            f"{row['calls_refused_429']:>5}{row['rate_rps']:>8.1f}{share:>7}"
            f"{row['most_in_one_second']:>7}{row['lost']:>6}{row['doubled']:>8}{row['errors']:>7}"
        )
    verdict = "MET" if results["target"]["met"] else "NOT MET"
    print(f"\ntarget (≥ {TARGET_SHARE:.0%} of the cap, 0 lost, 0 doubled): {verdict}")


def _write(output: Path, results: dict[str, Any]) -> None:
    """Under the key `fanout` of results.json, beside the other benchmarks' figures."""
    existing = json.loads(output.read_text()) if output.exists() else {}
    existing["fanout"] = results
    output.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {output} (fanout)")


if __name__ == "__main__":
    raise SystemExit(main())
