"""A committee with a year behind it, for the documents' tests and the gallery in
docs/rapporter: statuses through the autumn, a midway evaluation, a dialogue meeting with
its approved summary (a bearing, a matter with its consequences, a follow-up owned by
"lise"), and a committee of thirty units to see the report's size."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from meetingkit import bearing, content_for, follow_up, held_and_approved, matter, prepare
from store import evaluations, knowledge, status
from store.enums import Color, EvaluationKind
from store.goalviews import EvaluationContent
from store.models import Committee, Goal, Period
from store.orgfile import OrgFile
from store_helpers import (
    Sessions,
    actor_of,
    approve_as,
    committee_approves,
    edited,
    id_of,
    submit_goal,
)

ROOT = Path(__file__).resolve().parents[1]
# After the demo meeting (10 December 2026): the report is made for the committee's next one.
MADE = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
COURSE = (  # (leader, goal, colour, day, narrative): the autumn, status day by status day
    ("mette", "boegeskov-skole-trivsel", Color.RED, date(2026, 10, 12),
     "Flere konflikter efter skolestart. Vi mangler voksne i gården."),
    ("mette", "boegeskov-skole-trivsel", Color.YELLOW, date(2026, 11, 16),
     "Legepatruljen hjælper. Indskolingen mangler stadig voksne."),
    ("jonas", "engholm-skole-fravaer", Color.RED, date(2026, 11, 16),
     "Fraværet falder ikke endnu. Fraværsgruppen har holdt tre møder."),
    ("lise", "maelkeboetten-udeliv", Color.GREEN, date(2026, 11, 2),
     "Børnene er ude hver formiddag, også i regnvejr."),
)  # fmt: skip
KNOWLEDGE = (
    {"kind": "figure", "title": "Trivsel i indskolingen", "value": "82", "unit": "%",
     "year": "2026", "text": "Andel der svarer »ofte god« i trivselsmålingen."},
    {"kind": "link", "title": "Kvalitetsrapport 2026",
     "url": "https://boegeskov.dk/kvalitetsrapport-2026"},
)  # fmt: skip
MIDWAY = EvaluationContent(
    color=Color.YELLOW,
    criteria="Legepatruljen kører; frikvartersmålingen mangler 9 point til målet.",
    effect="Færre konflikter på mellemtrinnet, ifølge gårdvagterne.",
    evidence="Frikvartersmåling 9/2026: 71 % svarer »ofte god« (mål 80 %).",
)


def summary_of_the_meeting(meeting: Any) -> Any:
    return content_for(
        meeting,
        bearings=(bearing("Alle børn leger med sprog hver dag"),),
        matters=(
            matter(
                "Flere pædagoger i udskolingen",
                legal="Ingen.",
                economic="1,2 mio. kr. om året fra 2028.",
                staff="Fire nye stillinger.",
                other="Lokalerne i udskolingen skal deles om eftermiddagen.",
            ),
        ),
        follow_ups=(follow_up(owner="lise", due=date(2027, 2, 1)),),
    )


async def a_year_behind(sessions: Sessions, org: OrgFile) -> None:
    """The demo committee Børne- og Uddannelsesudvalget after an autumn's work."""
    for person, goal, color, day, narrative in COURSE:
        at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
        async with sessions.begin() as session:
            actor = await actor_of(session, org, person)
            goal_id = await id_of(session, Goal, goal, org)
            await status.record_status(session, actor, goal_id, color, narrative, None, at)
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "mette")
        goal_id = await id_of(session, Goal, "boegeskov-skole-trivsel", org)
        await evaluations.record(
            session,
            actor,
            EvaluationKind.MIDWAY,
            goal_id,
            MIDWAY,
            datetime(2026, 11, 20, tzinfo=UTC),
        )
    async with sessions.begin() as session:  # held with the department head, who signs it
        henrik = await actor_of(session, org, "henrik")
        await evaluations.answer_midway(
            session, henrik, goal_id, datetime(2026, 11, 20, tzinfo=UTC), True,
            "Vi følger målingen op i marts.", datetime(2026, 11, 21, 9, tzinfo=UTC),
        )  # fmt: skip
    async with sessions.begin() as session:  # the committee's knowledge, before the meeting
        actor = await actor_of(session, org, "camilla")
        committee = await id_of(session, Committee, "buu", org)
        period = await id_of(session, Period, "valgperiode-2026-2029", org)
        for raw in KNOWLEDGE:
            await knowledge.save(session, actor, committee, period, knowledge.entry(raw), MADE)
    approved = await held_and_approved(sessions, org, summary_of_the_meeting)
    await prepare(sessions, org, "mette", approved.summary.meeting.id, "boegeskov-skole")
    # A new goal agreed through Pejling: the department head and then the committee approve.
    sent = await submit_goal(sessions, org)
    await committee_approves(sessions, org, await approve_as(sessions, org, "henrik", sent))


def thirty_units(org: OrgFile, units: int = 30) -> OrgFile:
    """`org` with Børne- og Uddannelsesudvalget grown to `units` more units, three goals
    each, with a status on two of them."""

    def grow(raw: dict[str, Any]) -> None:
        for number in range(1, units + 1):
            raw["units"].append(_unit(number))

    return edited(org, grow)


def _unit(number: int) -> dict[str, Any]:
    day = date(2026, 9, 1) + timedelta(days=number)
    colors = ("green", "yellow", "red")
    return {
        "key": f"enhed-{number}",
        "name": f"Dagtilbud Æblehaven {number}",
        "type": "dagtilbud",
        "area": "Nord" if number % 2 else "Syd",
        "department": "dagtilbud-skole",
        "goals": [
            {
                "key": f"enhed-{number}-maal-{goal}",
                "title": f"Mål {goal} for Æblehaven {number}: mere sprog i hverdagen",
                "expected_effect": "Flere børn taler i hele sætninger ved skolestart.",
                "follow_up": "Sprogvurdering to gange om året.",
                "status": [
                    {
                        "color": colors[(number + goal) % 3],
                        "date": day.isoformat(),
                        "by": "sara",
                        "narrative": "Det går fremad, og personalet er med.",
                    }
                ]
                if goal < 3
                else [],
            }
            for goal in (1, 2, 3)
        ],
    }


async def _gallery(folder: Path) -> None:
    """Write the demo's documents to `folder`, with a small picture of each first page."""
    import subprocess

    from sqlalchemy import select

    from dialoger.documents import DocumentRequest, render
    from store import migrate
    from store.db import create_engine, sessionmaker
    from store.importer import import_org
    from store.models import Committee, Meeting, Period, Unit
    from store.orgfile import read_org_file

    org = read_org_file(ROOT / "examples" / "demokommune.yaml")
    path = folder / "galleri.db"
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(engine)
    sessions = sessionmaker(engine)
    async with sessions.begin() as session:
        await import_org(session, org)
    await a_year_behind(sessions, org)
    async with sessions() as session:
        committee = await id_of(session, Committee, "buu", org)
        period = await id_of(session, Period, "valgperiode-2026-2029", org)
        unit = await id_of(session, Unit, "boegeskov-skole", org)
        meeting = (await session.scalars(select(Meeting.id))).one()
        wanted = {
            "udvalgsrapport": DocumentRequest("rapport", committee, period),
            "udvalgsrapport-xlsx": DocumentRequest("rapport", committee, period, format="xlsx"),
            "moedepakke": DocumentRequest("pakke", meeting_id=meeting),
            "referat": DocumentRequest("referat", meeting_id=meeting),
            "aftale-boegeskov-skole": DocumentRequest("aftale", period_id=period, unit_id=unit),
        }
        for name, request in wanted.items():
            made = await render(session, request, "Camilla Dahl", MADE, "00.01.00-A00-1-27")
            suffix = request.format
            (folder / f"{name}.{suffix}").write_bytes(made.content)
            if suffix == "pdf":
                picture = ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3"]
                picture += [str(folder / f"{name}.pdf"), str(folder / name)]
                await asyncio.to_thread(subprocess.run, picture, check=True)
            if name == "referat":
                (folder / "referat.json").write_bytes(made.metadata())
    await engine.dispose()
    path.unlink()


if __name__ == "__main__":  # python tests/documentkit.py docs/rapporter
    sys.path.insert(0, str(ROOT))
    asyncio.run(_gallery(Path(sys.argv[1])))
